"""``newsdesk digest`` and ``subscribers``: the daily newsletter and its readers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newsdesk.desk import Desk
    from newsdesk.record import Newsletter, Story, Topic

from newsdesk.cli.frame import DeskOption, app, now, user_errors

subscribers_app = typer.Typer(help="The newsletter's subscribers.", no_args_is_help=True)


@app.command()
@user_errors
def digest(
    desk: DeskOption = Path("desk"),
    day: Annotated[
        str | None, typer.Option("--date", help="The day, YYYY-MM-DD (UTC); default: today.", show_default=False)
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the HTML here, and the plain text beside it (.txt).")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Send it over SMTP to the subscribers (newsdesk subscribers list).")
    ] = False,
) -> None:
    """The daily newsletter: the day's top stories by heat per topic, archived at /newsletters/<date>/."""
    from newsdesk.desk import open_desk
    from newsdesk.desk.mailing import compose_issue
    from newsdesk.record.tree import write_files

    try:
        when = datetime.strptime(day, "%Y-%m-%d").date() if day else now().date()
    except ValueError:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None
    with open_desk(desk, os.environ) as opened:
        composed = compose_issue(opened.store, opened.settings, when, now)
        if composed is None:
            typer.echo(f"error: no story was published on {when.isoformat()}: no newsletter", err=True)
            raise typer.Exit(1)
        issue = composed.issue
        count = f"{issue.stories} {'story' if issue.stories == 1 else 'stories'}"
        typer.echo(f"{issue.subject}: {count}; archived at {composed.url}")
        if out is not None:
            write_files(out.parent, {out.name: issue.html.encode(), out.with_suffix(".txt").name: issue.text.encode()})
            typer.echo(f"written to {out} and {out.with_suffix('.txt')}")
        if send:
            _send_issue(opened, issue, composed.stories, composed.topics)


def _send_issue(opened: Desk, issue: Newsletter, stories: Sequence[Story], topics: Sequence[Topic]) -> None:
    """Send the issue to the subscribers it has not gone to yet (``mailing.send_issue``) and say how it went."""
    from newsdesk.desk.mailing import send_issue
    from newsdesk.publish.mailer import MailError

    password = os.environ.get(opened.settings.newsletter.password_env)
    site = opened.settings.site
    if site.default_url:
        typer.echo(
            f"note: site.url is its default ({site.url}): the newsletter's story and unsubscribe links lead there; "
            "set site.url in newsdesk.toml to the address readers reach the site at",
            err=True,
        )
    report = send_issue(opened.store, opened.settings, issue, stories, topics, password=password, now=now)
    if report.already and not (report.went or report.refused or report.nothing_for):
        typer.echo(f"already sent to all {report.already} subscriber(s)")
        return
    notes = [f"{report.already} had it already"] if report.already else []
    if report.nothing_for:
        notes.append(f"{report.nothing_for} chose topics with no story today")
    typer.echo(f"sent to {report.went} subscriber(s), one message each{'; ' + '; '.join(notes) if notes else ''}")
    if report.refused:
        for address, reason in sorted(report.refused.items()):
            typer.echo(f"refused: {address}: {reason}", err=True)
        everyone = not report.went
        raise MailError(f"the server refused {'every recipient' if everyone else 'some recipients'} (recorded)")


@subscribers_app.command("add")
@user_errors
def subscribers_add(
    addresses: Annotated[list[str], typer.Argument(help="E-mail addresses.")],
    desk: DeskOption = Path("desk"),
    topics: Annotated[
        str | None,
        typer.Option("--topics", help="Only these topics' stories: topic ids, comma-separated (default: all)."),
    ] = None,
) -> None:
    """Add readers to the newsletter, active at once (you have their word; the site's form asks them to
    confirm). One who had left comes back: they asked you."""
    from newsdesk.desk import open_desk
    from newsdesk.publish.topictree import find_topic
    from newsdesk.store.subscribers import add_subscriber
    from newsdesk.store.topics import load_topics

    chosen = [t.strip() for t in topics.split(",") if t.strip()] if topics is not None else None
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        known = load_topics(conn)
        found_topics = {t: find_topic(known, t) for t in chosen or ()}
        unknown = [t for t, topic in found_topics.items() if topic is None]
        if unknown:
            ids = ", ".join(t.id for t in known) or "none yet"
            raise typer.BadParameter(
                f"no topic {', '.join(map(repr, unknown))} (the desk's: {ids})", param_hint="--topics"
            )
        # Stored as the taxonomy spells them (the ids are matched case-insensitively).
        topic_ids = [t.id for t in found_topics.values() if t is not None] if chosen is not None else None
        for address in addresses:
            found, new = add_subscriber(conn, address, now=now(), rejoin=True, topics=topic_ids)
            typer.echo(f"{'added' if new else 'already subscribed'}: {found.address}")


@subscribers_app.command("remove")
@user_errors
def subscribers_remove(
    addresses: Annotated[list[str], typer.Argument(help="E-mail addresses.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Take readers off the newsletter (they are kept as having left, so no old list mails them again)."""
    from newsdesk.desk import open_desk
    from newsdesk.store.subscribers import remove_subscriber

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        for address in addresses:
            typer.echo(f"{'removed' if remove_subscriber(conn, address, now=now()) else 'not subscribed'}: {address}")


@subscribers_app.command("list")
@user_errors
def subscribers_list(
    desk: DeskOption = Path("desk"),
    every: Annotated[bool, typer.Option("--all", help="Also those who left, bounced or never confirmed.")] = False,
) -> None:
    """The newsletter's readers: address, state, when added, topics (all or the ids chosen), deliveries refused
    in a row and the last reason."""
    from newsdesk.desk import open_desk
    from newsdesk.store.subscribers import subscribers

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        found = subscribers(conn, active_only=not every)
    for reader in found:
        topics = ",".join(reader.topics) if reader.topics is not None else "all"
        failed = f"\t{reader.failures} refused: {reader.last_error}" if reader.last_error else ""
        typer.echo(f"{reader.address}\t{reader.state}\t{reader.added_at.date().isoformat()}\t{topics}{failed}")
    typer.echo(f"{len(found)} subscriber(s)", err=True)


@subscribers_app.command("bounces")
@user_errors
def subscribers_bounces(
    paths: Annotated[list[Path], typer.Argument(help="Bounce mails: .eml files, mbox files or Maildir folders.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Read the bounce reports (delivery status notifications) the newsletter brought back and record each
    failed recipient; three refusals for good in a row stop the newsletter to that address."""
    from newsdesk.desk import open_desk
    from newsdesk.desk.mailfiles import read_mail_files
    from newsdesk.desk.mailing import record_bounces

    messages = read_mail_files(paths)
    with open_desk(desk, os.environ) as opened:
        report = record_bounces(opened.store, messages)
    for address in report.strangers:
        typer.echo(f"not a subscriber: {address}", err=True)
    bounced = f"; now bounced (mailed no more): {', '.join(report.bounced)}" if report.bounced else ""
    other = f"; {report.not_reports} message(s) were no bounce report" if report.not_reports else ""
    typer.echo(f"{len(messages)} message(s): {len(report.recorded)} failed delivery(ies) recorded{bounced}{other}")


@subscribers_app.command("import")
@user_errors
def subscribers_import(
    path: Annotated[Path, typer.Argument(help="A CSV file: an address in the first column of each row.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Add every address of a CSV file (a header row is skipped; one who left stays left)."""
    import csv

    from newsdesk.desk import open_desk
    from newsdesk.record.tree import read_capped
    from newsdesk.store.subscribers import import_addresses

    try:
        text = read_capped(path, 64 << 20).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise typer.BadParameter(f"{path}: not UTF-8 text ({error.reason})", param_hint="PATH") from None
    rows = [row[0] for row in csv.reader(text.splitlines()) if row and row[0].strip()]
    if rows and "@" not in rows[0]:
        rows = rows[1:]  # a header
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        added, bad = import_addresses(conn, rows, now=now())
    for problem in bad:
        typer.echo(f"skipped: {problem}", err=True)
    typer.echo(f"imported {added} new subscriber(s) from {len(rows)} row(s)")
