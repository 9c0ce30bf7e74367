"""``newsdesk serve``, ``run`` and ``demo``: the web app, alone or with the fetch loop."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newsdesk.desk import Desk

from newsdesk.cli.desk import furnish
from newsdesk.cli.frame import LOADING_MODEL, DeskOption, app, err, now, run_coroutine, user_errors


@app.command()
@user_errors
def serve(
    desk: DeskOption = Path("desk"),
    host: Annotated[str | None, typer.Option("--host", help="Listen on this address (default: web.host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Listen on this port (default: web.port).")] = None,
) -> None:
    """Serve the reader site, the JSON API (docs at /api/docs), feeds and sitemaps."""
    import uvicorn

    from newsdesk.clock import SystemClock
    from newsdesk.desk import open_desk
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
    from newsdesk.clock import SystemClock
    from newsdesk.encoder.embed import MiniLM, desk_encoder
    from newsdesk.running import RunningDesk, desk_keeping
    from newsdesk.web.app import create_app

    web = opened.settings.web
    host, port = host or web.host, port or web.port
    clock = SystemClock()

    def report(line: str) -> None:
        err.print(line, markup=False, highlight=False)

    def embedder() -> MiniLM:
        report(f"{LOADING_MODEL} ...")
        return desk_encoder(opened.settings.embedding)

    keeping = desk_keeping(opened, os.environ, report)
    running = RunningDesk(
        opened,
        clock,
        embedder,
        host=host,
        port=port,
        round_seconds=round_seconds,
        report=report,
        after_formation=keeping.after_formation,
        cache_images=keeping.cache_images,
    )
    typer.echo(f"{opened.settings.site.title}: http://{host}:{port}/ {hint}; Ctrl-C stops", err=True)
    run_coroutine(running.serve(create_app(opened.settings.serving_at(host, port), opened.store, clock)))


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
            furnish(opened)
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
    outlets = newsroom(now())
    with opened, serve_newsroom(outlets, newsroom_port) as feeds:
        with opened.store.transaction() as conn:
            for url, outlet in zip(feeds, outlets, strict=True):
                add_source(conn, Source(url=url, kind="feed", title=outlet.name, interval=900), now=now())
        report = furnish(opened, now())
        if created:
            typer.echo(f"created demo desk {desk}: {report.topics} topics, {len(feeds)} outlets on 127.0.0.x")
        hint = f"fills in within a minute or two (editors: `newsdesk users add NAME --desk {desk}`, then /desk/)"
        _serve_desk(opened, host, port, 10.0, hint)
    typer.echo("stopped; everything fetched so far is stored")
