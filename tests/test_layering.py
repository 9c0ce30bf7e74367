"""The import contracts of ``make lint`` (import-linter, pyproject's ``[tool.importlinter]``): they hold on the
tree, and each one catches a violation planted in a copy of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.support.paths import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_layering_holds_and_each_contract_catches_a_planted_violation(tmp_path: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "src" / "newsdesk", tmp_path / "src" / "newsdesk", ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    clean = _lint(tmp_path)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert "0 broken" in clean.stdout
    package = tmp_path / "src" / "newsdesk"
    # A parser that reads the database, the store reaching for the key ring, and a circle between two packages.
    (package / "ingest" / "sources" / "planted.py").write_text("from newsdesk.store import schema\n", encoding="utf-8")
    (package / "store" / "planted.py").write_text("from newsdesk.keep import keyring\n", encoding="utf-8")
    (package / "planted_a.py").write_text("import newsdesk.planted_b\n", encoding="utf-8")
    (package / "planted_b.py").write_text("import newsdesk.planted_a\n", encoding="utf-8")
    # Reaching past a face into the reader's own modules.
    (package / "web" / "planted.py").write_text("from newsdesk.ingest.read.page import read_page\n", encoding="utf-8")
    # A pure module reaching the store through its stage's store-facing module.
    with (package / "stories" / "model.py").open("a", encoding="utf-8") as model:
        model.write("\nfrom newsdesk.stories import stage as _planted_stage  # noqa\n")
    broken = _lint(tmp_path)
    assert broken.returncode == 1
    out = " ".join(broken.stdout.split())
    assert "No circles between the packages and modules of newsdesk BROKEN" in out
    assert (
        "Pure cores (parsing, reading, stories, judging, publishing) never touch the store, the web or the network"
        in out
    )
    assert "it imports no stage (no cryptography, no fetching, no web) BROKEN" in out
    assert "Pure modules never import a stage's store-facing module BROKEN" in out
    assert "The layers of docs/architecture.md: a layer imports only the layers below it BROKEN" in out
    assert "Page reading is imported through newsdesk.ingest.read's face BROKEN" in out
    assert out.count("BROKEN") == 6
    assert "newsdesk.web.planted -> newsdesk.ingest.read.page" in out
    assert "newsdesk.stories.model -> newsdesk.stories.stage" in out
    assert "newsdesk.ingest.sources.planted -> newsdesk.store" in out
    assert "newsdesk.store.planted -> newsdesk.keep" in out


def test_every_pure_module_of_a_stage_is_under_the_contract() -> None:
    """The contract that keeps pure modules from a stage's store-facing ``stage`` module names them one by one;
    a module added to ``stories/``, ``judge/`` or ``encoder/`` must be named there too."""
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in contracts["contracts"] if c["id"] == "pure-modules-import-no-stage"]
    listed = set(contract["source_modules"])
    package = REPO / "src" / "newsdesk"
    missing = []
    for folder in ("stories", "judge"):
        for module in sorted((package / folder).glob("*.py")):
            name = f"newsdesk.{folder}.{module.stem}"
            if module.stem not in {"__init__", "stage"} and name not in listed:
                missing.append(name)
    assert missing == []
    assert {"newsdesk.encoder", "newsdesk.publish", "newsdesk.ingest.read", "newsdesk.ingest.sources"} <= listed


#: An import of a test module: relative (``from .test_x``) or by name, at any depth (``tests.web.test_site``).
TEST_IMPORT = re.compile(r"\s*(from\s+\.+\s*test_\w*|from\s+tests\.(\w+\.)*test_\w*|import\s+tests\.(\w+\.)*test_)")


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in tests/support/; a test module imports helpers, never another test module."""
    offenders = []
    for module in sorted((REPO / "tests").rglob("*.py")):
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
            if TEST_IMPORT.match(line):
                offenders.append(f"{module.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
