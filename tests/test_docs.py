"""The docs promise what the code does: every command, option and setting is documented."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import typer
import typer.main

from newsdesk.cli import app
from newsdesk.settings import Settings, render_settings
from tests.support.paths import REPO

DOCS = REPO / "docs"


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_readme_opens_with_the_two_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["make run", "make test"]


def test_every_command_and_option_is_in_the_cli_docs() -> None:
    # The prose sections, not the reference written from --help below them.
    text = (DOCS / "cli.md").read_text(encoding="utf-8").split("## Reference: every command's `--help`")[0]
    root = typer.main.get_command(app)
    for name, command in _commands(root).items():
        assert f"## `newsdesk {name}" in text, name
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in text, f"{name} {option}"


def test_every_setting_is_documented_and_written_by_init() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    template = render_settings()
    for section in dataclasses.fields(Settings):
        if section.name == "desk":
            continue
        assert callable(section.default_factory)
        section_type = section.default_factory()
        assert f"[{section.name}]" in template
        for key in dataclasses.fields(section_type):
            assert f"`{section.name}.{key.name}`" in text, key.name
            assert re.search(rf"^{key.name} = ", template, re.MULTILINE), key.name


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "src").rglob("*.py"))
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py"))
    for name in set(re.findall(r"NEWSDESK_[A-Z_]+", source + tests)):
        assert f"`{name}" in text, name


def test_the_cli_reference_is_what_the_commands_print() -> None:
    """docs/cli.md's reference part is written by cog from every command's --help (``make docs``)."""
    from cogapp import Cog

    status = Cog().main(["cog", "--check", str(DOCS / "cli.md")])
    assert status == 0, "docs/cli.md is not current: run `make docs`"


def test_the_architecture_page_draws_the_tree_as_it_is() -> None:
    """docs/architecture.md's layers and module map are written by cog from pyproject's contract and every
    module's docstring (``make docs``); every module of the package is named there."""
    from cogapp import Cog

    status = Cog().main(["cog", "--check", str(DOCS / "architecture.md")])
    assert status == 0, "docs/architecture.md is not current: run `make docs`"
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    package = REPO / "src" / "newsdesk"
    for module in package.rglob("*.py"):
        if module.name in {"__init__.py", "__main__.py"} or module.parent.name == "versions":
            continue
        assert f"  {module.name} " in page, f"{module.relative_to(package)} is not on docs/architecture.md"
