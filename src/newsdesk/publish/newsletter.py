"""The daily newsletter: a day's published stories → subject, HTML e-mail and plain text.

"<Desk> Every Day (<date>)", like the "Every Day" sites' own: the day's top
stories by heat, grouped by topic (a story goes under its first topic the
taxonomy knows; stories with none under "More news"), each with the outlet
that broke it, its excerpt and its coverage. The HTML is what mail clients
render: tables, inline styles, no script, no external CSS; every value from
a story is escaped and every link is http(s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jinja2

from newsdesk.publish.links import SiteLinks
from newsdesk.publish.safehtml import safe_url
from newsdesk.publish.topictree import topic_of_name
from newsdesk.record import Newsletter, Story, Topic
from newsdesk.settings import SiteSettings

OTHER_SECTION = "More news"
SUFFIX = "Every Day"


@dataclass(frozen=True, slots=True)
class DigestSection:
    title: str
    topic_id: str | None
    stories: tuple[Story, ...]


def newsletter_subject(site: SiteSettings, day: date) -> str:
    """``A.I. Every Day (2024-05-02)``: the site's title, with "Every Day" added when it lacks it."""
    title = site.title.strip()
    desk = title if title.endswith(SUFFIX) else f"{title} {SUFFIX}"
    return f"{desk} ({day.isoformat()})"


def _heat(story: Story) -> int:
    return story.heat if story.heat is not None else -1


def digest_sections(stories: Sequence[Story], topics: Sequence[Topic], *, per_section: int) -> list[DigestSection]:
    """Published stories by section (taxonomy order, then "More news"), hottest first, ``per_section`` each."""
    ranked = sorted((s for s in stories if s.published), key=lambda s: (-_heat(s), -s.primary.published.timestamp()))
    placed: dict[str | None, list[Story]] = {}
    for story in ranked:
        known = (topic_of_name(topics, name) for name in story.topics or ())
        topic = next((t for t in known if t is not None), None)
        placed.setdefault(topic.id if topic else None, []).append(story)
    sections = [
        DigestSection(title=t.name, topic_id=t.id, stories=tuple(placed[t.id][:per_section]))
        for t in topics
        if t.id in placed
    ]
    if None in placed:
        sections.append(DigestSection(title=OTHER_SECTION, topic_id=None, stories=tuple(placed[None][:per_section])))
    return sections


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("newsdesk.publish", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["safe_url"] = safe_url
    return environment


def render_newsletter(
    day: date,
    stories: Sequence[Story],
    topics: Sequence[Topic],
    site: SiteSettings,
    links: SiteLinks,
    *,
    per_section: int = 5,
) -> Newsletter:
    """The issue for ``day`` from that day's stories (the caller picks them; unpublished ones are left out)."""
    sections = digest_sections(stories, topics, per_section=per_section)
    chosen = [s for section in sections for s in section.stories]
    top = sorted(chosen, key=lambda s: -_heat(s))[:3]
    excerpt = " / ".join(s.primary.title.strip() for s in top)
    subject = newsletter_subject(site, day)
    context = {
        "subject": subject,
        "excerpt": excerpt,
        "day": day,
        "site": site,
        "home": links.url("/"),
        "archive_url": links.url(links.newsletter(day)),
        "story_url": lambda story: links.url(links.story(story.slug)),
        "topic_url": lambda topic_id: links.url(links.topic(topic_id)),
        "sections": sections,
    }
    html = _templates().get_template("newsletter.html").render(context)
    text = _templates().get_template("newsletter.txt").render(context)
    return Newsletter(day=day, subject=subject, excerpt=excerpt, html=html, text=text, stories=len(chosen))
