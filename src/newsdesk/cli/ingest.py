"""``newsdesk fetch`` and ``newsdesk read``: sources in, articles read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newsdesk.desk import Desk
    from newsdesk.ingest.stage import RunReport, SourceOutcome
    from newsdesk.record import FetchedArticle
    from newsdesk.settings import FetchSettings

from newsdesk.cli.frame import DeskOption, app, now, progress_bar, run_coroutine, user_errors


@app.command()
@user_errors
def fetch(
    desk: DeskOption = Path("desk"),
    once: Annotated[bool, typer.Option("--once", help="One round, then stop (else: keep watching).")] = False,
    every: Annotated[bool, typer.Option("--all", help="Every source, due or not.")] = False,
) -> None:
    """Fetch the sources that are due, read their articles and store them."""
    from newsdesk.desk import open_desk

    with open_desk(desk, os.environ) as opened:
        while True:
            report = run_coroutine(_fetch_round(opened, every=every))
            typer.echo(
                f"fetched {len(report.outcomes)} sources: {report.new_articles} new articles, "
                f"{sum(o.not_modified for o in report.outcomes)} not modified, {report.failed} failed"
            )
            if report.pages_in_workers:
                plural = "es" if report.workers > 1 else ""
                typer.echo(f"read {report.pages_in_workers} pages in {report.workers} worker process{plural} beside")
            if report.outcomes and report.failed == len(report.outcomes):
                typer.echo(f"error: every source failed ({report.failed}); see `newsdesk sources list`", err=True)
                if once:
                    raise typer.Exit(1)
            if once:
                return
            every = False
            time.sleep(FETCH_LOOP_SECONDS)


FETCH_LOOP_SECONDS = 60


async def _fetch_round(desk: Desk, *, every: bool) -> RunReport:
    from newsdesk.ingest.fetch.client import Fetcher
    from newsdesk.ingest.stage import fetch_sources, sources_to_fetch

    async with Fetcher(desk.settings.fetch) as fetcher:
        sources = sources_to_fetch(desk.store, fetcher, every=every)
        with progress_bar() as progress:
            task = progress.add_task("fetching", total=len(sources))

            def done(outcome: SourceOutcome) -> None:
                progress.advance(task)
                if outcome.error:
                    progress.console.print(f"{outcome.source.url}: {outcome.error}", markup=False, highlight=False)

            return await fetch_sources(desk.store, fetcher, sources, progress=done)


@app.command()
@user_errors
def read(
    targets: Annotated[list[str], typer.Argument(help="URLs or files of pages or feeds.")],
    desk: DeskOption = Path("desk"),
    url: Annotated[
        str | None, typer.Option("--url", help="The address a FILE was saved from (else it is read as unnamed).")
    ] = None,
) -> None:
    """What newsdesk makes of each page or feed: one JSON object per article, per line."""
    from newsdesk.ingest.fetch.errors import FetchError
    from newsdesk.ingest.read import ReadError
    from newsdesk.ingest.savedfiles import read_file_target
    from newsdesk.ingest.sources import SourceError
    from newsdesk.publish.articlejson import article_json
    from newsdesk.record.file import RecordError
    from newsdesk.settings import load_fetch_settings

    settings = load_fetch_settings(desk, os.environ)
    if url is not None and len(targets) != 1:
        raise ReadError(url, "--url names the address of one FILE; give one file with it")
    failed = 0
    for target in targets:
        try:
            articles = read_file_target(target, url, settings.max_body_bytes, now=now())
            if articles is None:
                articles = run_coroutine(_read_target(settings, target))
        except (SourceError, FetchError, ReadError, RecordError) as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
            continue
        for fetched in articles:
            typer.echo(json.dumps(article_json(fetched), ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


async def _read_target(settings: FetchSettings, target: str) -> list[FetchedArticle]:
    from newsdesk.ingest.documents import read_document
    from newsdesk.ingest.fetch.client import Fetcher, Request

    async with Fetcher(settings) as fetcher:
        response = await fetcher.get(Request(url=target, obey_robots=True))
    return read_document(response.body, response.url, response.content_type, now=now())
