"""An article as one JSON object: the record's field names, plus what reading found."""

from __future__ import annotations

from newsdesk.record import FetchedArticle
from newsdesk.record.file import scalar_text


def article_json(fetched: FetchedArticle) -> dict[str, object]:
    """What ``newsdesk read`` prints for each article."""
    article = fetched.article
    provider = article.provider
    return {
        "title": article.title,
        "excerpt": article.excerpt,
        "publishedDateTime": scalar_text(article.published),
        "originalUrl": article.original_url,
        "webUrl": article.web_url,
        "ampWebUrl": article.amp_web_url,
        "cdnAmpWebUrl": article.cdn_amp_web_url,
        "type": article.type,
        "provider": None if provider is None else {"name": provider.name, "domain": provider.domain},
        "images": [{"url": i.url, "width": i.width, "height": i.height} for i in article.images or ()],
        "text": fetched.text,
        "language": fetched.language,
        "authors": list(fetched.authors),
        "links": list(fetched.links),
    }
