"""Names of well-known outlets by domain, for pages that do not name themselves."""

from __future__ import annotations

from newsdesk.ingest.read.domains import registrable_domain

KNOWN_OUTLETS: dict[str, str] = {
    "abcnews.go.com": "ABC News",
    "apnews.com": "Associated Press",
    "arstechnica.com": "Ars Technica",
    "axios.com": "Axios",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "bloomberg.com": "Bloomberg",
    "businessinsider.com": "Business Insider",
    "cbsnews.com": "CBS News",
    "cnbc.com": "CNBC",
    "cnet.com": "CNET",
    "cnn.com": "CNN",
    "engadget.com": "Engadget",
    "fastcompany.com": "Fast Company",
    "forbes.com": "Forbes",
    "foxnews.com": "Fox News",
    "ft.com": "Financial Times",
    "geekwire.com": "GeekWire",
    "gizmodo.com": "Gizmodo",
    "latimes.com": "Los Angeles Times",
    "mashable.com": "Mashable",
    "medium.com": "Medium",
    "nbcnews.com": "NBC News",
    "neowin.net": "Neowin",
    "npr.org": "NPR",
    "nytimes.com": "The New York Times",
    "politico.com": "Politico",
    "reuters.com": "Reuters",
    "technologyreview.com": "MIT Technology Review",
    "techcrunch.com": "TechCrunch",
    "theatlantic.com": "The Atlantic",
    "theguardian.com": "The Guardian",
    "theintercept.com": "The Intercept",
    "theregister.com": "The Register",
    "theverge.com": "The Verge",
    "usatoday.com": "USA Today",
    "venturebeat.com": "VentureBeat",
    "vox.com": "Vox",
    "washingtonpost.com": "The Washington Post",
    "wired.com": "Wired",
    "wsj.com": "The Wall Street Journal",
    "youtube.com": "YouTube",
    "zdnet.com": "ZDNET",
}


def known_outlet(host: str) -> str | None:
    """The outlet's usual name for a host, if known: by the host itself (``abcnews.go.com``), else by its
    registrable domain (``www.engadget.com`` → ``engadget.com`` → ``Engadget``)."""
    host = host.lower().rstrip(".")
    return KNOWN_OUTLETS.get(host.removeprefix("www.")) or KNOWN_OUTLETS.get(registrable_domain(host))
