"""How often the language guesser is right on titles and leads (``newsdesk eval language FILE=LANG...``).

Each FILE is a labelled JSON Lines file (``../shared/data/clustering/*.jsonl``) whose articles are all in LANG;
the guess is made from an article's title and lead only (the short text a feed gives), as
:meth:`LanguageGuesser.guess`. An article too short to tell counts as wrong.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsdesk.evaluation.beatitems import json_lines
from newsdesk.ingest.read import LanguageGuesser


@dataclass(frozen=True, slots=True)
class LanguageSetFigures:
    name: str
    expected: str
    texts: int
    right: int
    #: The wrong guesses, most common first (``None``: too short to tell).
    wrong: tuple[tuple[str | None, int], ...]

    @property
    def accuracy(self) -> float:
        return self.right / self.texts if self.texts else 0.0


def titles_and_leads(path: Path) -> list[str]:
    """Each article's title and lead, joined."""
    return [
        " ".join(part for part in (row.get("title") or "", row.get("lead") or "") if part)
        for _, row in json_lines(path)
    ]


def evaluate_language(path: Path, expected: str, guesser: LanguageGuesser) -> LanguageSetFigures:
    texts = titles_and_leads(path)
    guesses = Counter(guesser.guess(text) for text in texts)
    right = guesses.pop(expected, 0)
    wrong = tuple(sorted(guesses.items(), key=lambda item: (-item[1], str(item[0]))))
    return LanguageSetFigures(path.stem, expected, len(texts), right, wrong)


def format_language_figures(figures: list[LanguageSetFigures], seconds: float) -> list[str]:
    """Readable lines, the last one a JSON object: ``SET.accuracy`` and ``min_accuracy``."""
    lines = []
    summary: dict[str, float] = {}
    for entry in figures:
        wrong = ", ".join(f"{language or 'too short'} {count}" for language, count in entry.wrong[:5])
        lines.append(
            f"{entry.name} ({entry.expected}): {entry.right}/{entry.texts} right, accuracy {entry.accuracy:.4f}"
            + (f"; wrong: {wrong}" if wrong else "")
        )
        summary[f"{entry.name}.accuracy"] = round(entry.accuracy, 4)
    total = sum(entry.texts for entry in figures)
    lines.append(f"{total} titles and leads in {seconds:.1f} s ({total / seconds if seconds else 0:.0f}/s)")
    summary["min_accuracy"] = min((round(e.accuracy, 4) for e in figures), default=0.0)
    lines.append(json.dumps(summary, sort_keys=True))
    return lines


def run_language_eval(pairs: list[tuple[Path, str]]) -> list[str]:
    guesser = LanguageGuesser()
    started = time.perf_counter()
    figures = [evaluate_language(path, expected, guesser) for path, expected in pairs]
    return format_language_figures(figures, time.perf_counter() - started)
