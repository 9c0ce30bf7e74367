"""Readers join on the site with double opt-in, choose topics, leave with one click; refusals and bounce reports
are recorded per address and stop the mail to an address that is gone (issue 19). Mail goes to a real SMTP
server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import mailbox
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.desk.mailing import record_bounces, send_issue
from newsdesk.publish.bounces import read_bounces
from newsdesk.publish.links import SiteLinks
from newsdesk.publish.newsletter import render_newsletter
from newsdesk.settings import Settings, SiteSettings
from newsdesk.store import Store
from newsdesk.store.published import on_day
from newsdesk.store.subscribers import add_subscriber, subscribers
from newsdesk.store.topics import load_topics
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.commandline import newsdesk
from tests.support.markup import parse_html
from tests.support.publishdata import beat, save
from tests.support.smtpserver import Inbox, mail_settings

NOW = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
DAY = datetime(2024, 5, 2, tzinfo=UTC).date()
SITE = SiteSettings(title="A.I. Every Day", url="https://news.example/")


@dataclasses.dataclass
class Desk:
    store: Store
    settings: Settings
    clock: ManualClock
    client: TestClient
    inbox: Inbox


@pytest.fixture
def desk(tmp_path: Path, database_url: str, smtp: tuple[Inbox, int]) -> Iterator[Desk]:
    inbox, port = smtp
    settings = Settings(desk=tmp_path, site=SITE, newsletter=mail_settings(port, to="", confirmations_per_hour=5))
    with Store.open(database_url) as store:
        save(store, beat())
        clock = ManualClock(NOW)
        with TestClient(create_app(settings, store, clock), follow_redirects=False) as client:
            yield Desk(store, settings, clock, client, inbox)


def confirm_link(message: EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https://news\.example(/newsletter/confirm/[0-9a-f]+)", text)
    assert found is not None, text
    return found.group(1)


def states(store: Store) -> dict[str, tuple[str, tuple[str, ...] | None]]:
    with store.transaction() as conn:
        return {s.address: (s.state, s.topics) for s in subscribers(conn)}


def issue_day(desk: Desk) -> int:
    with desk.store.transaction() as conn:
        stories, topics = on_day(conn, DAY, now=NOW), load_topics(conn)
    issue = render_newsletter(DAY, stories, topics, SITE, SiteLinks.of(SITE))
    report = send_issue(desk.store, desk.settings, issue, stories, topics, password=None, now=desk.clock.now)
    return report.went


def test_a_reader_subscribes_confirms_and_gets_only_their_topics(desk: Desk) -> None:
    form = parse_html(desk.client.get("/newsletter/subscribe").content)
    assert form.xpath("//form[@method='post']//input[@type='email'][@name='address']")
    assert form.xpath("//input[@name='topic']/@value") == ["ai", "ai-in-robotics", "ai-hardware", "ai-policy"]
    # The footer of every page leads there.
    assert 'href="/newsletter/subscribe"' in desk.client.get("/").text
    chosen = {"address": " Ann@Example.org ", "topic": ["ai-hardware", "nonsense"]}
    asked = desk.client.post("/newsletter/subscribe", data=chosen)
    assert asked.status_code == 200
    assert "Check your inbox" in asked.text
    assert asked.headers["cache-control"] == "no-store"
    (message,) = desk.inbox.to("ann@example.org")
    assert message["Subject"] == "Confirm your subscription to A.I. Every Day"
    assert message["Auto-Submitted"] == "auto-generated"
    assert states(desk.store) == {"ann@example.org": ("pending", ("ai-hardware",))}
    # Pending: the newsletter does not go to her yet.
    assert issue_day(desk) == 0
    link = confirm_link(message)
    page = desk.client.get(link)  # opening the link (a mail scanner would) only asks
    assert page.status_code == 200
    assert "Receive the newsletter at this address?" in page.text
    assert states(desk.store)["ann@example.org"][0] == "pending"
    done = desk.client.post(link)
    assert done.status_code == 200
    assert "You will receive the newsletter" in done.text
    assert states(desk.store)["ann@example.org"][0] == "active"
    # Her issue holds the stories of her topic only, and an unsubscribe link.
    assert issue_day(desk) == 1
    (digest,) = [m for m in desk.inbox.to("ann@example.org") if m["Subject"] == "A.I. Every Day (2024-05-02)"]
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Chip maker beats forecasts" in text
    assert "warehouse arm" not in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = digest["List-Unsubscribe"].split(">")[0].removeprefix("<https://news.example")
    assert desk.client.post(unsubscribe).status_code == 200
    assert states(desk.store)["ann@example.org"][0] == "left"
    # Opened again, the link says it is done rather than asking again.
    again = desk.client.get(unsubscribe)
    assert again.status_code == 200
    assert "You will receive no more newsletters at this address." in again.text
    assert "<form" not in again.text.split("<main", 1)[-1].split("</main>", 1)[0]
    # A link that is not a reader's is a 404 either way.
    assert desk.client.get("/newsletter/confirm/" + "0" * 48).status_code == 404
    assert desk.client.post("/newsletter/confirm/nonsense").status_code == 404


def test_the_form_tells_nobody_who_subscribes_and_mails_once(desk: Desk) -> None:
    with desk.store.transaction() as conn:
        add_subscriber(conn, "reader@example.org", now=NOW)
    for _ in range(2):
        for address in ("reader@example.org", "new@example.org"):
            answer = desk.client.post("/newsletter/subscribe", data={"address": address})
            assert answer.status_code == 200
            assert "Check your inbox" in answer.text
    # The active reader gets no confirmation; the new one gets one, not two (the form sent twice).
    assert desk.inbox.to("reader@example.org") == []
    assert len(desk.inbox.to("new@example.org")) == 1
    desk.clock.advance(timedelta(minutes=11).total_seconds())
    desk.client.post("/newsletter/subscribe", data={"address": "new@example.org"})
    assert len(desk.inbox.to("new@example.org")) == 2  # later, a lost mail can be asked for again


def test_the_form_refuses_what_is_no_address_robots_and_floods(desk: Desk) -> None:
    for bad in ({"address": "not an address"}, {"address": ""}, {}, {"address": "x" * 300 + "@example.org"}):
        answer = desk.client.post("/newsletter/subscribe", data=bad)
        assert answer.status_code == 400, bad
        assert "e-mail address" in answer.text
    robot = desk.client.post("/newsletter/subscribe", data={"address": "bot@example.org", "website": "http://spam"})
    assert robot.status_code == 200  # told nothing
    assert states(desk.store) == {}
    assert desk.inbox.messages == []
    assert desk.client.post("/newsletter/subscribe", content=b"\xff" * 10).status_code == 400
    # Five confirmation mails an hour (this desk's setting); the sixth asks to come back later.
    for number in range(5):
        assert desk.client.post("/newsletter/subscribe", data={"address": f"r{number}@example.org"}).status_code == 200
    flooded = desk.client.post("/newsletter/subscribe", data={"address": "r9@example.org"})
    assert flooded.status_code == 429
    assert len(desk.inbox.messages) == 5


def test_refusals_for_good_stop_the_mail_and_a_temporary_one_does_not(desk: Desk) -> None:
    with desk.store.transaction() as conn:
        for address in ("gone@example.org", "full@example.org", "fine@example.org"):
            add_subscriber(conn, address, now=NOW)
    desk.inbox.refuse = {
        "gone@example.org": "550 5.1.1 User unknown",
        "full@example.org": "452 4.2.2 Mailbox full",
    }
    for day in range(3):
        with desk.store.transaction() as conn:
            stories, topics = on_day(conn, DAY, now=NOW), load_topics(conn)
        issue = dataclasses.replace(
            render_newsletter(DAY, stories, topics, SITE, SiteLinks.of(SITE)), day=DAY + timedelta(days=day)
        )
        report = send_issue(desk.store, desk.settings, issue, stories, topics, password=None, now=desk.clock.now)
        assert report.went == 1
        assert set(report.refused) == {"gone@example.org", "full@example.org"}
    with desk.store.transaction() as conn:
        found = {s.address: s for s in subscribers(conn)}
    assert found["gone@example.org"].state == "bounced"
    assert found["gone@example.org"].failures == 3
    assert found["gone@example.org"].last_error is not None
    assert "550" in found["gone@example.org"].last_error
    assert found["full@example.org"].state == "active"  # a full mailbox is not a gone one
    assert found["fine@example.org"].failures == 0
    # The bounced address gets nothing more.
    desk.inbox.refuse = {}
    with desk.store.transaction() as conn:
        stories, topics = on_day(conn, DAY, now=NOW), load_topics(conn)
    issue = dataclasses.replace(
        render_newsletter(DAY, stories, topics, SITE, SiteLinks.of(SITE)), day=DAY + timedelta(days=9)
    )
    report = send_issue(desk.store, desk.settings, issue, stories, topics, password=None, now=desk.clock.now)
    assert report.went == 2
    assert desk.inbox.to("gone@example.org") == []


BOUNCE = """From: MAILER-DAEMON@mx.example.org
To: desk@news.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {address}
Action: failed
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{address}>: Recipient address rejected: User unknown

Final-Recipient: rfc822; slow@example.org
Action: delayed
Status: 4.4.1

--B
Content-Type: message/rfc822

Subject: A.I. Every Day (2024-05-02)

--B--
"""


def test_bounce_reports_are_read() -> None:
    (bounce,) = read_bounces(BOUNCE.format(address="Gone@Example.org", status="5.1.1").encode())
    assert (bounce.address, bounce.status, bounce.permanent) == ("gone@example.org", "5.1.1", True)
    assert "User unknown" in bounce.reason
    (soft,) = read_bounces(BOUNCE.format(address="a@example.org", status="4.2.2").encode())
    assert soft.permanent is False
    assert read_bounces(b"Subject: hello\n\nnot a bounce\n") == []
    assert read_bounces(b"\xff\xfe garbage") == []


def test_newsdesk_subscribers_bounces_reads_a_mailbox(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    newsdesk("subscribers", "add", "gone@example.org", "reader@example.org", "--desk", path)
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    for _ in range(3):
        box.add(BOUNCE.format(address="gone@example.org", status="5.1.1"))
    box.add(BOUNCE.format(address="stranger@example.org", status="5.1.1"))
    box.add("Subject: out of office\n\nback monday\n")
    box.flush()
    box.close()
    code, out, err = newsdesk("subscribers", "bounces", tmp_path / "bounces.mbox", "--desk", path)
    assert code == 0, err
    assert out == (
        "5 message(s): 3 failed delivery(ies) recorded; now bounced (mailed no more): gone@example.org; "
        "1 message(s) were no bounce report\n"
    )
    assert err == "not a subscriber: stranger@example.org\n"
    listed = newsdesk("subscribers", "list", "--all", "--desk", path)[1]
    assert re.search(r"gone@example\.org\tbounced\t.*\t3 refused: bounce 5\.1\.1", listed)
    assert "reader@example.org\tactive\t" in listed
    code, _, err = newsdesk("subscribers", "bounces", tmp_path / "nothing-here", "--desk", path)
    assert code == 1
    assert "nothing-here: no such file" in err


def test_newsdesk_subscribers_add_takes_topics(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    with Store.open(database_url) as store:
        save(store, beat())
    assert newsdesk("subscribers", "add", "a@example.org", "--topics", "AI-Policy", "--desk", path)[0] == 0
    code, _, err = newsdesk("subscribers", "add", "b@example.org", "--topics", "knitting", "--desk", path)
    assert code == 2
    assert "no topic 'knitting'" in err
    assert "a@example.org\tactive\t" in newsdesk("subscribers", "list", "--desk", path)[1]
    assert "\tai-policy" in newsdesk("subscribers", "list", "--desk", path)[1]
    with Store.open(database_url) as store:
        assert record_bounces(store, []).recorded == ()


def test_a_confirmation_the_server_refused_can_be_asked_for_again_at_once(desk: Desk) -> None:
    desk.inbox.refuse = {"late@example.org": "451 4.3.0 Try again later"}
    refused = desk.client.post("/newsletter/subscribe", data={"address": "late@example.org"})
    assert refused.status_code == 503
    assert "could not be sent" in refused.text
    desk.inbox.refuse = {}
    again = desk.client.post("/newsletter/subscribe", data={"address": "late@example.org"})
    assert again.status_code == 200
    assert len(desk.inbox.to("late@example.org")) == 1
