"""``newsdesk records``: story record files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.frame import user_errors

records_app = typer.Typer(help="Story record files.", no_args_is_help=True)


@records_app.command("check")
@user_errors
def records_check(
    paths: Annotated[list[Path], typer.Argument(help="Record files, or directories of them.")],
) -> None:
    """Read and rewrite each record in memory; list those that do not come back byte for byte."""
    from newsdesk.record.file import RecordError, roundtrip_difference
    from newsdesk.record.tree import read_capped, record_paths

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
