"""``newsdesk eval``: quality figures over real data, with the bars CI pins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import RequireOption, now, print_figures, progress_bar, user_errors

eval_app = typer.Typer(help="Quality figures over real data (../shared/data).", no_args_is_help=True)


@eval_app.command("extraction")
@user_errors
def eval_extraction(
    path: Annotated[Path, typer.Argument(help="trafilatura-eval or readability-test-pages.")],
    require: RequireOption = None,
) -> None:
    """Text and metadata extraction against an annotated set of real pages."""
    from newsdesk.evaluation.extraction import format_extraction_report, run_extraction_eval

    with progress_bar() as progress:
        task = progress.add_task("reading pages", total=None)
        report = run_extraction_eval(path, now=now(), progress=lambda: progress.advance(task))
    lines = format_extraction_report(report)
    print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("feeds")
@user_errors
def eval_feeds(
    path: Annotated[Path, typer.Argument(help="The feeds corpora (../shared/data/feeds).")],
    require: RequireOption = None,
) -> None:
    """How many real feeds parse, items found, and agreement with the corpora's expected outputs."""
    from newsdesk.evaluation.feeds import format_report, run_feed_eval

    with progress_bar() as progress:
        task = progress.add_task("parsing feeds", total=None)
        report = run_feed_eval(path, progress=lambda: progress.advance(task))
    lines = format_report(report)
    print_figures(lines[:-1], json.loads(lines[-1]), require)


@eval_app.command("clustering")
@user_errors
def eval_clustering(
    path: Annotated[Path, typer.Argument(help="Articles with gold story labels (../shared/data/clustering/*.jsonl).")],
    require: RequireOption = None,
) -> None:
    """Feed a labelled file through the live story path, in order; B-cubed, pairwise F1, NMI, speed."""
    from newsdesk.evaluation.clustering import format_clustering_report, run_clustering_eval

    with progress_bar() as progress:
        task = progress.add_task("clustering", total=None)
        report = run_clustering_eval(path, progress=lambda: progress.advance(task))
    lines = format_clustering_report(report)
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    from newsdesk.encoder.embed import MiniLM
    from newsdesk.evaluation.clustering_cv import (
        GRID,
        LEXICAL_GRID,
        REPRESENTATIONS,
        configurations,
        cross_validate,
        format_cross_validation,
        load_set,
    )
    from newsdesk.ingest.read import LanguageGuesser
    from newsdesk.store.users import UserError

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
    with progress_bar() as progress:
        task = progress.add_task("configurations", total=len(configurations(grid, base)))
        report = cross_validate(sets, grid, progress=lambda: progress.advance(task), base=base)
    lines = format_cross_validation(report)
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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

    with progress_bar() as progress:
        task = progress.add_task("judging", total=None)
        report = run_relevance_eval(
            path, taxonomy=taxonomy, cross_validate=cross_validate, progress=lambda: progress.advance(task)
        )
    lines = format_relevance_report(report, errors=errors)
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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

    with progress_bar() as progress:
        task = progress.add_task("tagging", total=None)
        report = run_topics_eval(
            tree, cross_validate=cross_validate, corrections=corrections, progress=lambda: progress.advance(task)
        )
    lines = format_topics_report(report, errors=errors)
    print_figures(lines[:-1], json.loads(lines[-1]), require)
