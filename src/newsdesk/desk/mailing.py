"""The newsletter's mail at the desk: an issue to its subscribers, a confirmation to a reader who asked on the
site, refusals and bounce reports recorded per address.

Between the pure parts (``publish/newsletter.py`` renders, ``publish/mailer.py`` builds messages and talks SMTP,
``publish/bounces.py`` reads bounce reports) and the store (``store/subscribers.py``): the CLI and the web app
call these, and print or show what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from newsdesk.errors import NewsdeskError
from newsdesk.publish.bounces import read_bounces
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.mailer import MailError, Reader, confirmation_message, newsletter_messages, send_messages
from newsdesk.publish.newsletter import render_newsletter
from newsdesk.publish.topictree import covered_names, find_topic
from newsdesk.record import Newsletter, Story, Topic
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.newsletters import mark_sent, save_newsletter
from newsdesk.store.published import on_day
from newsdesk.store.subscribers import (
    Subscriber,
    confirmations_since,
    import_addresses,
    record_failure,
    record_send,
    request_subscription,
    sent_addresses,
    subscribers,
    unmark_asked,
)
from newsdesk.store.topics import load_topics


class ConfirmationLimit(NewsdeskError, RuntimeError):
    """The site sent as many confirmation mails this hour as ``newsletter.confirmations_per_hour`` allows."""


@dataclass(slots=True)
class SendReport:
    """How an issue's sending went: messages that went, readers who had it already, readers whose topics had
    no story that day, and the addresses the server refused (with why)."""

    went: int = 0
    already: int = 0
    nothing_for: int = 0
    refused: dict[str, str] = field(default_factory=dict)


def _permanent(reason: str) -> bool:
    """An SMTP reply's reason is a refusal for good when its code is 5xx."""
    return reason.lstrip()[:1] == "5"


def _reader_issue(
    issue: Newsletter,
    reader: Subscriber,
    stories: Sequence[Story],
    topics: Sequence[Topic],
    settings: Settings,
    links: SiteLinks,
) -> Newsletter | None:
    """The issue as this reader gets it: all of it, or only the stories on the topics they chose (None: none)."""
    if reader.topics is None:
        return issue
    names: set[str] = set()
    for topic_id in reader.topics:
        topic = find_topic(topics, topic_id)
        if topic is not None:
            names.update(covered_names(topic, topics))
    chosen = [s for s in stories if names.intersection(s.topics or ())]
    if not chosen:
        return None
    per_section = settings.newsletter.per_topic
    return render_newsletter(issue.day, chosen, topics, settings.site, links, per_section=per_section)


@dataclass(frozen=True, slots=True)
class ComposedIssue:
    """A day's newsletter as made and archived (:func:`compose_issue`), with the stories and topics it holds."""

    issue: Newsletter
    stories: tuple[Story, ...]
    topics: tuple[Topic, ...]
    #: Where the archived issue is read on the site.
    url: str


def compose_issue(store: Store, settings: Settings, day: date, now: Callable[[], datetime]) -> ComposedIssue | None:
    """The newsletter of ``day``: the stories out that day (by heat, per topic), rendered and archived at
    ``/newsletters/<date>/``; ``None`` when no story came out that day."""
    with store.transaction() as conn:
        stories, topics = on_day(conn, day, now=now()), load_topics(conn)
    if not stories:
        return None
    links = SiteLinks.of(settings.site)
    issue = render_newsletter(day, stories, topics, settings.site, links, per_section=settings.newsletter.per_topic)
    with store.transaction() as conn:
        save_newsletter(conn, issue, now=now())
    return ComposedIssue(issue, tuple(stories), tuple(topics), links.url(links.newsletter(day)))


def send_issue(
    store: Store,
    settings: Settings,
    issue: Newsletter,
    stories: Sequence[Story],
    topics: Sequence[Topic],
    *,
    password: str | None,
    now: Callable[[], datetime],
) -> SendReport:
    """Send the issue to every active subscriber it has not gone to yet, one message each (the stories on their
    topics, when they chose some), each logged as it goes: a send stopped midway resumes with the rest, and a
    refusal is recorded against the address (three for good in a row: bounced). ``newsletter.to`` is imported
    once when there are no subscribers at all."""
    mail = settings.newsletter
    links = SiteLinks.of(settings.site)
    with store.transaction() as conn:
        if not subscribers(conn) and mail.recipients:
            import_addresses(conn, mail.recipients, now=now())
        readers = subscribers(conn, active_only=True)
        already = sent_addresses(conn, issue.day)
    report = SendReport(already=sum(r.address in already for r in readers))
    messages = []
    by_topics: dict[tuple[str, ...] | None, Newsletter | None] = {}  # one rendering per choice of topics
    for reader in (r for r in readers if r.address not in already):
        if reader.topics not in by_topics:
            by_topics[reader.topics] = _reader_issue(issue, reader, stories, topics, settings, links)
        own = by_topics[reader.topics]
        if own is None:
            report.nothing_for += 1
            continue
        unsubscribe = links.url(f"/newsletter/unsubscribe/{reader.token}")
        messages += newsletter_messages(own, mail, [Reader(reader.address, unsubscribe)], now=now())
    if not messages:
        return report

    def done(address: str, error: str | None) -> None:
        with store.transaction() as conn:
            record_send(conn, issue.day, address, now=now(), error=error)
            if error is not None:
                record_failure(conn, address, error, permanent=_permanent(error))
                report.refused[address] = error
            else:
                report.went += 1

    send_messages(messages, mail, password, done, raise_refused=False)
    with store.transaction() as conn:
        mark_sent(conn, issue.day, now=now())
    return report


def ask_to_confirm(
    store: Store, settings: Settings, address: str, topics: Sequence[str] | None, *, password: str | None, now: datetime
) -> bool:
    """A reader asked on the site: store them as pending and mail the link that confirms them (unless one went
    to them minutes ago, or they are subscribed already); whether a mail went. :class:`ConfirmationLimit` when
    the site has sent its hourly share; ``SubscriberError`` for a string that is no address; ``MailError`` when the
    SMTP server cannot take it."""
    with store.transaction() as conn:
        if confirmations_since(conn, now - timedelta(hours=1)) >= settings.newsletter.confirmations_per_hour:
            raise ConfirmationLimit("too many subscriptions asked this hour; try again later")
        reader, mail_now = request_subscription(conn, address, now=now, topics=topics)
    if not mail_now:
        return False
    url = SiteLinks.of(settings.site).url(f"/newsletter/confirm/{reader.token}")
    message = confirmation_message(settings.newsletter, settings.site.title, reader.address, url, now=now)
    try:
        send_messages([(reader.address, message)], settings.newsletter, password)
    except MailError:
        with store.transaction() as conn:
            unmark_asked(conn, reader.address)
        raise
    return True


@dataclass(frozen=True, slots=True)
class BounceReport:
    """What a batch of bounce reports did: recipients recorded as failed, those now bounced, reports that named
    nobody subscribed, and messages that were no bounce report."""

    recorded: tuple[str, ...]
    bounced: tuple[str, ...]
    strangers: tuple[str, ...]
    not_reports: int


def record_bounces(store: Store, messages: Sequence[bytes]) -> BounceReport:
    """Record each failed recipient of these bounce reports against their address (three for good in a row make
    it ``bounced``)."""
    recorded: list[str] = []
    bounced: list[str] = []
    strangers: list[str] = []
    not_reports = 0
    with store.transaction() as conn:
        for data in messages:
            found = read_bounces(data)
            not_reports += not found
            for bounce in found:
                reader = record_failure(conn, bounce.address, bounce.reason, permanent=bounce.permanent)
                if reader is None:
                    strangers.append(bounce.address)
                    continue
                recorded.append(reader.address)
                if reader.state == "bounced" and reader.address not in bounced:
                    bounced.append(reader.address)
    return BounceReport(tuple(recorded), tuple(bounced), tuple(strangers), not_reports)
