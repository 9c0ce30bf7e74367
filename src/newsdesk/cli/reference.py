"""Every command's ``--help``, as Markdown for the reference part of ``docs/cli.md`` (written there by cog:
``make docs``; a test checks that it is current)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main
from typer.testing import CliRunner

#: The help is rendered this wide, whatever the terminal, so the page is the same everywhere.
WIDTH = 100


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command's words after ``newsdesk``, groups before their commands, in ``--help``'s order."""
    for name, command in group.commands.items():
        if command.hidden:
            continue
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from command_paths(command, (*prefix, name))


def help_text(words: tuple[str, ...]) -> str:
    """``newsdesk WORDS --help`` as it prints, ``WIDTH`` columns wide, without colour."""
    from newsdesk.cli import app

    env = {"COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner().invoke(app, [*words, "--help"], env=env, prog_name="newsdesk")
    if result.exit_code != 0:
        raise RuntimeError(f"newsdesk {' '.join(words)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")


def markdown_reference() -> str:
    """A section per command: its ``--help`` in a text block."""
    from newsdesk.cli import app

    parts = []
    for words in [(), *command_paths(typer.main.get_command(app))]:
        title = " ".join(("newsdesk", *words))
        parts.append(f"### `{title}`\n\n```text\n{help_text(words)}\n```\n")
    return "\n" + "\n".join(parts) + "\n"
