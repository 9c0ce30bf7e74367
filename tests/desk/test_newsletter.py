"""The daily newsletter: rendering (pure), sending to a real SMTP server (aiosmtpd), `newsdesk digest`."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

from newsdesk.clock import SystemClock
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.mailer import MailError, Reader, newsletter_messages, send_messages
from newsdesk.publish.newsletter import OTHER_SECTION, digest_sections, newsletter_subject, render_newsletter
from newsdesk.settings import SiteSettings, load_settings
from newsdesk.store import Store
from newsdesk.web.app import create_app
from tests.support.commandline import newsdesk
from tests.support.markup import assert_inert_html, parse_html
from tests.support.publishdata import HOSTILE_NAME, HOSTILE_TITLE, HOSTILE_URL, NOW, TOPICS, beat, save, story
from tests.support.smtpserver import Inbox, free_port, mail_settings

SITE = SiteSettings(title="A.I. Every Day", url="https://news.example/ai/")
LINKS = SiteLinks.of(SITE)
DAY = date(2024, 5, 2)


def day_stories() -> list:  # type: ignore[type-arg]
    return [s for s in beat() if s.primary.published.date() == DAY]


def test_the_subject_is_the_desk_every_day_and_the_date() -> None:
    assert newsletter_subject(SITE, DAY) == "A.I. Every Day (2024-05-02)"
    assert newsletter_subject(SiteSettings(title="Power Apps"), DAY) == "Power Apps Every Day (2024-05-02)"


def test_sections_follow_the_taxonomy_hottest_first_published_only() -> None:
    stories = [
        *day_stories(),
        story("2024-05-02-more-hardware", "Another accelerator ships", heat=50, topics=("AI Hardware",)),
        story("2024-05-02-cold-hardware", "A small chip update", heat=5, topics=("AI Hardware",)),
        story("2024-05-02-no-topic", "Something else happened", heat=70, topics=None),
    ]
    sections = digest_sections(stories, TOPICS, per_section=2)
    assert [(s.title, [x.slug for x in s.stories]) for s in sections] == [
        ("AI in Robotics", ["2024-05-02-warehouse-arm"]),
        ("AI Hardware", ["2024-05-02-chip-results", "2024-05-02-more-hardware"]),  # two per section
        (OTHER_SECTION, ["2024-05-02-no-topic"]),
    ]  # the unpublished draft is in none


def test_the_issue_is_mail_client_html_and_plain_text() -> None:
    issue = render_newsletter(DAY, day_stories(), TOPICS, SITE, LINKS)
    assert issue.subject == "A.I. Every Day (2024-05-02)"
    assert issue.stories == 2
    assert issue.excerpt == (
        "Chip maker beats forecasts on accelerator demand / Robotics lab unveils a warehouse arm that learns a grip"
    )
    page = parse_html(issue.html)
    assert page.xpath("//style | //link[@rel='stylesheet'] | //script") == []  # inline styles only
    assert page.xpath("//table[@role='presentation']")
    assert page.xpath("//title")[0].text == issue.subject
    links = page.xpath("//a/@href")
    assert "https://news.example/ai/newsletters/2024-05-02/" in links  # the archived copy
    assert "https://news.example/ai/stories/2024-05-02-warehouse-arm/" in links
    assert "https://gadgetdesk.example/a-robot-arm-that-learns-by-watching" in links  # coverage
    text = issue.text
    assert text.startswith("A.I. Every Day (2024-05-02)\n===========================\n")
    assert "AI IN ROBOTICS" in text
    assert "- Gadget Desk <https://gadgetdesk.example/" in text
    assert "<" not in text.replace("<https://", "").replace("<http://", "")


def test_hostile_stories_are_inert_in_the_issue() -> None:
    evil = story("2024-05-02-evil", HOSTILE_TITLE, outlet=HOSTILE_NAME, url=HOSTILE_URL, heat=99,
                 excerpt="<img src=x onerror=alert(2)>", related=((HOSTILE_TITLE, HOSTILE_NAME),))  # fmt: skip
    evil = dataclasses.replace(
        evil, related=tuple(dataclasses.replace(a, web_url=HOSTILE_URL) for a in evil.related or ())
    )
    issue = render_newsletter(DAY, [evil], TOPICS, SITE, LINKS)
    page = parse_html(issue.html)
    assert_inert_html(lxml.html.tostring(page.xpath("//body")[0], encoding="unicode"))
    assert HOSTILE_TITLE in page.text_content()
    assert "javascript:" not in issue.html
    assert "javascript:" not in issue.text
    assert issue.excerpt == HOSTILE_TITLE


# --------------------------------------------------------------------------- sending


READERS = [Reader("a@example.org", "https://news.example/newsletter/unsubscribe/aaaa"), Reader("b@example.org")]


def test_a_long_one_click_address_is_sent_as_a_plain_uri_never_an_encoded_word() -> None:
    """RFC 2369 URIs sit in angle brackets, where RFC 2047 encoded words are not allowed: a mail provider reading
    ``=?utf-8?q?=3Chttps=3A...`` finds no URL, and offers no one-click unsubscribe."""
    url = "https://news.example.com/newsletter/unsubscribe/5f88697b0d03acfba063e13b11303faddcd3b181c3762588"
    issue = render_newsletter(DAY, day_stories(), TOPICS, SITE, LINKS)
    [(_, message)] = newsletter_messages(issue, mail_settings(25), [Reader("a@example.org", url)], now=NOW)
    sent = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    head = sent.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert f"List-Unsubscribe: <{url}>,\r\n <mailto:desk@news.example?subject=unsubscribe>\r\n" in head + "\r\n"
    assert "=?" not in head.split("List-Unsubscribe:", 1)[1].split("\r\nList-Unsubscribe-Post", 1)[0]
    assert max(len(line) for line in head.split("\r\n")) <= 998
    # The body keeps the standard encoding (lines of at most 78 characters).
    assert b"Content-Transfer-Encoding: quoted-printable" in sent or b"Content-Transfer-Encoding: 7bit" in sent


def test_the_issue_is_sent_as_text_and_html_alternatives_one_message_per_reader(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    issue = render_newsletter(DAY, day_stories(), TOPICS, SITE, LINKS)
    settings = mail_settings(port, smtp_user="desk")
    logged: list[tuple[str, str | None]] = []
    went = send_messages(
        newsletter_messages(issue, settings, READERS, now=NOW), settings, "s3cret", lambda a, e: logged.append((a, e))
    )
    assert (went, logged) == (2, [("a@example.org", None), ("b@example.org", None)])
    assert inbox.logins == ["desk"]
    # Two readers, two messages: each names its own reader and no other, in the envelope and every header.
    assert [recipients for recipients, _ in inbox.messages] == [["a@example.org"], ["b@example.org"]]
    for (recipients, message), other in zip(inbox.messages, ["b@example.org", "a@example.org"], strict=True):
        assert message["To"] == recipients[0]
        assert all(other not in str(value) for value in message.values())
        assert message["List-Id"] == "<newsletter.news.example>"
    first, second = inbox.messages[0][1], inbox.messages[1][1]
    # One-click unsubscribe (RFC 8058) where the reader has an address for it; a mail to the sender besides.
    assert first["List-Unsubscribe"] == (
        "<https://news.example/newsletter/unsubscribe/aaaa>, <mailto:desk@news.example?subject=unsubscribe>"
    )
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert second["List-Unsubscribe"] == "<mailto:desk@news.example?subject=unsubscribe>"
    assert second["List-Unsubscribe-Post"] is None
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Subject"] == "A.I. Every Day (2024-05-02)"
    assert first["From"] == "desk@news.example"
    assert first.get_content_type() == "multipart/alternative"
    text, html = first.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    plain = text.get_content().replace("\r\n", "\n")
    assert plain.startswith(issue.text.rstrip())
    assert plain.endswith("Sent to a@example.org. Unsubscribe: https://news.example/newsletter/unsubscribe/aaaa\n")
    assert 'href="https://news.example/newsletter/unsubscribe/aaaa">Unsubscribe</a>' in html.get_content()
    untouched = second.iter_parts()
    assert next(untouched).get_content().replace("\r\n", "\n") == issue.text


def test_sending_fails_with_one_clear_line(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    issue = render_newsletter(DAY, day_stories(), TOPICS, SITE, LINKS)
    messages = newsletter_messages(issue, mail_settings(port), READERS, now=NOW)
    with pytest.raises(MailError, match="refused the login of 'desk'"):
        send_messages(messages, mail_settings(port, smtp_user="desk"), "wrong")
    with pytest.raises(MailError, match="holds no password"):
        send_messages(messages, mail_settings(port, smtp_user="desk"), None)
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send_messages(messages, mail_settings(port, starttls=True), None)
    with pytest.raises(MailError, match=f"cannot send the newsletter through 127.0.0.1:{free_port()}|refused"):
        send_messages(messages, mail_settings(free_port()), None)
    with pytest.raises(MailError, match="has no subscribers"):
        newsletter_messages(issue, mail_settings(port), [], now=NOW)
    assert inbox.messages == []


# --------------------------------------------------------------------------- `newsdesk digest`


@pytest.fixture
def desk(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    with Store.open(database_url) as store:
        save(store, beat())
    return path


def test_digest_renders_archives_and_writes_the_issue(desk: Path, tmp_path: Path) -> None:
    out = tmp_path / "mail" / "issue.html"
    code, stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-05-02", "--out", out)
    assert code == 0, stderr
    assert stdout.splitlines()[0] == (
        "A.I. Every Day (2024-05-02): 2 stories; archived at http://127.0.0.1:8000/newsletters/2024-05-02/"
    )
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.with_suffix(".txt").read_text(encoding="utf-8").startswith("A.I. Every Day (2024-05-02)\n")
    settings = load_settings(desk, {})
    with Store.open(settings.database_url) as store, TestClient(create_app(settings, store, SystemClock())) as client:
        archived = client.get("/newsletters/2024-05-02/")
        assert archived.status_code == 200
        assert archived.text == out.read_text(encoding="utf-8")


def test_digest_of_an_empty_day_or_a_bad_date_says_so(desk: Path) -> None:
    code, stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-06-01")
    assert (code, stdout, stderr) == (1, "", "error: no story was published on 2024-06-01: no newsletter\n")
    code, _stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-13-01")
    assert code == 2
    assert "'2024-13-01' is not a date (YYYY-MM-DD)" in stderr


def test_digest_sends_over_smtp(desk: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    toml = desk / "newsdesk.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('smtp_host = "localhost"', 'smtp_host = "127.0.0.1"').replace(
        "smtp_port = 587", f"smtp_port = {port}"
    )
    text = text.replace("starttls = true", "starttls = false").replace('to = ""', 'to = "reader@example.org"')
    toml.write_text(text, encoding="utf-8")
    # newsletter.to is imported once, as the first subscribers.
    code, stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-05-02", "--send")
    assert code == 0, stderr
    assert stdout.splitlines()[-1] == "sent to 1 subscriber(s), one message each"
    # The desk's site.url is its default: the sender is told where the mail's links lead.
    assert "note: site.url is its default (http://127.0.0.1:8000): the newsletter's story and unsubscribe" in stderr
    assert newsdesk("subscribers", "list", "--desk", desk)[1].startswith("reader@example.org\tactive\t")
    # A second reader joins; the same day's issue goes to them only (the send log remembers the first).
    assert newsdesk("subscribers", "add", "Second@Example.NET", "--desk", desk)[1] == "added: second@example.net\n"
    code, stdout, stderr = newsdesk("subscribers", "add", "not an address", "--desk", desk)
    assert (code, stderr) == (1, "error: 'not an address' is not an e-mail address\n")
    code, stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-05-02", "--send")
    assert stdout.splitlines()[-1] == "sent to 1 subscriber(s), one message each; 1 had it already"
    assert [recipients for recipients, _ in inbox.messages] == [["reader@example.org"], ["second@example.net"]]
    message = inbox.messages[1][1]
    assert message["Subject"] == "A.I. Every Day (2024-05-02)"
    unsubscribe = message["List-Unsubscribe"].split(">")[0].removeprefix("<")
    assert unsubscribe.startswith("http://127.0.0.1:8000/newsletter/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Run again: nobody gets the issue twice.
    code, stdout, _ = newsdesk("digest", "--desk", desk, "--date", "2024-05-02", "--send")
    assert stdout.splitlines()[-1] == "already sent to all 2 subscriber(s)"
    assert len(inbox.messages) == 2
    # The reader's one click (what a mail provider POSTs), through the live app: they leave.
    from fastapi.testclient import TestClient

    from newsdesk.clock import SystemClock
    from newsdesk.desk import open_desk
    from newsdesk.web.app import create_app

    path = unsubscribe.removeprefix("http://127.0.0.1:8000")
    with open_desk(desk, {}) as opened, TestClient(create_app(opened.settings, opened.store, SystemClock())) as web:
        asked = web.get(path)  # opening the link only asks
        assert asked.status_code == 200
        assert "Stop receiving the newsletter at this address?" in asked.text
        assert "second@example.net" in newsdesk("subscribers", "list", "--desk", desk)[1]
        left = web.post(path, data={"List-Unsubscribe": "One-Click"})
        assert left.status_code == 200
        assert "You will receive no more newsletters at this address." in left.text
        assert left.headers["cache-control"] == "no-store"
        assert web.post(path.replace(path[-4:], "0000")).status_code == 404
    assert "second@example.net" not in newsdesk("subscribers", "list", "--desk", desk)[1]
    assert "second@example.net\tleft" in newsdesk("subscribers", "list", "--all", "--desk", desk)[1]
    # An unreachable server: one line, exit 1 (the issue is archived all the same).
    newsdesk("subscribers", "add", "third@example.org", "--desk", desk)
    toml.write_text(text.replace(f"smtp_port = {port}", f"smtp_port = {free_port()}"), encoding="utf-8")
    code, _stdout, stderr = newsdesk("digest", "--desk", desk, "--date", "2024-05-02", "--send")
    assert code == 1
    assert stderr.splitlines()[-1].startswith("error: cannot send the newsletter through 127.0.0.1:")
    assert len([line for line in stderr.splitlines() if not line.startswith("note: site.url")]) == 1


def test_subscribers_come_from_a_csv_and_who_left_stays_left(desk: Path, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("email,name\nc@example.org,C\nnonsense,D\n\nA@example.org,A again\n", encoding="utf-8")
    code, stdout, stderr = newsdesk("subscribers", "import", listing, "--desk", desk)
    assert code == 0, stderr
    assert stdout == "imported 2 new subscriber(s) from 3 row(s)\n"
    assert stderr == "skipped: 'nonsense' is not an e-mail address\n"
    assert newsdesk("subscribers", "remove", "c@example.org", "--desk", desk)[1] == "removed: c@example.org\n"
    # A list imported again does not bring back who left.
    assert (
        newsdesk("subscribers", "import", listing, "--desk", desk)[1] == "imported 0 new subscriber(s) from 3 row(s)\n"
    )
    assert [line.split("\t")[0] for line in newsdesk("subscribers", "list", "--desk", desk)[1].splitlines()] == [
        "a@example.org"
    ]
