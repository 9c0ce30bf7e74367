"""Keyword rules: a taxonomy's phrases found in an article's text, with word boundaries and case rules.

Pure. How a phrase from a topic file is matched:

- **Word boundaries.** A match is never part of a longer word: ``AI`` is not found in "OpenAI", "said" or
  "AIDS", but is in "AI-generated" and "AI's".
- **Hyphens and spaces** between words are the same ("self-driving" finds "self driving"); a lowercase phrase's
  last word may take a plural ending ("robot" finds "robots").
- **Case.** A phrase of several words, or one lowercase word, ignores case ("facial recognition" finds
  "Facial Recognition"). A single word written with capitals is a name and is matched as written or in
  capitals only ("Meta" finds "Meta" and "META", not "meta"; "Watson" not "watson"). A short lowercase word
  (three characters at most: ``ai``, ``ml``, ``aws``) is an acronym and is matched in capitals only, so
  "Ai Weiwei" is not AI.
- **Dotted acronyms.** An acronym of two or three capitals also finds its dotted form: ``AI`` finds "A.I.".
- **Shouting.** In a text written in capitals only the case-blind phrases count (a shouted "AGI" is a news
  agency, not AGI).

Each hit keeps its context (a few words either side) so the judge can say why it decided what it did.
Where phrases overlap, the longest wins ("AI chip" rather than "AI").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Characters either side of a hit kept as its context.
CONTEXT_CHARS = 40
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": " ", "’": "'", "‘": "'", "\u00a0": " "})
_SEPARATOR = r"[\s\-]+"
_BOUNDARY_BEFORE = r"(?<![^\W_])"
_BOUNDARY_AFTER = r"(?![^\W_])"
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase to find and who gave it: ``(topic id, kind)`` pairs, kind ``keyword`` or ``context``."""

    text: str
    owners: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a phrase was found."""

    phrase: Phrase
    #: ``title`` or ``text``.
    field: str
    start: int
    end: int
    #: The matched words and a few either side, on one line.
    context: str
    #: Whether the phrase is matched ignoring case (see the module's rules).
    case_blind: bool = True


def normalise(text: str) -> str:
    """Typographic dashes and quotes as plain ones, so phrases match however the outlet typeset them."""
    return text.translate(_DASHES)


def phrase_pattern(phrase: str) -> tuple[str, bool]:
    """The regular expression for one phrase and whether it ignores case (see the module's rules)."""
    words = normalise(phrase).split()
    if not words:
        raise ValueError("empty phrase")
    single = len(words) == 1 and "-" not in words[0]
    letters = "".join(c for c in words[0] if c.isalpha())
    if single and words[0].islower() and 0 < len(letters) <= 3:
        words = [words[0].upper()]
    if single and not words[0].islower():
        word = words[0]
        forms = {re.escape(word), re.escape(word.upper())}
        bare = word.replace(".", "")
        if bare.isupper() and bare.isalpha() and 2 <= len(bare) <= 3:
            # "A.I." or "A.I", but not the start of "A.I.G."
            forms.add(r"\.".join(bare) + r"(?:\.(?![^\W_])|(?![.\w]))")
            forms.add(re.escape(bare))
        body = "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"
        return _BOUNDARY_BEFORE + body + _BOUNDARY_AFTER, False
    parts = [_SEPARATOR.join(re.escape(piece) for piece in word.split("-") if piece) for word in words]
    body = _SEPARATOR.join(parts)
    last = words[-1]
    if last.isalpha() and last.islower() and len(last) >= 3:
        body += "(?:s|es)?"
    return _BOUNDARY_BEFORE + body + _BOUNDARY_AFTER, True


class PhraseMatcher:
    """Finds many phrases at once.

    Each phrase has its own regular expression, tried only when the text holds the phrase's first word (or that
    word with a plural ending), so a text costs one pass to list its words plus the few phrases it can hold.
    """

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        merged: dict[tuple[str, bool], Phrase] = {}
        for phrase in phrases:
            if not _WORDS.search(phrase.text):
                continue
            pattern, blind = phrase_pattern(phrase.text)
            key = (pattern, blind)
            if key in merged:
                old = merged[key]
                merged[key] = Phrase(old.text, tuple(dict.fromkeys(old.owners + phrase.owners)))
            else:
                merged[key] = phrase
        self._by_trigger: dict[str, list[tuple[re.Pattern[str], bool, Phrase]]] = {}
        for (pattern, blind), phrase in merged.items():
            compiled = re.compile(pattern, re.IGNORECASE if blind else 0)
            for trigger in _triggers(phrase.text):
                self._by_trigger.setdefault(trigger, []).append((compiled, blind, phrase))

    def find(self, text: str, field: str) -> list[Hit]:
        """Every hit in ``text``, in order; where hits overlap, the one starting first (then the longest) wins.

        In a text written in capitals (:func:`shouted`) only case-blind phrases count: there a name or an acronym
        cannot be told from any other word.
        """
        text = normalise(text)
        loud = shouted(text)
        words = set(_WORDS.findall(text.lower()))
        for word in list(words):
            if word.endswith("s") and len(word) > 3:
                words.add(word[:-1])
                if word.endswith("es"):
                    words.add(word[:-2])
        hits: list[Hit] = []
        for trigger in words & self._by_trigger.keys():
            for regex, blind, phrase in self._by_trigger[trigger]:
                if loud and not blind:
                    continue
                for match in regex.finditer(text):
                    start, end = match.start(), match.end()
                    hits.append(Hit(phrase, field, start, end, _context(text, start, end), blind))
        hits.sort(key=lambda h: (h.start, -h.end, h.phrase.text))
        kept: list[Hit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        return kept


def shouted(text: str) -> bool:
    """Whether the text is written in capitals (most of its letters, and enough of them to tell)."""
    letters = sum(map(str.isalpha, text))  # counted in C: a page's text is long
    return letters >= 12 and sum(map(str.isupper, text)) > 0.8 * letters


def _triggers(phrase: str) -> set[str]:
    """The lowercased words whose presence in a text means the phrase may be there: its first word, and for an
    acronym (which may be written "A.I.") its first letter too."""
    words = _WORDS.findall(normalise(phrase).lower())
    if not words:
        return set()
    found = {words[0]}
    bare = "".join(words)
    if len(phrase.split()) == 1 and 2 <= len(bare) <= 3 and bare.isalpha():
        found.add(bare[0])
    return found


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    if start - CONTEXT_CHARS > 0 and " " in left:
        left = "…" + left.split(" ", 1)[1]
    if end + CONTEXT_CHARS < len(text) and " " in right:
        right = right.rsplit(" ", 1)[0] + "…"
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


def phrases_of(owned: Sequence[tuple[str, str, Sequence[str]]]) -> list[Phrase]:
    """Phrases from ``(topic id, kind, phrases)`` triples."""
    return [Phrase(text, ((topic_id, kind),)) for topic_id, kind, texts in owned for text in texts]


def short_quote(text: str, limit: int = 60) -> str:
    """``text`` quoted for evidence lines, cut to ``limit`` characters with an ellipsis."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
