"""The ``newsdesk`` command: a thin layer over the library.

User errors (a bad record, a missing desk, an unreachable database) print one
line on stderr and exit 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from newsdesk import __version__
from newsdesk.contenttree import read_capped, read_tree, record_paths
from newsdesk.desk import Desk, init_desk, open_desk
from newsdesk.recordfile import RecordError, roundtrip_difference
from newsdesk.settings import SettingsError
from newsdesk.store import StoreError
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
        except (RecordError, SettingsError, StoreError) as error:
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


def run() -> None:  # pragma: no cover - the console script's entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
