"""The web app: the reader site (HTML), the JSON API, feeds and sitemaps, over the store.

``create_app(settings, store, clock)`` in ``app.py`` builds it; routers by job
(``reader``, ``api``, ``feeds``) are thin: they read the store through the
query modules (``store/published.py``, ``store/search.py``), render with the
pure writers (``publish/*``) or Jinja2 templates, and serve the bytes from
the page cache (``pages.py``) until the store's generation moves on.
"""
