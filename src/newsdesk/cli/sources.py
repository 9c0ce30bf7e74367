"""``newsdesk sources``: the feeds, sitemaps and pages the desk watches."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import DeskOption, now, run_coroutine, user_errors, when

sources_app = typer.Typer(help="The sources the desk watches: feeds, sitemaps, pages.", no_args_is_help=True)

KindOption = Annotated[
    str | None,
    typer.Option("--kind", help="feed, sitemap or page (default: found out by fetching the URL)."),
]


@sources_app.command("add")
@user_errors
def sources_add(
    url: Annotated[str, typer.Argument(help="A feed, a sitemap, a site's home page or an article.")],
    desk: DeskOption = Path("desk"),
    kind: KindOption = None,
    title: Annotated[str | None, typer.Option("--title", help="A name for the source.")] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="User-Agent for this source instead of the desk's.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="The language of its articles (pt, de...), whatever pages say.")
    ] = None,
) -> None:
    """Watch a source. A home page is searched for its feed (<link rel="alternate">)."""
    from newsdesk.desk import open_desk
    from newsdesk.ingest.identify import identify
    from newsdesk.ingest.read import normalize_language
    from newsdesk.record import SOURCE_KINDS, Source
    from newsdesk.store.sources import add_source

    language = normalize_language(lang) if lang is not None else None
    if lang is not None and language is None:
        raise typer.BadParameter(f"'{lang}' is not a language tag (pt, pt-br, de...)", param_hint="--lang")
    with open_desk(desk, os.environ) as opened:
        if kind is None:
            url, kind, found_title = run_coroutine(identify(opened.settings.fetch, url))
            title = title or found_title
        elif kind not in SOURCE_KINDS:
            raise typer.BadParameter(f"--kind must be one of {', '.join(SOURCE_KINDS)}")
        with opened.store.transaction() as conn:
            source, created = add_source(
                conn,
                Source(
                    url=url,
                    kind=kind,
                    title=title,
                    user_agent=user_agent,
                    interval=opened.settings.fetch.default_interval,
                    language=language,
                ),
                now=now(),
            )
    typer.echo(f"{'added' if created else 'already watching'} {source.kind} {source.url}")


@sources_app.command("import")
@user_errors
def sources_import(
    opml: Annotated[Path, typer.Argument(help="An OPML subscription list.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Watch every feed of an OPML file (folders become categories)."""
    from newsdesk.desk import open_desk
    from newsdesk.ingest.sources import parse_opml
    from newsdesk.record import Source
    from newsdesk.record.tree import read_capped
    from newsdesk.store.sources import add_source

    outlines = parse_opml(read_capped(opml, 10 * 1024 * 1024), str(opml))
    added = existing = 0
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        for outline in outlines:
            source = Source(
                url=outline.xml_url, kind="feed", title=outline.title, site_url=outline.html_url,
                category=outline.category, interval=opened.settings.fetch.default_interval,
            )  # fmt: skip
            _, created = add_source(conn, source, now=now())
            added, existing = added + created, existing + (not created)
    typer.echo(f"added {added} feeds, {existing} already watched")


@sources_app.command("export")
@user_errors
def sources_export(
    desk: DeskOption = Path("desk"),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
) -> None:
    """The desk's feeds as an OPML subscription list."""
    from newsdesk.desk import open_desk
    from newsdesk.ingest.sources import OpmlOutline, render_opml
    from newsdesk.record.tree import write_files
    from newsdesk.store.sources import list_sources

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        sources = list_sources(conn)
        title = opened.settings.site.title
    outlines = [
        OpmlOutline(xml_url=s.url, html_url=s.site_url, title=s.title, category=s.category)
        for s in sources
        if s.kind == "feed"
    ]
    data = render_opml(outlines, title)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_files(output.parent, {output.name: data})


@sources_app.command("list")
@user_errors
def sources_list(desk: DeskOption = Path("desk")) -> None:
    """Every source: last fetch, HTTP status, items seen, pages still to read, next due, last error in plain words."""
    from newsdesk.desk import open_desk
    from newsdesk.store.sources import list_sources
    from newsdesk.store.unread import UnreadCounts, unread_counts

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        sources = list_sources(conn)
        unread = unread_counts(conn)
    for s in sources:
        status = "-" if s.last_status is None else str(s.last_status)
        error = f"  error: {s.last_error}" if s.last_error else ""
        pages = unread.get(s.id or 0, UnreadCounts())
        teasers = f" ({pages.given_up} left as teasers)" if pages.given_up else ""
        typer.echo(
            f"{s.id}  {s.kind}  {s.url}  last fetch: {when(s.last_fetch_at)}  status: {status}"
            f"  items: {s.items_seen}  unread: {pages.waiting}{teasers}  next due: {when(s.next_due_at)}{error}"
        )
    typer.echo(f"{len(sources)} sources")
