"""The command line's frame: the root app, the options and helpers every command group shares, and how a
user error becomes one line on stderr (exit 1; tracebacks are for bugs only)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Coroutine
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

app = typer.Typer(
    help="newsdesk: a self-hosted topical news desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

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


def run_coroutine(work: Coroutine[Any, Any, R]) -> R:
    """Run a coroutine to the end (asyncio is loaded only by the commands that need it)."""
    import asyncio

    return asyncio.run(work)


def now() -> datetime:
    return datetime.now(UTC)


def print_stats(desk: Desk) -> None:
    from newsdesk.store.stats import counts

    with desk.store.transaction() as conn:
        for name, value in counts(conn).items():
            typer.echo(f"{name}: {value}")


class _Rate(ProgressColumn):
    """Items a second so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "")


def progress_bar() -> Progress:
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


ByOption = Annotated[str, typer.Option("--by", help="Who decides (for the audit log); default: your user name.")]


def editor(by: str) -> str:
    import getpass

    return by or getpass.getuser()


StoryArgument = Annotated[int, typer.Argument(help="The story's id.")]


RequireOption = Annotated[
    list[str] | None,
    typer.Option(
        "--require",
        help="KEY=MIN (or KEY<=MAX): fail (exit 1) when the summary's KEY is below MIN (above MAX); "
        "may be repeated. CI pins its bars so.",
    ),
]


def print_figures(lines: list[str], summary: dict[str, object], require: list[str] | None) -> None:
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


def when(value: datetime | None) -> str:
    """A time as the command line prints it (UTC), or ``never``."""
    return "never" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
