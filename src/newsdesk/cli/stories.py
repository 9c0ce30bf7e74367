"""``newsdesk stories``, ``explain`` and ``story``: forming, judging and editing stories."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import (
    LOADING_MODEL,
    ByOption,
    DeskOption,
    StoryArgument,
    app,
    editor,
    err,
    now,
    progress_bar,
    user_errors,
)
from newsdesk.cli.keeping import seal_formed

stories_app = typer.Typer(help="Stories: every outlet's article on the same story, grouped.", no_args_is_help=True)


@stories_app.command("form")
@user_errors
def stories_form(
    desk: DeskOption = Path("desk"),
    limit: Annotated[int | None, typer.Option("--limit", help="Place at most this many articles.")] = None,
) -> None:
    """Place every fetched article not yet in a story, oldest first: copies, joins, new stories, merges."""
    from newsdesk.clock import SystemClock
    from newsdesk.desk import open_desk
    from newsdesk.encoder.embed import desk_encoder
    from newsdesk.judge.stage import DeskJudge
    from newsdesk.stories.stage import StoryFormation, cluster_config

    with open_desk(desk, os.environ) as opened:
        embedder = desk_encoder(opened.settings.embedding)
        with opened.store.transaction() as conn, err.status(LOADING_MODEL):
            judge = DeskJudge.load(conn, opened.settings.judge, embedder)
        formation = StoryFormation(opened.store, embedder, cluster_config(opened.settings.stories), judge=judge)
        with progress_bar() as progress:
            task = progress.add_task("forming stories", total=None)
            report = formation.run(SystemClock(), limit=limit, progress=lambda n: progress.advance(task, n))
        seal_formed(opened)
    typer.echo(
        f"placed {report.placed} articles: {report.copies} copies, {report.new_stories} new stories, "
        f"{report.merges} merges ({report.placed / max(report.seconds, 1e-9):.0f} articles/s); "
        f"{report.off_beat} off the beat (kept, not placed"
        + (f"; {report.glanced} judged at a glance, from title and lead)" if report.glanced else ")")
    )
    for warning in report.warnings():
        err.print(warning, markup=False, highlight=False)


@stories_app.command("judge")
@user_errors
def stories_judge(desk: DeskOption = Path("desk")) -> None:
    """Judge every formed story again now: heat cools as time passes, quality follows editors' records."""
    from newsdesk.desk import open_desk
    from newsdesk.encoder.embed import desk_encoder
    from newsdesk.judge.stage import DeskJudge
    from newsdesk.stories.stage import StoryFormation, cluster_config

    with open_desk(desk, os.environ) as opened:
        embedder = desk_encoder(opened.settings.embedding)
        with opened.store.transaction() as conn, err.status(LOADING_MODEL):
            judge = DeskJudge.load(conn, opened.settings.judge, embedder)
        formation = StoryFormation(opened.store, embedder, cluster_config(opened.settings.stories), judge=judge)
        with progress_bar() as bar:
            task = bar.add_task("judging stories", total=None)
            count = formation.rejudge(now(), progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"judged {count} stories")


def _set_published(desk: Path, story_id: int, published: bool, by: str) -> None:
    from newsdesk.desk import open_desk
    from newsdesk.desk.editing import set_published

    with open_desk(desk, os.environ) as opened:
        key = set_published(opened.store, story_id, published, actor=editor(by), now=now())
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
    from newsdesk.desk.editing import set_topics

    with open_desk(desk, os.environ) as opened:
        names = set_topics(opened.store, story_id, topics, actor=editor(by), now=now())
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
    from newsdesk.desk.editing import set_primary

    with open_desk(desk, os.environ) as opened:
        key = set_primary(opened.store, story_id, article_id, actor=editor(by), now=now())
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
    from newsdesk.judge.stage import DeskJudge, explain_article, explain_story_judgement
    from newsdesk.stories.stage import cluster_config, life_line

    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        if article:
            lines = explain_article(conn, item_id)
        else:
            life = life_line(conn, item_id, cluster_config(opened.settings.stories).life)
            lines = explain_story_judgement(conn, item_id, DeskJudge(opened.settings.judge), now(), life)
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
    from newsdesk.stories.stage import cluster_config, explain

    with open_desk(desk, os.environ) as opened:
        explanation = explain(opened.store, story_id, cluster_config(opened.settings.stories).life)
    if explanation is None:
        typer.echo(f"error: no story {story_id}", err=True)
        raise typer.Exit(1)
    if explanation.key != story_id:
        typer.echo(f"story {story_id} was merged into story {explanation.key}")
    for line in explanation.lines:
        typer.echo(line)
