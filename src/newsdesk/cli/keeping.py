"""``newsdesk images``, ``secured`` and ``keys``: the image cache and the encrypted content."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newsdesk.desk import Desk
    from newsdesk.keep.caching import CacheReport
    from newsdesk.store.cachedimages import ImageOutcome

from newsdesk.cli.frame import DeskOption, err, now, progress_bar, run_coroutine, user_errors

images_app = typer.Typer(help="The image cache: the desk's own copy of each image.", no_args_is_help=True)
secured_app = typer.Typer(help="Secured content: what the desk keeps encrypted.", no_args_is_help=True)
keys_app = typer.Typer(help="The key ring that encrypts secured content.", no_args_is_help=True)


def seal_formed(desk: Desk) -> None:
    """Bring every formed story's secured value up to date (when the desk has a key ring)."""
    from newsdesk.keep.stage import seal_desk

    seal_desk(desk.settings, desk.store, os.environ, lambda line: err.print(line, markup=False, highlight=False))


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
    from newsdesk.ingest.fetch.client import Fetcher
    from newsdesk.keep.caching import cache_new_images, image_fetch_settings
    from newsdesk.keep.stage import image_cache

    with open_desk(desk, os.environ) as opened:
        keep = opened.settings.keep
        cache = image_cache(opened.settings)

        async def run() -> CacheReport:
            async with Fetcher(image_fetch_settings(opened.settings.fetch, keep)) as fetcher:
                with progress_bar() as progress:
                    task = progress.add_task("caching images", total=None)

                    def done(outcome: ImageOutcome) -> None:
                        progress.advance(task)
                        if outcome.status != "cached":
                            progress.console.print(_image_line(outcome), markup=False, highlight=False)

                    return await cache_new_images(opened.store, fetcher, cache, keep, limit=limit, progress=done)

        report = run_coroutine(run())
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
    from newsdesk.ingest.fetch.client import Fetcher
    from newsdesk.keep.caching import image_fetch_settings, repair_cache, verify_cache
    from newsdesk.keep.stage import image_cache

    with open_desk(desk, os.environ) as opened:
        cache = image_cache(opened.settings)
        with progress_bar() as progress:
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

            repaired = run_coroutine(run())
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
    from newsdesk.desk import open_desk
    from newsdesk.keep.stage import open_secured

    with open_desk(desk, os.environ) as opened:
        payload = open_secured(opened.settings, opened.store, os.environ, record)
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))


@secured_app.command("check")
@user_errors
def secured_check(desk: DeskOption = Path("desk")) -> None:
    """Decrypt every secured value of ours; count them by key, and those secured by another key."""
    from newsdesk.desk import open_desk
    from newsdesk.keep.sealing import value_census
    from newsdesk.keep.stage import desk_keyring

    with open_desk(desk, os.environ) as opened:
        ring = desk_keyring(opened.settings, os.environ)
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
    from newsdesk.keep.stage import add_secured_note

    with open_desk(desk, os.environ) as opened:
        slug = add_secured_note(opened.settings, opened.store, os.environ, story_id, text, actor=actor, now=now())
    typer.echo(f"noted on {slug}")


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
    from newsdesk.keep.stage import desk_keyring, new_iv

    with open_desk(desk, os.environ) as opened:
        ring = desk_keyring(opened.settings, os.environ)
        key_file = opened.settings.keep.key_path(opened.settings.desk)
        with progress_bar() as progress:
            task = progress.add_task("re-encrypting", total=None)
            report = rotate_keys(
                opened.store, key_file, ring, new_secret=secrets.token_bytes(32), ivs=new_iv, now=now,
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
            dropped = retire_old_keys(opened.store, key_file, desk_keyring(opened.settings, os.environ))
            typer.echo(f"retired {len(dropped)} old key(s)" + (f": {', '.join(dropped)}" if dropped else ""))


# --------------------------------------------------------------------------- publishing: the site, the newsletter
