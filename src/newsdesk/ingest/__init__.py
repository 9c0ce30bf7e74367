"""The ingest stage: sources in, articles stored.

Its pure cores read bytes into typed records and never do I/O: :mod:`sources` (feeds, OPML, sitemaps) and
:mod:`read` (a page into an article), with :mod:`entries` and :mod:`documents` (what a fetched document is, and
the articles made of it) and :mod:`identify` (what a URL given to ``sources add`` is). :mod:`fetch` is the only
network code. :mod:`stage` is where the stage meets the store: fetch what is due, read it, store the articles.
"""
