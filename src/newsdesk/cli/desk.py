"""The desk itself: ``init``, ``stats``, ``import`` and ``export``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newsdesk.desk import Desk

from newsdesk.cli.frame import DeskOption, app, now, print_stats, progress_bar, user_errors
from newsdesk.cli.keeping import seal_formed


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
            furnish(desk, beat or "ai")
        print_stats(desk)


def furnish(desk: Desk, beat: str = "ai") -> None:
    from newsdesk.starter import furnish

    report = furnish(desk, now(), beat)
    if report.topics or report.sources:
        name = "AI" if beat == "ai" else beat
        typer.echo(f"starter: {report.topics} topics of the {name} beat, {report.sources} {name} news sources")


@app.command()
@user_errors
def stats(desk: DeskOption = Path("desk")) -> None:
    """Counts of what the desk's store holds, one `name: count` line each."""
    from newsdesk.desk import open_desk

    with open_desk(desk, os.environ) as opened:
        print_stats(opened)


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
    from newsdesk.desk import open_desk
    from newsdesk.desk.transfer import import_tree
    from newsdesk.record.tree import read_tree

    contents = read_tree(tree)
    for problem in contents.problems:
        typer.echo(f"{'skipped' if skip_bad else 'bad record'}: {problem}", err=True)
    if contents.problems and not skip_bad:
        typer.echo(f"imported nothing: {len(contents.problems)} bad file(s); fix them or use --skip-bad", err=True)
        raise typer.Exit(1)
    with open_desk(desk, os.environ) as opened, progress_bar() as progress:
        task = progress.add_task("importing", total=len(contents.stories) + len(contents.topics))
        report = import_tree(opened.store, contents, now=now(), advance=lambda: progress.advance(task))
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
    from newsdesk.desk.transfer import export_tree
    from newsdesk.keep.stage import image_cache

    with open_desk(desk, os.environ) as opened:
        seal_formed(opened)
        with progress_bar() as bar:
            task = bar.add_task("writing files", total=None)
            report = export_tree(
                opened.store,
                opened.settings.site,
                directory,
                now=now(),
                cache=image_cache(opened.settings),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    typer.echo(
        f"exported {report.records} records ({report.held} held back in _held/: no published key, or dated ahead) and "
        f"{report.api_pages} API page(s) to {directory} "
        f"({report.files_changed} file(s) written)",
    )
