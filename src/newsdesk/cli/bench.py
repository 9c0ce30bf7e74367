"""``newsdesk bench``: speed figures over real data, with the bars CI pins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import RequireOption, err, print_figures, user_errors

bench_app = typer.Typer(help="Speed figures over real data.", no_args_is_help=True)


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    from newsdesk.encoder.runtime import BF16_FLAGS, read_cpu_flags

    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file", param_hint="PATHS")
    with err.status("embedding the articles twice"):
        try:
            chosen = precision or ("bfloat16" if read_cpu_flags() & BF16_FLAGS else "float32")
            lines = format_encoder_bench(run_encoder_bench(paths, articles, chosen))
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="PATHS") from None
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


@bench_app.command("startup")
@user_errors
def bench_startup(
    runs: Annotated[int, typer.Option("--runs", help="Runs of each command; the best counts.")] = 5,
    require: RequireOption = None,
) -> None:
    """How fast `newsdesk --version` and `newsdesk stats` start: the best of several runs."""
    from newsdesk.bench.startup import format_startup_bench, run_startup_bench

    lines = format_startup_bench(run_startup_bench(runs))
    print_figures(lines[:-1], json.loads(lines[-1]), require)


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


# --------------------------------------------------------------------------- keeping: images, secured, keys


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
    print_figures(lines[:-1], json.loads(lines[-1]), require)


# --------------------------------------------------------------------------- the editors' desk: users
