"""The source tree as ``docs/architecture.md`` draws it: the layers of ``make lint``'s contract, then every
package and module with the first sentence of its docstring (written there by cog: ``make docs``; a test checks
that it is current).

Read from the tree and ``pyproject.toml`` as they are, so the page cannot drift from the code: a module without a
docstring shows as such, a new top-level package missing from the layers fails ``make lint``.
"""

from __future__ import annotations

import ast
import re
import textwrap
import tomllib
from pathlib import Path

#: Columns of the drawing; a description longer than the line wraps under itself.
WIDTH = 118
#: Where descriptions start, counted from the name's indentation.
NAME_COLUMN = 19
#: Folders summarised by a count rather than listed (one file per schema change).
SUMMARISED = {"versions": "Alembic migrations, one per schema change"}


def first_sentence(docstring: str) -> str:
    """The docstring's first sentence (of its first paragraph), with reStructuredText's double backquotes made
    single."""
    paragraph = " ".join(docstring.strip().split("\n\n", 1)[0].split())
    match = re.search(r"(?<![.]e\.g)(?<!\bi\.e)(?<!\.)\.(?=\s|$)", paragraph)
    sentence = paragraph[: match.start()] if match else paragraph
    return sentence.replace("``", "`")


def _docstring(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return first_sentence(doc) if doc else "(no docstring)"


def _line(indent: int, name: str, description: str) -> list[str]:
    head = " " * indent + name
    column = indent + NAME_COLUMN
    if len(head) >= column:
        head += " "
    head = head.ljust(column)
    return textwrap.wrap(description, WIDTH, initial_indent=head, subsequent_indent=" " * column) or [head.rstrip()]


def _is_package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file()


def _folder(path: Path, indent: int) -> list[str]:
    lines: list[str] = []
    modules = sorted(p for p in path.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    for module in modules:
        lines += _line(indent, module.name, _docstring(module))
    for sub in sorted(p for p in path.iterdir() if _is_package(p)):
        if sub.name in SUMMARISED:
            count = len([p for p in sub.glob("*.py") if p.name != "__init__.py"])
            lines += _line(indent, f"{sub.name}/", f"{count} {SUMMARISED[sub.name]}")
            continue
        init = sub / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        lines += _line(indent, f"{sub.name}/", first_sentence(doc) if doc else "")
        lines += _folder(sub, indent + 2)
    return lines


def module_map(package: Path) -> str:
    """Every module and package under ``package`` (``src/newsdesk``): top-level modules, then each package with
    its modules and sub-packages, alphabetical, each with its docstring's first sentence."""
    return "\n".join([f"src/{package.name}/", *_folder(package, 2)])


def layers_drawing(pyproject: Path, package: Path) -> str:
    """The layers contract of ``pyproject.toml`` drawn top to bottom: a layer imports only the layers below it;
    what sits side by side (``|``) does not import each other. Packages end in ``/``, modules in ``.py``."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers"]

    def named(part: str) -> str:
        return f"{part}/" if (package / part).is_dir() else f"{part}.py"

    rows = [" │ ".join(named(part.strip()) for part in layer.split("|")) for layer in layers["layers"]]
    width = max(len(row) for row in rows) + 4
    out = ["┌" + "─" * width + "┐"]
    for k, row in enumerate(rows):
        out.append("│" + row.center(width) + "│")
        if k < len(rows) - 1:
            out.append("│" + "▼".center(width) + "│")
    out.append("└" + "─" * width + "┘")
    return "\n".join(out)
