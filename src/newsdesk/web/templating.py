"""The reader site's Jinja2 templates: autoescaped, with the filters pages need to stay safe."""

from __future__ import annotations

from datetime import UTC, date, datetime

import jinja2
from markupsafe import Markup

from newsdesk.publish.links import SiteLinks
from newsdesk.publish.safehtml import body_html, embed_html, safe_url
from newsdesk.settings import SiteSettings
from newsdesk.web.wording import Wording


def when(value: datetime) -> str:
    """``2024-05-02 08:15 UTC``."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def make_templates(site: SiteSettings, links: SiteLinks) -> jinja2.Environment:
    """The environment every reader page renders with (autoescape on for every template)."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    environment.filters["safe_url"] = safe_url
    environment.filters["when"] = when
    environment.filters["iso"] = iso
    wording = Wording(site.locale)
    environment.filters["long_day"] = wording.long_day
    environment.filters["body_html"] = lambda text: Markup(body_html(text))  # nh3-sanitised
    environment.filters["embed_html"] = lambda text: Markup(embed_html(text))  # nh3-sanitised
    environment.globals["site"] = site
    environment.globals["links"] = links
    #: ``t("phrase {x}", x=...)``: the reader site's words in the site's language (``wording``).
    environment.globals["t"] = wording
    return environment
