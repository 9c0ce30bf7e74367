"""The ``newsdesk`` command: a thin layer over the library.

User errors (a bad record, a missing desk, an unreachable database) print one
line on stderr and exit 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from newsdesk import __version__
from newsdesk.contenttree import read_capped, read_tree, record_paths, write_files
from newsdesk.desk import Desk, init_desk, open_desk
from newsdesk.documents import read_document
from newsdesk.evaluation.extraction import ExtractionEvalError
from newsdesk.fetch.client import Fetcher, Request
from newsdesk.fetch.clock import SystemClock
from newsdesk.fetch.errors import FetchError
from newsdesk.identify import SOURCE_KINDS, identify
from newsdesk.pipeline import RunReport, SourceOutcome, fetch_sources, sources_to_fetch
from newsdesk.publish.articlejson import article_json
from newsdesk.read.values import ReadError
from newsdesk.record import FetchedArticle, Source
from newsdesk.recordfile import RecordError, roundtrip_difference
from newsdesk.settings import FetchSettings, SettingsError, load_fetch_settings
from newsdesk.sources.errors import SourceError
from newsdesk.sources.opml import OpmlOutline, parse_opml, render_opml
from newsdesk.store import StoreError
from newsdesk.store.sources import add_source, list_sources
from newsdesk.store.stats import counts
from newsdesk.transfer import export_tree, import_tree

app = typer.Typer(
    help="newsdesk: a self-hosted topical news desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
records_app = typer.Typer(help="Story record files.", no_args_is_help=True)
app.add_typer(records_app, name="records")
sources_app = typer.Typer(help="The sources the desk watches: feeds, sitemaps, pages.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
stories_app = typer.Typer(help="Stories: every outlet's article on the same story, grouped.", no_args_is_help=True)
app.add_typer(stories_app, name="stories")
eval_app = typer.Typer(help="Quality figures over real data (../shared/data).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
bench_app = typer.Typer(help="Speed figures over real data.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

#: Progress bars go to stderr; results are plain lines on stdout.
err = Console(stderr=True, highlight=False)

P = ParamSpec("P")
R = TypeVar("R")

DeskOption = Annotated[
    Path,
    typer.Option("--desk", envvar="NEWSDESK_DESK", help="The desk directory.", show_default=True),
]


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's user-facing errors into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (
            RecordError,
            SettingsError,
            StoreError,
            SourceError,
            FetchError,
            ReadError,
            ExtractionEvalError,
        ) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            typer.echo(f"error: {where}{error.strerror or error}", err=True)
            raise typer.Exit(1) from None

    return wrapper


def _now() -> datetime:
    return datetime.now(UTC)


def _print_stats(desk: Desk) -> None:
    with desk.store.transaction() as conn:
        for name, value in counts(conn).items():
            typer.echo(f"{name}: {value}")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    )  # fmt: skip


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """newsdesk: sources to a published, curated feed about one beat."""


@app.command()
@user_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Where the desk lives (created if missing).")],
    database: Annotated[
        str | None, typer.Option("--database", help="SQLAlchemy URL of the database (default: SQLite in the desk).")
    ] = None,
) -> None:
    """Create a desk: a directory with newsdesk.toml and its database."""
    desk, created = init_desk(directory, os.environ, database)
    with desk:
        verb = "created" if created else "opened existing"
        typer.echo(f"{verb} desk {directory} ({desk.store.backend})")
        _print_stats(desk)


@app.command()
@user_errors
def stats(desk: DeskOption = Path("desk")) -> None:
    """Counts of what the desk's store holds, one `name: count` line each."""
    with open_desk(desk, os.environ) as opened:
        _print_stats(opened)


@app.command("import")
@user_errors
def import_command(
    tree: Annotated[Path, typer.Argument(help="A content tree (_news/*.md, _data/topics/*.yaml).")],
    desk: DeskOption = Path("desk"),
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good records and list the bad ones.")
    ] = False,
) -> None:
    """Load a content tree into the desk, in one transaction; rerunning it changes nothing."""
    contents = read_tree(tree)
    for problem in contents.problems:
        typer.echo(f"{'skipped' if skip_bad else 'bad record'}: {problem}", err=True)
    if contents.problems and not skip_bad:
        typer.echo(f"imported nothing: {len(contents.problems)} bad file(s); fix them or use --skip-bad", err=True)
        raise typer.Exit(1)
    with open_desk(desk, os.environ) as opened, _progress() as progress:
        task = progress.add_task("importing", total=len(contents.stories) + len(contents.topics))
        report = import_tree(opened.store, contents, now=_now(), advance=lambda: progress.advance(task))
    for name, changes in (("stories", report.stories), ("topics", report.topics)):
        parts = ", ".join(f"{changes[c]} {c}" for c in ("created", "updated", "unchanged"))  # type: ignore[index]
        typer.echo(f"{name}: {parts}")
    if contents.problems:
        typer.echo(f"skipped: {len(contents.problems)}")


@app.command()
@user_errors
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the content tree.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Write the desk as a content tree: _news records, api/news pages, news-sitemap.xml."""
    with open_desk(desk, os.environ) as opened:
        report = export_tree(opened.store, opened.settings.site, directory)
    typer.echo(
        f"exported {report.records} records and {report.api_pages} API page(s) to {directory} "
        f"({report.files_changed} file(s) written)",
    )


@records_app.command("check")
@user_errors
def records_check(
    paths: Annotated[list[Path], typer.Argument(help="Record files, or directories of them.")],
) -> None:
    """Read and rewrite each record in memory; list those that do not come back byte for byte."""
    checked = identical = 0
    for path in record_paths(paths):
        checked += 1
        try:
            difference = roundtrip_difference(read_capped(path), str(path), path.stem)
        except RecordError as error:
            typer.echo(str(error))
            continue
        if difference is None:
            identical += 1
        else:
            typer.echo(f"{path}: {difference}")
    typer.echo(f"checked {checked} records: {identical} identical")
    if identical != checked or checked == 0:
        raise typer.Exit(1)


KindOption = Annotated[
    str | None,
    typer.Option("--kind", help="feed, sitemap or page (default: found out by fetching the URL)."),
]


def _when(value: datetime | None) -> str:
    return "never" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


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
) -> None:
    """Watch a source. A home page is searched for its feed (<link rel="alternate">)."""
    with open_desk(desk, os.environ) as opened:
        if kind is None:
            url, kind, found_title = asyncio.run(identify(opened.settings.fetch, url))
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
                ),
                now=_now(),
            )
    typer.echo(f"{'added' if created else 'already watching'} {source.kind} {source.url}")


@sources_app.command("import")
@user_errors
def sources_import(
    opml: Annotated[Path, typer.Argument(help="An OPML subscription list.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Watch every feed of an OPML file (folders become categories)."""
    outlines = parse_opml(read_capped(opml, 10 * 1024 * 1024), str(opml))
    added = existing = 0
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        for outline in outlines:
            source = Source(
                url=outline.xml_url, kind="feed", title=outline.title, site_url=outline.html_url,
                category=outline.category, interval=opened.settings.fetch.default_interval,
            )  # fmt: skip
            _, created = add_source(conn, source, now=_now())
            added, existing = added + created, existing + (not created)
    typer.echo(f"added {added} feeds, {existing} already watched")


@sources_app.command("export")
@user_errors
def sources_export(
    desk: DeskOption = Path("desk"),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
) -> None:
    """The desk's feeds as an OPML subscription list."""
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
    """Every source: last fetch, HTTP status, items seen, next due, last error in plain words."""
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        sources = list_sources(conn)
    for s in sources:
        status = "-" if s.last_status is None else str(s.last_status)
        error = f"  error: {s.last_error}" if s.last_error else ""
        typer.echo(
            f"{s.id}  {s.kind}  {s.url}  last fetch: {_when(s.last_fetch_at)}  status: {status}"
            f"  items: {s.items_seen}  next due: {_when(s.next_due_at)}{error}"
        )
    typer.echo(f"{len(sources)} sources")


@app.command()
@user_errors
def fetch(
    desk: DeskOption = Path("desk"),
    once: Annotated[bool, typer.Option("--once", help="One round, then stop (else: keep watching).")] = False,
    every: Annotated[bool, typer.Option("--all", help="Every source, due or not.")] = False,
) -> None:
    """Fetch the sources that are due, read their articles and store them."""
    with open_desk(desk, os.environ) as opened:
        while True:
            report = asyncio.run(_fetch_round(opened, every=every))
            typer.echo(
                f"fetched {len(report.outcomes)} sources: {report.new_articles} new articles, "
                f"{sum(o.not_modified for o in report.outcomes)} not modified, {report.failed} failed"
            )
            if once:
                return
            every = False
            time.sleep(FETCH_LOOP_SECONDS)


FETCH_LOOP_SECONDS = 60


async def _fetch_round(desk: Desk, *, every: bool) -> RunReport:
    async with Fetcher(desk.settings.fetch) as fetcher:
        sources = sources_to_fetch(desk.store, fetcher, every=every)
        with _progress() as progress:
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
) -> None:
    """What newsdesk makes of each page or feed: one JSON object per article, per line."""
    settings = load_fetch_settings(desk, os.environ)
    failed = 0
    for target in targets:
        try:
            articles = asyncio.run(_read_target(settings, target))
        except (SourceError, FetchError, ReadError, RecordError) as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
            continue
        for fetched in articles:
            typer.echo(json.dumps(article_json(fetched), ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


async def _read_target(settings: FetchSettings, target: str) -> list[FetchedArticle]:
    path = Path(target)
    if "://" not in target and path.exists():
        body = read_capped(path, settings.max_body_bytes)
        return read_document(body, path.resolve().as_uri(), None, now=_now())
    async with Fetcher(settings) as fetcher:
        response = await fetcher.get(Request(url=target, obey_robots=True))
    return read_document(response.body, response.url, response.content_type, now=_now())


@stories_app.command("form")
@user_errors
def stories_form(
    desk: DeskOption = Path("desk"),
    limit: Annotated[int | None, typer.Option("--limit", help="Place at most this many articles.")] = None,
) -> None:
    """Place every fetched article not yet in a story, oldest first: copies, joins, new stories, merges."""
    from newsdesk.formation import StoryFormation
    from newsdesk.stories.embed import MiniLM

    with open_desk(desk, os.environ) as opened:
        formation = StoryFormation(opened.store, MiniLM())
        with _progress() as progress:
            task = progress.add_task("forming stories", total=None)
            report = formation.run(SystemClock(), limit=limit, progress=lambda n: progress.advance(task, n))
    typer.echo(
        f"placed {report.placed} articles: {report.copies} copies, {report.new_stories} new stories, "
        f"{report.merges} merges ({report.placed / max(report.seconds, 1e-9):.0f} articles/s)"
    )


@app.command()
@user_errors
def story(
    story_id: Annotated[
        int, typer.Argument(help="A story's id (an absorbed story's id leads to the one that took it).")
    ],
    desk: DeskOption = Path("desk"),
) -> None:
    """A story, with why each member joined it and why the primary is the primary."""
    from newsdesk.formation import explain

    with open_desk(desk, os.environ) as opened:
        explanation = explain(opened.store, story_id)
    if explanation is None:
        typer.echo(f"error: no story {story_id}", err=True)
        raise typer.Exit(1)
    if explanation.key != story_id:
        typer.echo(f"story {story_id} was merged into story {explanation.key}")
    for line in explanation.lines:
        typer.echo(line)


RequireOption = Annotated[
    list[str] | None,
    typer.Option(
        "--require",
        help="KEY=MIN (or KEY<=MAX): fail (exit 1) when the summary's KEY is below MIN (above MAX); "
        "may be repeated. CI pins its bars so.",
    ),
]


def _print_figures(lines: list[str], summary: dict[str, object], require: list[str] | None) -> None:
    """Print a report, its summary as the last line (one JSON object), then enforce the bars."""
    for line in lines:
        typer.echo(line)
    typer.echo(json.dumps(summary, sort_keys=True))
    failures = []
    for bar in require or []:
        at_most = "<=" in bar
        key, _, limit = bar.partition("<=") if at_most else bar.partition("=")
        value = summary.get(key)
        if not isinstance(value, (int, float)) or not limit:
            failures.append(f"{bar}: no figure {key!r} in the summary")
        elif at_most and value > float(limit):
            failures.append(f"{key} = {value} is above the pinned maximum {limit}")
        elif not at_most and value < float(limit):
            failures.append(f"{key} = {value} is below the pinned minimum {limit}")
    for failure in failures:
        typer.echo(f"error: {failure}", err=True)
    if failures:
        raise typer.Exit(1)


@eval_app.command("extraction")
@user_errors
def eval_extraction(
    path: Annotated[Path, typer.Argument(help="trafilatura-eval or readability-test-pages.")],
    require: RequireOption = None,
) -> None:
    """Text and metadata extraction against an annotated set of real pages."""
    from newsdesk.evaluation.extraction import format_extraction_report, run_extraction_eval

    with _progress() as progress:
        task = progress.add_task("reading pages", total=None)
        report = run_extraction_eval(path, now=_now(), progress=lambda: progress.advance(task))
    lines = format_extraction_report(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("feeds")
@user_errors
def eval_feeds(
    path: Annotated[Path, typer.Argument(help="The feeds corpora (../shared/data/feeds).")],
    require: RequireOption = None,
) -> None:
    """How many real feeds parse, items found, and agreement with the corpora's expected outputs."""
    from newsdesk.evaluation.feeds import format_report, run_feed_eval

    with _progress() as progress:
        task = progress.add_task("parsing feeds", total=None)
        report = run_feed_eval(path, progress=lambda: progress.advance(task))
    lines = format_report(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("feeds")
@user_errors
def bench_feeds(
    path: Annotated[Path, typer.Argument(help="The feeds corpora (../shared/data/feeds).")],
    require: RequireOption = None,
) -> None:
    """Feeds parsed per second per core, beside feedparser's on the same files in the same run."""
    from newsdesk.bench.feeds import format_bench, run_feed_bench

    report = run_feed_bench(path)
    lines = format_bench(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("clustering")
@user_errors
def eval_clustering(
    path: Annotated[Path, typer.Argument(help="Articles with gold story labels (../shared/data/clustering/*.jsonl).")],
    require: RequireOption = None,
) -> None:
    """Feed a labelled file through the live story path, in order; B-cubed, pairwise F1, NMI, speed."""
    from newsdesk.evaluation.clustering import format_clustering_report, run_clustering_eval

    with _progress() as progress:
        task = progress.add_task("clustering", total=None)
        report = run_clustering_eval(path, progress=lambda: progress.advance(task))
    lines = format_clustering_report(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("clustering")
@user_errors
def bench_clustering(
    articles: Annotated[int, typer.Option("--articles", help="Articles (and stories open in the window).")] = 100_000,
    require: RequireOption = None,
) -> None:
    """Articles per second through dedup and clustering with many stories open; peak memory."""
    from newsdesk.bench.clustering import format_clustering_bench, run_clustering_bench

    lines = format_clustering_bench(run_clustering_bench(articles))
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


def run() -> None:  # pragma: no cover - the console script's entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
