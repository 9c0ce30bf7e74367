"""The ``newsdesk`` command: a thin layer over the library.

User errors (a bad record, a missing desk, an unreachable database) print one
line on stderr and exit 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from newsdesk import __version__
from newsdesk.allocator import keep_large_blocks_apart
from newsdesk.errors import NewsdeskError

if TYPE_CHECKING:
    from newsdesk.desk import Desk
    from newsdesk.keep.caching import CacheReport
    from newsdesk.keep.imagecache import ImageCache
    from newsdesk.keep.keyring import KeyRing
    from newsdesk.pipeline import RunReport, SourceOutcome
    from newsdesk.record import FetchedArticle, Newsletter, Story, Topic
    from newsdesk.settings import FetchSettings
    from newsdesk.store.cachedimages import ImageOutcome

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
images_app = typer.Typer(help="The image cache: the desk's own copy of each image.", no_args_is_help=True)
app.add_typer(images_app, name="images")
secured_app = typer.Typer(help="Secured content: what the desk keeps encrypted.", no_args_is_help=True)
app.add_typer(secured_app, name="secured")
keys_app = typer.Typer(help="The key ring that encrypts secured content.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
users_app = typer.Typer(help="Who may log in to the editors' desk (/desk/): editors and admins.", no_args_is_help=True)
app.add_typer(users_app, name="users")
subscribers_app = typer.Typer(help="The newsletter's subscribers.", no_args_is_help=True)
app.add_typer(subscribers_app, name="subscribers")

#: Progress bars go to stderr; results are plain lines on stdout. Lines are never wrapped (a URL cut at 80
#: columns in a log or a pipe is two broken lines).
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click exits quietly, as Unix tools do
        except Exception as error:
            if isinstance(error, NewsdeskError):
                typer.echo(f"error: {error}", err=True)
                raise typer.Exit(1) from None
            if isinstance(error, OSError):
                where = f"{error.filename}: " if error.filename else ""
                typer.echo(f"error: {where}{error.strerror or error}", err=True)
                raise typer.Exit(1) from None
            raise

    return wrapper


def _run(work: Coroutine[Any, Any, R]) -> R:
    """Run a coroutine to the end (asyncio is loaded only by the commands that need it)."""
    import asyncio

    return asyncio.run(work)


def _now() -> datetime:
    return datetime.now(UTC)


def _print_stats(desk: Desk) -> None:
    from newsdesk.store.stats import counts

    with desk.store.transaction() as conn:
        for name, value in counts(conn).items():
            typer.echo(f"{name}: {value}")


class _Rate(ProgressColumn):
    """Items a second so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "")


def _progress() -> Progress:
    """A progress bar on stderr (count, rate, time left): shown on a terminal, or anywhere with ``--progress``
    (or ``NEWSDESK_PROGRESS=1``), for a log."""
    forced = os.environ.get(PROGRESS_ENV) == "1"
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(), TimeRemainingColumn(),
        console=err, transient=err.is_terminal, disable=not (err.is_terminal or forced),
    )  # fmt: skip


#: What the desk says while the judge's language model loads (the library's own bar is switched off).
LOADING_MODEL = "loading the judge's language model (all-MiniLM-L6-v2)"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress", help="Show progress bars on stderr even when it is not a terminal.")
    ] = False,
) -> None:
    """newsdesk: sources to a published, curated feed about one beat."""
    keep_large_blocks_apart()
    if progress:
        # What every command's progress bar reads (and what a service can set itself).
        os.environ[PROGRESS_ENV] = "1"


#: Set to 1, progress bars show on stderr even when it is not a terminal (``--progress``).
PROGRESS_ENV = "NEWSDESK_PROGRESS"


@app.command()
@user_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Where the desk lives (created if missing).")],
    database: Annotated[
        str | None, typer.Option("--database", help="SQLAlchemy URL of the database (default: SQLite in the desk).")
    ] = None,
    starter: Annotated[
        bool,
        typer.Option(
            "--starter", help="Give the desk a starter beat's taxonomy and news sources: AI, or the BEAT named."
        ),
    ] = False,
    beat: Annotated[
        str | None,
        typer.Argument(help="With --starter: the starter beat, ai (the default) or politics.", show_default=False),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="With --starter: the starter beat in this language (pt: politics in Portuguese)."),
    ] = None,
) -> None:
    """Create a desk: a directory with newsdesk.toml and its database."""
    from newsdesk.desk import init_desk
    from newsdesk.judge.defaults import STARTER_BEATS

    if beat is not None and (not starter or beat not in STARTER_BEATS):
        raise typer.BadParameter(
            f"'{beat}': a starter beat goes after --starter and is one of {', '.join(STARTER_BEATS)}", param_hint="BEAT"
        )
    if lang is not None and lang.lower() != "en":
        translated = f"{beat or 'ai'}-{lang.lower()}"
        if not starter or translated not in STARTER_BEATS:
            shipped = ", ".join(b for b in STARTER_BEATS if "-" in b)
            raise typer.BadParameter(
                f"'{lang}': no starter beat '{beat or 'ai'}' in that language (shipped: {shipped})", param_hint="--lang"
            )
        beat = translated
    locales = {"pt": "pt-br"}
    # A starter beat names the site after itself (the default title is the AI beat's).
    titles = {"politics": "Politics Every Day", "politics-pt": "Política Todo Dia"}
    title = titles.get(beat or "ai") if starter else None
    desk, created = init_desk(directory, os.environ, database, locales.get(lang.lower()) if lang else None, title)
    with desk:
        verb = "created" if created else "opened existing"
        typer.echo(f"{verb} desk {directory} ({desk.store.backend})")
        if starter:
            _furnish(desk, beat or "ai")
        _print_stats(desk)


def _furnish(desk: Desk, beat: str = "ai") -> None:
    from newsdesk.starter import furnish

    report = furnish(desk, _now(), beat)
    if report.topics or report.sources:
        name = "AI" if beat == "ai" else beat
        typer.echo(f"starter: {report.topics} topics of the {name} beat, {report.sources} {name} news sources")


@app.command()
@user_errors
def stats(desk: DeskOption = Path("desk")) -> None:
    """Counts of what the desk's store holds, one `name: count` line each."""
    from newsdesk.desk import open_desk

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
    from newsdesk.contenttree import read_tree
    from newsdesk.desk import open_desk
    from newsdesk.transfer import import_tree

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
    """Write the desk as a content tree: _news records, api/news pages, feeds, sitemaps, newsletters."""
    from newsdesk.desk import open_desk
    from newsdesk.transfer import export_tree

    with open_desk(desk, os.environ) as opened:
        _seal_formed(opened)
        with _progress() as bar:
            task = bar.add_task("writing files", total=None)
            report = export_tree(
                opened.store,
                opened.settings.site,
                directory,
                now=_now(),
                cache=_image_cache(opened),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    typer.echo(
        f"exported {report.records} records ({report.held} held back in _held/: no published key, or dated ahead) and "
        f"{report.api_pages} API page(s) to {directory} "
        f"({report.files_changed} file(s) written)",
    )


@records_app.command("check")
@user_errors
def records_check(
    paths: Annotated[list[Path], typer.Argument(help="Record files, or directories of them.")],
) -> None:
    """Read and rewrite each record in memory; list those that do not come back byte for byte."""
    from newsdesk.contenttree import read_capped, record_paths
    from newsdesk.recordfile import RecordError, roundtrip_difference

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
    lang: Annotated[
        str | None, typer.Option("--lang", help="The language of its articles (pt, de...), whatever pages say.")
    ] = None,
) -> None:
    """Watch a source. A home page is searched for its feed (<link rel="alternate">)."""
    from newsdesk.desk import open_desk
    from newsdesk.identify import SOURCE_KINDS, identify
    from newsdesk.read.language import normalize_language
    from newsdesk.record import Source
    from newsdesk.store.sources import add_source

    language = normalize_language(lang) if lang is not None else None
    if lang is not None and language is None:
        raise typer.BadParameter(f"'{lang}' is not a language tag (pt, pt-br, de...)", param_hint="--lang")
    with open_desk(desk, os.environ) as opened:
        if kind is None:
            url, kind, found_title = _run(identify(opened.settings.fetch, url))
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
    from newsdesk.contenttree import read_capped
    from newsdesk.desk import open_desk
    from newsdesk.record import Source
    from newsdesk.sources.opml import parse_opml
    from newsdesk.store.sources import add_source

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
    from newsdesk.contenttree import write_files
    from newsdesk.desk import open_desk
    from newsdesk.sources.opml import OpmlOutline, render_opml
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
            f"{s.id}  {s.kind}  {s.url}  last fetch: {_when(s.last_fetch_at)}  status: {status}"
            f"  items: {s.items_seen}  unread: {pages.waiting}{teasers}  next due: {_when(s.next_due_at)}{error}"
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
    from newsdesk.desk import open_desk

    with open_desk(desk, os.environ) as opened:
        while True:
            report = _run(_fetch_round(opened, every=every))
            typer.echo(
                f"fetched {len(report.outcomes)} sources: {report.new_articles} new articles, "
                f"{sum(o.not_modified for o in report.outcomes)} not modified, {report.failed} failed"
            )
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
    from newsdesk.fetch.client import Fetcher
    from newsdesk.pipeline import fetch_sources, sources_to_fetch

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
    url: Annotated[
        str | None, typer.Option("--url", help="The address a FILE was saved from (else it is read as unnamed).")
    ] = None,
) -> None:
    """What newsdesk makes of each page or feed: one JSON object per article, per line."""
    from newsdesk.fetch.errors import FetchError
    from newsdesk.publish.articlejson import article_json
    from newsdesk.read.values import ReadError
    from newsdesk.recordfile import RecordError
    from newsdesk.savedfiles import read_file_target
    from newsdesk.settings import load_fetch_settings
    from newsdesk.sources.errors import SourceError

    settings = load_fetch_settings(desk, os.environ)
    if url is not None and len(targets) != 1:
        raise ReadError(url, "--url names the address of one FILE; give one file with it")
    failed = 0
    for target in targets:
        try:
            articles = read_file_target(target, url, settings.max_body_bytes, now=_now())
            if articles is None:
                articles = _run(_read_target(settings, target))
        except (SourceError, FetchError, ReadError, RecordError) as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
            continue
        for fetched in articles:
            typer.echo(json.dumps(article_json(fetched), ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


async def _read_target(settings: FetchSettings, target: str) -> list[FetchedArticle]:
    from newsdesk.documents import read_document
    from newsdesk.fetch.client import Fetcher, Request

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
    from newsdesk.desk import open_desk
    from newsdesk.fetch.clock import SystemClock
    from newsdesk.formation import StoryFormation, cluster_config
    from newsdesk.judging import DeskJudge
    from newsdesk.stories.embed import desk_encoder

    with open_desk(desk, os.environ) as opened:
        embedder = desk_encoder(opened.settings.embedding)
        with opened.store.transaction() as conn, err.status(LOADING_MODEL):
            judge = DeskJudge.load(conn, opened.settings.judge, embedder)
        formation = StoryFormation(opened.store, embedder, cluster_config(opened.settings.stories), judge=judge)
        with _progress() as progress:
            task = progress.add_task("forming stories", total=None)
            report = formation.run(SystemClock(), limit=limit, progress=lambda n: progress.advance(task, n))
        _seal_formed(opened)
    typer.echo(
        f"placed {report.placed} articles: {report.copies} copies, {report.new_stories} new stories, "
        f"{report.merges} merges ({report.placed / max(report.seconds, 1e-9):.0f} articles/s); "
        f"{report.off_beat} off the beat (kept, not placed)"
    )
    for warning in report.warnings():
        err.print(warning, markup=False, highlight=False)


@stories_app.command("judge")
@user_errors
def stories_judge(desk: DeskOption = Path("desk")) -> None:
    """Judge every formed story again now: heat cools as time passes, quality follows editors' records."""
    from newsdesk.desk import open_desk
    from newsdesk.formation import StoryFormation, cluster_config
    from newsdesk.judging import DeskJudge
    from newsdesk.stories.embed import desk_encoder

    with open_desk(desk, os.environ) as opened:
        embedder = desk_encoder(opened.settings.embedding)
        with opened.store.transaction() as conn, err.status(LOADING_MODEL):
            judge = DeskJudge.load(conn, opened.settings.judge, embedder)
        formation = StoryFormation(opened.store, embedder, cluster_config(opened.settings.stories), judge=judge)
        with _progress() as bar:
            task = bar.add_task("judging stories", total=None)
            count = formation.rejudge(
                _now(), progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    typer.echo(f"judged {count} stories")


ByOption = Annotated[str, typer.Option("--by", help="Who decides (for the audit log); default: your user name.")]


def _editor(by: str) -> str:
    import getpass

    return by or getpass.getuser()


StoryArgument = Annotated[int, typer.Argument(help="The story's id.")]


def _set_published(desk: Path, story_id: int, published: bool, by: str) -> None:
    from newsdesk.desk import open_desk
    from newsdesk.editing import set_published

    with open_desk(desk, os.environ) as opened:
        key = set_published(opened.store, story_id, published, actor=_editor(by), now=_now())
    typer.echo(f"story {key} {'published' if published else 'unpublished'}")


@stories_app.command("publish")
@user_errors
def stories_publish(story_id: StoryArgument, desk: DeskOption = Path("desk"), by: ByOption = "") -> None:
    """Publish a story; the pipeline never overrides an editor's decision."""
    _set_published(desk, story_id, True, by)


@stories_app.command("unpublish")
@user_errors
def stories_unpublish(story_id: StoryArgument, desk: DeskOption = Path("desk"), by: ByOption = "") -> None:
    """Take a story off the site; it stays off whatever the pipeline later finds."""
    _set_published(desk, story_id, False, by)


@stories_app.command("topics")
@user_errors
def stories_topics(
    story_id: StoryArgument,
    topics: Annotated[list[str], typer.Argument(help="Topic names or ids of the desk's taxonomy.")],
    desk: DeskOption = Path("desk"),
    by: ByOption = "",
) -> None:
    """Set a story's topics (parents added); the tagger learns from the correction."""
    from newsdesk.desk import open_desk
    from newsdesk.editing import set_topics

    with open_desk(desk, os.environ) as opened:
        names = set_topics(opened.store, story_id, topics, actor=_editor(by), now=_now())
    typer.echo(f"story {story_id} topics: {', '.join(names)}")


@stories_app.command("primary")
@user_errors
def stories_primary(
    story_id: StoryArgument,
    article_id: Annotated[int, typer.Argument(help="The member article to make the primary.")],
    desk: DeskOption = Path("desk"),
    by: ByOption = "",
) -> None:
    """Make a member article the story's primary (applied when the story is next written)."""
    from newsdesk.desk import open_desk
    from newsdesk.editing import set_primary

    with open_desk(desk, os.environ) as opened:
        key = set_primary(opened.store, story_id, article_id, actor=_editor(by), now=_now())
    typer.echo(f"story {key}: article {article_id} is the primary from its next update")


@app.command()
@user_errors
def explain(
    item_id: Annotated[int, typer.Argument(help="A story's id, or an article's id with --article.")],
    desk: DeskOption = Path("desk"),
    article: Annotated[bool, typer.Option("--article", help="ITEM_ID is an article's id.")] = False,
) -> None:
    """Every signal of the judge with its value and weight: relevance, topics, quality, heat, the gate."""
    from newsdesk.desk import open_desk
    from newsdesk.formation import cluster_config, life_line
    from newsdesk.judging import DeskJudge, explain_article, explain_story_judgement

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        if article:
            lines = explain_article(conn, item_id)
        else:
            life = life_line(conn, item_id, cluster_config(opened.settings.stories).life)
            lines = explain_story_judgement(conn, item_id, DeskJudge(opened.settings.judge), _now(), life)
    if lines is None:
        typer.echo(f"error: no {'article' if article else 'story'} {item_id}", err=True)
        raise typer.Exit(1)
    for line in lines:
        typer.echo(line)


@app.command()
@user_errors
def story(
    story_id: Annotated[
        int, typer.Argument(help="A story's id (an absorbed story's id leads to the one that took it).")
    ],
    desk: DeskOption = Path("desk"),
) -> None:
    """A story, with why each member joined it and why the primary is the primary."""
    from newsdesk.desk import open_desk
    from newsdesk.formation import cluster_config, explain

    with open_desk(desk, os.environ) as opened:
        explanation = explain(opened.store, story_id, cluster_config(opened.settings.stories).life)
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


@eval_app.command("clustering-cv")
@user_errors
def eval_clustering_cv(
    paths: Annotated[
        list[Path], typer.Argument(help="Two or more labelled files (../shared/data/clustering/*.jsonl).")
    ],
    cache: Annotated[
        Path | None, typer.Option("--cache", help="A folder to keep each file's embeddings in (computed once).")
    ] = None,
    representation: Annotated[
        str,
        typer.Option(
            "--representation",
            help="languages: each language its own representation (the desk's); lexical: every set lexical "
            "(to choose the lexical path's constants; nothing is embedded).",
        ),
    ] = "languages",
    require: RequireOption = None,
) -> None:
    """Choose the clusterer's constants by leave-one-set-out cross-validation; tuned and held-out figures."""
    from newsdesk.evaluation.clustering_cv import (
        GRID,
        LEXICAL_GRID,
        REPRESENTATIONS,
        configurations,
        cross_validate,
        format_cross_validation,
        load_set,
    )
    from newsdesk.read.langid import LanguageGuesser
    from newsdesk.store.users import UserError
    from newsdesk.stories.embed import MiniLM

    for path in paths:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
    if len(paths) < 2:
        raise UserError("cross-validation needs at least two labelled files")
    if representation not in REPRESENTATIONS:
        raise UserError(f"--representation must be one of {', '.join(sorted(REPRESENTATIONS))}, not {representation}")
    lexical = representation == "lexical"
    guesser, embedder = LanguageGuesser(), None if lexical else MiniLM()
    sets = [load_set(path, embedder, cache, guesser, embed=not lexical) for path in paths]
    grid, base = (LEXICAL_GRID if lexical else GRID), REPRESENTATIONS[representation]
    with _progress() as progress:
        task = progress.add_task("configurations", total=len(configurations(grid, base)))
        report = cross_validate(sets, grid, progress=lambda: progress.advance(task), base=base)
    lines = format_cross_validation(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("language")
@user_errors
def eval_language(
    pairs: Annotated[
        list[str], typer.Argument(help="FILE=LANG: a labelled file whose articles are all in LANG (e.g. pt).")
    ],
    require: RequireOption = None,
) -> None:
    """How often the language guesser is right on each file's titles and leads."""
    from newsdesk.evaluation.language import run_language_eval
    from newsdesk.store.users import UserError

    parsed = []
    for pair in pairs:
        name, sep, language = pair.rpartition("=")
        if not sep or not name or not language:
            raise UserError(f"{pair}: expected FILE=LANG, e.g. cstnews.jsonl=pt")
        if not Path(name).is_file():
            raise UserError(f"{name}: no such file")
        parsed.append((Path(name), language))
    lines = run_language_eval(parsed)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("relevance")
@user_errors
def eval_relevance(
    path: Annotated[Path, typer.Argument(help="Articles labelled on/off the beat (../shared/data/topics/*.jsonl).")],
    taxonomy: Annotated[
        Path | None,
        typer.Option("--taxonomy", help="A _data/topics folder (or content tree) to judge with; default: AI."),
    ] = None,
    cross_validate: Annotated[
        bool, typer.Option("--cross-validate", help="Also report a held-out figure for the judge's constants.")
    ] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the articles judged wrongly, with the evidence.")
    ] = False,
    require: RequireOption = None,
) -> None:
    """Judge each article on or off the beat; precision, recall, F1, false-positive rate."""
    from newsdesk.evaluation.relevance import format_relevance_report, run_relevance_eval

    with _progress() as progress:
        task = progress.add_task("judging", total=None)
        report = run_relevance_eval(
            path, taxonomy=taxonomy, cross_validate=cross_validate, progress=lambda: progress.advance(task)
        )
    lines = format_relevance_report(report, errors=errors)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("topics")
@user_errors
def eval_topics(
    tree: Annotated[Path, typer.Argument(help="A content tree with labelled records (../shared/data/records/*).")],
    cross_validate: Annotated[
        bool, typer.Option("--cross-validate", help="Also report a held-out figure for the tagger's constants.")
    ] = False,
    corrections: Annotated[
        bool, typer.Option("--corrections", help="Also report the figure with editors' corrections as they go.")
    ] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the records tagged wrongly, with the evidence.")
    ] = False,
    require: RequireOption = None,
) -> None:
    """Tag each record from title and excerpt with the tree's own taxonomy; micro and macro F1 against its topics."""
    from newsdesk.evaluation.topics import format_topics_report, run_topics_eval

    with _progress() as progress:
        task = progress.add_task("tagging", total=None)
        report = run_topics_eval(
            tree, cross_validate=cross_validate, corrections=corrections, progress=lambda: progress.advance(task)
        )
    lines = format_topics_report(report, errors=errors)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("clustering")
@user_errors
def bench_clustering(
    articles: Annotated[
        int,
        typer.Option("--articles", help="Articles timed (and as many streamed before them to fill the open window)."),
    ] = 100_000,
    require: RequireOption = None,
) -> None:
    """Articles per second through dedup and clustering with many stories open; peak memory."""
    from newsdesk.bench.clustering import format_clustering_bench, run_clustering_bench

    lines = format_clustering_bench(run_clustering_bench(articles))
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("encoder")
@user_errors
def bench_encoder(
    paths: Annotated[list[Path], typer.Argument(help="Full-text article sets (clustering JSON Lines).")],
    articles: Annotated[int, typer.Option("--articles", help="Articles embedded (the files' first ones).")] = 500,
    precision: Annotated[
        str | None,
        typer.Option(
            "--precision",
            help="The precision set beside float32 (embedding.precision); default: bfloat16 where the CPU has it.",
        ),
    ] = None,
    require: RequireOption = None,
) -> None:
    """MiniLM at a faster precision beside float32 on the same full articles: both rates, their agreement."""
    from newsdesk.bench.encoder import format_encoder_bench, run_encoder_bench
    from newsdesk.stories.runtime import BF16_FLAGS, read_cpu_flags

    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file", param_hint="PATHS")
    with err.status("embedding the articles twice"):
        try:
            chosen = precision or ("bfloat16" if read_cpu_flags() & BF16_FLAGS else "float32")
            lines = format_encoder_bench(run_encoder_bench(paths, articles, chosen))
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="PATHS") from None
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("reading")
@user_errors
def bench_reading(
    path: Annotated[Path, typer.Argument(help="trafilatura's evaluation set (../shared/data/extraction/...).")],
    pages: Annotated[int, typer.Option("--pages", help="Pages read (the set's first ones).")] = 300,
    require: RequireOption = None,
) -> None:
    """Pages read per second by the desk's reader beside plain trafilatura.extract on the same pages."""
    from newsdesk.bench.reading import format_reading_bench, run_reading_bench

    with err.status("reading the pages"):
        lines = format_reading_bench(run_reading_bench(path, pages))
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("startup")
@user_errors
def bench_startup(
    runs: Annotated[int, typer.Option("--runs", help="Runs of each command; the best counts.")] = 5,
    require: RequireOption = None,
) -> None:
    """How fast `newsdesk --version` and `newsdesk stats` start: the best of several runs."""
    from newsdesk.bench.startup import format_startup_bench, run_startup_bench

    lines = format_startup_bench(run_startup_bench(runs))
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("pipeline")
@user_errors
def bench_pipeline(
    paths: Annotated[
        list[Path], typer.Argument(help="Full-text article sets (clustering JSON Lines, e.g. giveme5w1h.jsonl).")
    ],
    articles: Annotated[int, typer.Option("--articles", help="Articles served (the files' first ones).")] = 600,
    hosts: Annotated[int, typer.Option("--hosts", help="Loopback hosts the outlets are spread over.")] = 16,
    precision: Annotated[str, typer.Option("--precision", help="The desk's embedding.precision.")] = "auto",
    require: RequireOption = None,
) -> None:
    """The whole desk on a news site served on loopback: fetch, read, form, judge, publish; articles/s."""
    from newsdesk.bench.pipeline import format_pipeline_bench, run_pipeline_bench

    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file", param_hint="PATHS")
    with err.status("serving the articles and running the desk over them"):
        report = run_pipeline_bench(paths, articles, hosts, precision)
    lines = format_pipeline_bench(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


# --------------------------------------------------------------------------- keeping: images, secured, keys


def _image_cache(desk: Desk) -> ImageCache:
    from newsdesk.keep.imagecache import ImageCache

    return ImageCache(desk.settings.keep.cache_path(desk.settings.desk))


def _keyring(desk: Desk, *, required: bool = True) -> KeyRing | None:
    from newsdesk.keep.keyring import keyring_available, load_keyring

    keep = desk.settings.keep
    key_file = keep.key_path(desk.settings.desk)
    if not required and not keyring_available(key_file, keep.key_env, os.environ):
        return None
    return load_keyring(key_file, keep.key_env, os.environ)


def _new_iv() -> bytes:
    return secrets.token_bytes(16)


def _seal_formed(desk: Desk) -> None:
    """Bring every formed story's secured value up to date (when the desk has a key ring)."""
    from newsdesk.keep.sealing import seal_formed_stories

    ring = _keyring(desk, required=False)
    if ring is None:
        err.print("note: no key ring (run `newsdesk init` on the desk): formed stories carry no secured content")
        return
    report = seal_formed_stories(desk.store, ring, _new_iv)
    for problem in report.problems:
        err.print(f"not sealed: {problem}", markup=False, highlight=False)


def _image_line(outcome: ImageOutcome) -> str:
    if outcome.status == "cached":
        size = f"{outcome.width}x{outcome.height}" if outcome.width else "size unknown"
        return f"cached {outcome.url} ({outcome.content_type}, {size}, {outcome.bytes:,} bytes)"
    return f"{outcome.status} {outcome.url}: {outcome.reason}"


@images_app.command("fetch")
@user_errors
def images_fetch(
    desk: DeskOption = Path("desk"),
    limit: Annotated[int | None, typer.Option("--limit", help="Fetch at most this many images.")] = None,
) -> None:
    """Fetch, verify, measure and cache every image not cached yet (lead images and provider logos)."""
    from newsdesk.desk import open_desk
    from newsdesk.fetch.client import Fetcher
    from newsdesk.keep.caching import cache_new_images, image_fetch_settings

    with open_desk(desk, os.environ) as opened:
        keep = opened.settings.keep
        cache = _image_cache(opened)

        async def run() -> CacheReport:
            async with Fetcher(image_fetch_settings(opened.settings.fetch, keep)) as fetcher:
                with _progress() as progress:
                    task = progress.add_task("caching images", total=None)

                    def done(outcome: ImageOutcome) -> None:
                        progress.advance(task)
                        if outcome.status != "cached":
                            progress.console.print(_image_line(outcome), markup=False, highlight=False)

                    return await cache_new_images(opened.store, fetcher, cache, keep, limit=limit, progress=done)

        report = _run(run())
    typer.echo(
        f"images: {report.count('cached')} cached, {report.count('refused')} refused, {report.count('missing')} missing"
    )


@images_app.command("verify")
@user_errors
def images_verify(
    desk: DeskOption = Path("desk"),
    repair: Annotated[
        bool, typer.Option("--repair", help="Refetch what is missing or corrupt, and images whose fetch failed.")
    ] = False,
) -> None:
    """Re-check the cache against the store: every cached file present, same bytes, thumbnail readable."""
    from newsdesk.desk import open_desk
    from newsdesk.fetch.client import Fetcher
    from newsdesk.keep.caching import image_fetch_settings, repair_cache, verify_cache

    with open_desk(desk, os.environ) as opened:
        cache = _image_cache(opened)
        with _progress() as progress:
            task = progress.add_task("verifying", total=None)
            report = verify_cache(opened.store, cache, progress=lambda: progress.advance(task))
        for problem in report.problems:
            typer.echo(f"{problem.url}: {problem.problem}")
        typer.echo(
            f"checked {report.checked} cached images: {len(report.problems)} missing or corrupt; "
            f"{len(report.failed_fetches)} failed fetches, {report.refused} refused, "
            f"{report.not_yet_tried} not fetched yet, {report.stray_files} files no row names"
        )
        if repair and (report.problems or report.failed_fetches):

            async def run() -> CacheReport:
                settings = image_fetch_settings(opened.settings.fetch, opened.settings.keep)
                async with Fetcher(settings) as fetcher:
                    return await repair_cache(opened.store, fetcher, cache, opened.settings.keep, report)

            repaired = _run(run())
            for outcome in repaired.outcomes:
                typer.echo(f"repair: {_image_line(outcome)}")
            typer.echo(
                f"repaired {repaired.count('cached')} of {len(repaired.outcomes)}: "
                f"{repaired.count('refused')} refused, {repaired.count('missing')} still missing"
            )
            fixed = {o.url for o in repaired.outcomes if o.status == "cached"}
            if any(problem.url not in fixed for problem in report.problems):
                raise typer.Exit(1)
            return
    if report.problems:
        raise typer.Exit(1)


@secured_app.command("show")
@user_errors
def secured_show(
    record: Annotated[str, typer.Argument(help="A record file, a story's slug, or a formed story's id.")],
    desk: DeskOption = Path("desk"),
) -> None:
    """Decrypt a record's secured content (for the desk's owner) and print it as JSON."""
    from newsdesk.contenttree import read_record_file
    from newsdesk.desk import open_desk
    from newsdesk.keep.secured import SecuredError, unseal
    from newsdesk.securedvalue import parse_secured_text
    from newsdesk.store.sealing import find_story

    with open_desk(desk, os.environ) as opened:
        ring = _keyring(opened)
        assert ring is not None
        path = Path(record)
        if path.is_file():
            name, secured = str(path), read_record_file(path).secured
        else:
            with opened.store.transaction() as conn:
                found = find_story(conn, record)
            if found is None:
                raise SecuredError(record, "no such record file, story slug or story id in the desk")
            name = found.slug
            try:
                secured = parse_secured_text(found.secured) if found.secured is not None else None
            except ValueError as error:
                raise SecuredError(name, f"the stored secured value is malformed ({error})") from None
        if secured is None:
            raise SecuredError(name, "carries no secured content")
        payload = unseal(secured, ring, name)
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


@secured_app.command("check")
@user_errors
def secured_check(desk: DeskOption = Path("desk")) -> None:
    """Decrypt every secured value of ours; count them by key, and those secured by another key."""
    from newsdesk.desk import open_desk
    from newsdesk.keep.sealing import value_census

    with open_desk(desk, os.environ) as opened:
        ring = _keyring(opened)
        assert ring is not None
        with opened.store.transaction() as conn:
            census = value_census(conn, ring)
    unreadable = 0
    for name, slugs in sorted(census.items()):
        if name.startswith("unreadable"):
            unreadable += len(slugs)
            typer.echo(name)
        elif name == "another system":
            typer.echo(f"secured by another key: {len(slugs)} (kept as they are)")
        else:
            current = " (current)" if name == f"key {ring.current.id}" else ""
            typer.echo(f"{name}{current}: {len(slugs)}")
    typer.echo(f"unreadable: {unreadable}")
    if unreadable:
        raise typer.Exit(1)


@secured_app.command("note")
@user_errors
def secured_note(
    story_id: Annotated[str, typer.Argument(help="A formed story's id or slug.")],
    text: Annotated[str, typer.Argument(help="The note: kept only inside the story's secured value.")],
    desk: DeskOption = Path("desk"),
    actor: Annotated[str, typer.Option("--actor", help="Who writes the note.")] = "editor",
) -> None:
    """Add an editor's private note to a formed story and reseal the story's secured value."""
    from newsdesk.desk import open_desk
    from newsdesk.keep.sealing import seal_story
    from newsdesk.keep.secured import SecuredError
    from newsdesk.store.sealing import add_note, find_story

    with open_desk(desk, os.environ) as opened:
        ring = _keyring(opened)
        assert ring is not None
        with opened.store.transaction() as conn:
            found = find_story(conn, story_id)
            if found is None or found.cluster_key is None:
                raise SecuredError(story_id, "no story newsdesk formed by that id or slug")
            add_note(conn, found.cluster_key, text, actor=actor, now=_now())
            seal_story(conn, found.id, ring, _new_iv())
    typer.echo(f"noted on {found.slug}")


@keys_app.command("rotate")
@user_errors
def keys_rotate(
    desk: DeskOption = Path("desk"),
    retire_old: Annotated[
        bool, typer.Option("--retire-old", help="After a complete pass, drop the old keys from the key file.")
    ] = False,
) -> None:
    """Make a new key and re-encrypt every secured value of ours under it; rerun to resume a stopped pass."""
    from newsdesk.desk import open_desk
    from newsdesk.keep.rotation import retire_old_keys, rotate_keys

    with open_desk(desk, os.environ) as opened:
        ring = _keyring(opened)
        assert ring is not None
        key_file = opened.settings.keep.key_path(opened.settings.desk)
        with _progress() as progress:
            task = progress.add_task("re-encrypting", total=None)
            report = rotate_keys(
                opened.store, key_file, ring, new_secret=secrets.token_bytes(32), ivs=_new_iv, now=_now,
                progress=lambda _outcome: progress.advance(task),
            )  # fmt: skip
        for problem in report.unreadable:
            typer.echo(f"not rotated: {problem}")
        typer.echo(
            f"{'resumed: ' if report.resumed else ''}current key {report.key_id}: {report.rotated} re-encrypted, "
            f"{report.current} already under it, {report.foreign} secured by another key (kept as they are), "
            f"{len(report.unreadable)} unreadable"
        )
        if report.unreadable:
            raise typer.Exit(1)
        if retire_old:
            dropped = retire_old_keys(opened.store, key_file, _keyring(opened) or ring)
            typer.echo(f"retired {len(dropped)} old key(s)" + (f": {', '.join(dropped)}" if dropped else ""))


# --------------------------------------------------------------------------- publishing: the site, the newsletter


@app.command()
@user_errors
def serve(
    desk: DeskOption = Path("desk"),
    host: Annotated[str | None, typer.Option("--host", help="Listen on this address (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Listen on this port (default: web.port).")] = None,
) -> None:
    """Serve the reader site, the JSON API (docs at /api/docs), feeds and sitemaps."""
    import uvicorn

    from newsdesk.desk import open_desk
    from newsdesk.fetch.clock import SystemClock
    from newsdesk.web.app import create_app
    from newsdesk.web.server import guarded_protocol

    with open_desk(desk, os.environ) as opened:
        web = opened.settings.web
        host, port = host or web.host, port or web.port
        site = create_app(opened.settings.serving_at(host, port), opened.store, SystemClock())
        typer.echo(f"serving {opened.settings.site.title} at http://{host}:{port}/", err=True)
        uvicorn.run(
            site, host=host, port=port, log_level="warning", access_log=False, server_header=False,
            http=guarded_protocol(web),
        )  # fmt: skip


def _serve_desk(opened: Desk, host: str | None, port: int | None, round_seconds: float, hint: str) -> None:
    """Run an open desk's web app and pipeline (`newsdesk run`, `newsdesk demo`) until Ctrl-C."""
    from newsdesk.fetch.client import Fetcher
    from newsdesk.fetch.clock import SystemClock
    from newsdesk.keep.caching import cache_new_images, image_fetch_settings
    from newsdesk.running import RunningDesk
    from newsdesk.stories.embed import MiniLM, desk_encoder
    from newsdesk.web.app import create_app

    web = opened.settings.web
    host, port = host or web.host, port or web.port
    clock = SystemClock()
    cache = _image_cache(opened)

    async def images() -> CacheReport:
        keep = opened.settings.keep
        async with Fetcher(image_fetch_settings(opened.settings.fetch, keep)) as fetcher:
            return await cache_new_images(opened.store, fetcher, cache, keep, limit=200)

    def seal() -> None:
        _seal_formed(opened)

    def embedder() -> MiniLM:
        err.print(f"{LOADING_MODEL} ...", markup=False, highlight=False)
        return desk_encoder(opened.settings.embedding)

    running = RunningDesk(
        opened,
        clock,
        embedder,
        host=host,
        port=port,
        round_seconds=round_seconds,
        report=lambda line: err.print(line, markup=False, highlight=False),
        after_formation=seal,
        cache_images=images,
    )
    typer.echo(f"{opened.settings.site.title}: http://{host}:{port}/ {hint}; Ctrl-C stops", err=True)
    _run(running.serve(create_app(opened.settings.serving_at(host, port), opened.store, clock)))


@app.command("run")
@user_errors
def run_desk(
    desk: DeskOption = Path("desk"),
    host: Annotated[str | None, typer.Option("--host", help="Listen on this address (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Listen on this port (default: web.port).")] = None,
    round_seconds: Annotated[
        float, typer.Option("--round-seconds", help="Seconds between pipeline rounds (fetch, stories, images).")
    ] = 60.0,
) -> None:
    """Run the whole desk until Ctrl-C: the fetch schedule, the pipeline and the web app.

    A desk that does not exist yet is created with the default AI taxonomy and sources.
    """
    from newsdesk.desk import init_desk

    opened, created = init_desk(desk, os.environ)
    with opened:
        if created:
            typer.echo(f"created desk {desk} ({opened.store.backend})")
            _furnish(opened)
        _serve_desk(opened, host, port, round_seconds, "(editors: /desk/)")
    typer.echo("stopped; everything fetched so far is stored")


@app.command()
@user_errors
def demo(
    desk: Annotated[Path, typer.Option("--desk", help="The demo desk's directory.")] = Path("demo-desk"),
    host: Annotated[str | None, typer.Option("--host", help="Listen on this address (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Listen on this port (default: web.port).")] = None,
    newsroom_port: Annotated[
        int, typer.Option("--newsroom-port", help="The port the demo outlets are served on (127.0.0.2, ...).")
    ] = 8765,
) -> None:
    """Run the desk offline: a demo newsroom served from 127.0.0.x, watched, judged and published.

    Needs no network: a dozen articles written for newsdesk (a wire story and its copy, follow-ups, an off-beat
    pop single called "AI", a market-research press release) go through the real pipeline.
    """
    from newsdesk.demo import allow_own_addresses, newsroom, serve_newsroom
    from newsdesk.desk import init_desk
    from newsdesk.record import Source
    from newsdesk.settings import SETTINGS_FILE
    from newsdesk.starter import furnish
    from newsdesk.store.sources import add_source

    environ = {**os.environ, "NEWSDESK_ALLOW_PRIVATE": "1"}
    opened, created = init_desk(desk, environ)
    allow_own_addresses(desk / SETTINGS_FILE)  # `newsdesk fetch --desk demo-desk` may reach the newsroom too
    outlets = newsroom(_now())
    with opened, serve_newsroom(outlets, newsroom_port) as feeds:
        with opened.store.transaction() as conn:
            for url, outlet in zip(feeds, outlets, strict=True):
                add_source(conn, Source(url=url, kind="feed", title=outlet.name, interval=900), now=_now())
        report = furnish(opened, _now())
        if created:
            typer.echo(f"created demo desk {desk}: {report.topics} topics, {len(feeds)} outlets on 127.0.0.x")
        hint = f"fills in within a minute or two (editors: `newsdesk users add NAME --desk {desk}`, then /desk/)"
        _serve_desk(opened, host, port, 10.0, hint)
    typer.echo("stopped; everything fetched so far is stored")


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
    from newsdesk.contenttree import write_files
    from newsdesk.desk import open_desk
    from newsdesk.publish.links import SiteLinks
    from newsdesk.publish.newsletter import render_newsletter
    from newsdesk.store.newsletters import save_newsletter
    from newsdesk.store.published import on_day
    from newsdesk.store.topics import load_topics

    try:
        when = datetime.strptime(day, "%Y-%m-%d").date() if day else _now().date()
    except ValueError:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None
    with open_desk(desk, os.environ) as opened:
        settings = opened.settings
        with opened.store.transaction() as conn:
            stories, topics = on_day(conn, when, now=_now()), load_topics(conn)
        if not stories:
            typer.echo(f"error: no story was published on {when.isoformat()}: no newsletter", err=True)
            raise typer.Exit(1)
        links = SiteLinks.of(settings.site)
        issue = render_newsletter(
            when, stories, topics, settings.site, links, per_section=settings.newsletter.per_topic
        )
        with opened.store.transaction() as conn:
            save_newsletter(conn, issue, now=_now())
        count = f"{issue.stories} {'story' if issue.stories == 1 else 'stories'}"
        typer.echo(f"{issue.subject}: {count}; archived at {links.url(links.newsletter(when))}")
        if out is not None:
            write_files(out.parent, {out.name: issue.html.encode(), out.with_suffix(".txt").name: issue.text.encode()})
            typer.echo(f"written to {out} and {out.with_suffix('.txt')}")
        if send:
            _send_issue(opened, issue, stories, topics)


def _send_issue(opened: Desk, issue: Newsletter, stories: Sequence[Story], topics: Sequence[Topic]) -> None:
    """Send the issue to the subscribers it has not gone to yet (``mailing.send_issue``) and say how it went."""
    from newsdesk.mailing import send_issue
    from newsdesk.publish.mailer import MailError

    password = os.environ.get(opened.settings.newsletter.password_env)
    report = send_issue(opened.store, opened.settings, issue, stories, topics, password=password, now=_now)
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
            found, new = add_subscriber(conn, address, now=_now(), rejoin=True, topics=topic_ids)
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
            typer.echo(f"{'removed' if remove_subscriber(conn, address, now=_now()) else 'not subscribed'}: {address}")


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
    from newsdesk.mailfiles import read_mail_files
    from newsdesk.mailing import record_bounces

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

    from newsdesk.contenttree import read_capped
    from newsdesk.desk import open_desk
    from newsdesk.store.subscribers import import_addresses

    try:
        text = read_capped(path, 64 << 20).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise typer.BadParameter(f"{path}: not UTF-8 text ({error.reason})", param_hint="PATH") from None
    rows = [row[0] for row in csv.reader(text.splitlines()) if row and row[0].strip()]
    if rows and "@" not in rows[0]:
        rows = rows[1:]  # a header
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        added, bad = import_addresses(conn, rows, now=_now())
    for problem in bad:
        typer.echo(f"skipped: {problem}", err=True)
    typer.echo(f"imported {added} new subscriber(s) from {len(rows)} row(s)")


@bench_app.command("web")
@user_errors
def bench_web(
    stories: Annotated[int, typer.Option("--stories", help="Synthetic stories stored.")] = 100_000,
    seconds: Annotated[float, typer.Option("--seconds", help="Seconds of load on each address.")] = 10.0,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Connections at once.")] = 16,
    writes_per_second: Annotated[
        float, typer.Option("--writes-per-second", help="Story writes during the load (each makes pages stale).")
    ] = 2.0,
    require: RequireOption = None,
) -> None:
    """Requests per second and p99 latency of / and /api/news/, loaded from a second process on loopback."""
    from newsdesk.bench.web import format_web_bench, run_web_bench

    report = run_web_bench(
        stories, seconds=seconds, concurrency=concurrency, writes_per_second=writes_per_second,
        progress=lambda line: err.print(line, markup=False),
    )  # fmt: skip
    lines = format_web_bench(report)
    _print_figures(lines[:-1], json.loads(lines[-1]), require)


# --------------------------------------------------------------------------- the editors' desk: users

PasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--password-file", help="Read the password from this file's first line (else it is asked for, twice)."
    ),
]


def _new_password(password_file: Path | None) -> str:
    """The password from a file's first line, else asked for on the terminal (twice), hashed with argon2."""
    from newsdesk.contenttree import read_capped
    from newsdesk.store.users import UserError
    from newsdesk.web.auth import hash_password

    if password_file is not None:
        try:
            lines = read_capped(password_file, 64 * 1024).decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise UserError(f"{password_file}: the password file is not UTF-8 text") from None
        password = lines[0] if lines else ""
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return hash_password(password)


@users_app.command("add")
@user_errors
def users_add(
    name: Annotated[str, typer.Argument(help="The user's login name.")],
    role: Annotated[str, typer.Option("--role", help="editor (stories and sources) or admin (also users).")] = "editor",
    password_file: PasswordFileOption = None,
    desk: DeskOption = Path("desk"),
) -> None:
    """Add a user who may log in to the desk; the password is kept as an argon2 hash."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import ROLES, add_user, check_name

    check_name(name)
    if role not in ROLES:
        raise typer.BadParameter(f"{role!r} is not one of {', '.join(ROLES)}", param_hint="--role")
    with open_desk(desk, os.environ) as opened:
        hashed = _new_password(password_file)
        with opened.store.transaction() as conn:
            add_user(conn, name, role, hashed, actor=_editor(""), now=_now())
    typer.echo(f"added {role} {name}")


@users_app.command("list")
@user_errors
def users_list(desk: DeskOption = Path("desk")) -> None:
    """Every user: name, role, since when, and whether disabled."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import list_users

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        users = list_users(conn)
    for user in users:
        flag = "\tdisabled" if user.disabled else ""
        typer.echo(f"{user.name}\t{user.role}\t{_when(user.created_at)}{flag}")


@users_app.command("passwd")
@user_errors
def users_passwd(
    name: Annotated[str, typer.Argument(help="The user's login name.")],
    password_file: PasswordFileOption = None,
    desk: DeskOption = Path("desk"),
) -> None:
    """Set a user's password; their open sessions end."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import UserError, set_password_hash, user_by_name

    with open_desk(desk, os.environ) as opened:
        with opened.store.transaction() as conn:
            if user_by_name(conn, name) is None:
                raise UserError(f"no user {name!r} (add one with `newsdesk users add {name}`)")
        hashed = _new_password(password_file)
        with opened.store.transaction() as conn:
            set_password_hash(conn, name, hashed, actor=_editor(""), now=_now())
    typer.echo(f"password of {name} changed")


@users_app.command("disable")
@user_errors
def users_disable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Stop a user logging in; their open sessions end."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import set_disabled

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        set_disabled(conn, name, True, actor=_editor(""), now=_now())
    typer.echo(f"{name} disabled")


@users_app.command("enable")
@user_errors
def users_enable(
    name: Annotated[str, typer.Argument(help="The user's login name.")], desk: DeskOption = Path("desk")
) -> None:
    """Let a disabled user log in again."""
    from newsdesk.desk import open_desk
    from newsdesk.store.users import set_disabled

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        set_disabled(conn, name, False, actor=_editor(""), now=_now())
    typer.echo(f"{name} enabled")


def run() -> None:  # pragma: no cover - the console script's entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
