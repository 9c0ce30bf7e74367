"""`newsdesk eval language`: the guesser's accuracy per labelled file, and bad input named in one line."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.evaluation.language import evaluate_language
from newsdesk.ingest.read.langid import LanguageGuesser
from tests.support.commandline import newsdesk


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_each_file_is_scored_against_its_language_and_wrong_guesses_are_listed(tmp_path: Path) -> None:
    rows = [
        {"title": "Senado aprova reforma da Previdência", "lead": "A votação terminou tarde da noite em Brasília."},
        {"title": "Avião cai no Congo e morrem 17 pessoas", "lead": "Um acidente aéreo matou todos a bordo."},
        {"title": "Parliament passes the budget", "lead": "Lawmakers voted late into the night."},
        {"title": "OK", "lead": ""},
    ]
    figures = evaluate_language(_write(tmp_path / "set.jsonl", rows), "pt", LanguageGuesser())
    assert (figures.texts, figures.right) == (4, 2)
    assert dict(figures.wrong) == {"en": 1, None: 1}
    assert figures.accuracy == 0.5


def test_the_command_pins_the_worst_file_and_names_bad_input(tmp_path: Path) -> None:
    good = _write(tmp_path / "pt.jsonl", [{"title": "Senado aprova reforma", "lead": "A votação foi em Brasília."}])
    code, out, err = newsdesk("eval", "language", f"{good}=pt", "--require", "min_accuracy=0.98")
    assert code == 0, err
    assert json.loads(out.splitlines()[-1]) == {"min_accuracy": 1.0, "pt.accuracy": 1.0}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x"}\nnot json\n', encoding="utf-8")
    assert (
        newsdesk("eval", "language", f"{bad}=pt")[2].strip() == f"error: {bad}:2: not JSON: Expecting value (column 1)"
    )
    assert (
        newsdesk("eval", "language", str(bad))[2].strip() == f"error: {bad}: expected FILE=LANG, e.g. cstnews.jsonl=pt"
    )
    missing = tmp_path / "missing.jsonl"
    assert newsdesk("eval", "language", f"{missing}=pt")[2].strip() == f"error: {missing}: no such file"
