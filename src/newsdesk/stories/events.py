"""What tells one happening from another of the same kind: the event evidence of an article.

Topic similarity says two articles are about the same people or the same kind of thing; it cannot tell
Tuesday's shooting from Friday's in the same city, or two rehab stays of one celebrity years apart. What
can is what the text says about the happening itself, read here with regular expressions from the title,
the lead and the text's first words (computed once per article, cheap):

- **days**: dates the text mentions, resolved to calendar days against the publication date where the text
  leaves the year or the week out ("Tuesday", "yesterday", "March 3", "3 March 2015");
- **places**: the dateline's town, places after *in*/*near*/*outside*/*at*, street blocks, roads, counties;
- **numbers**: ages ("23-year-old"), counts of people (three killed, 12 injured), amounts of money, clock times;
- **quotes**: word shingles of quoted phrases (two reports of one happening quote the same words);
- **links**: addresses in the text and the article's own, normalised (two reports citing one source).

Days, places and numbers are *two-sided*: when both an article and a story mention some, either some agree
(the same happening, most likely) or none does (a different one). Quotes and links are *one-sided*: sharing
one is strong evidence, not sharing one says little. Evidence a side lacks drops out: an article with no
dates is neither for nor against a story with dates.

Items are kept twice: readable (for ``newsdesk story ID`` to say what was shared) and as 64-bit keys, the
kind in the top bits, that a story's profile holds as one set. A day is matched within one day either way
(time zones, "late Monday" reported on Tuesday): the article's query keys hold each day and its neighbours.
Pure and deterministic.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from newsdesk.stories import events_pt
from newsdesk.stories.mentions import dateline, in_order, news_day, resolve_day

#: The kinds of evidence, in the order of :attr:`EventEvidence.items`.
KINDS = ("days", "places", "numbers", "quotes", "links")
#: Kinds that count against a story when both sides have some and none agrees.
TWO_SIDED = ("days", "places", "numbers")
#: How many words of the text are read after the title and the lead.
TEXT_WORDS = 100
#: At most this many items of one kind are kept per article (the first found).
MAX_ITEMS = 24
_QUOTE_SHINGLE = 4
LINKS = KINDS.index("links")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_NUMBER_WORDS = {
    word: i
    for i, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_MONTH_DAY = re.compile(
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)([a-z]*)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:\s?,?\s+(\d{4})\b)?"
)
#: Everything that starts with a digit, in one pass: a day before its month, an ISO date, an age, a street
#: block, a clock time.
_DIGITS = re.compile(
    r"(\d{1,6})(?:"
    r"(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Z][a-z]+)\.?(?:\s?,?\s+(\d{4})\b)?"
    r"|-(\d\d)-(\d\d)\b"
    r"|(\s?-\s?years?\s?-\s?old)\b"
    r"|\s+block\s+of\s+((?:[A-Z0-9]\w*[ \t]?){1,4})"
    r"|(?::(\d\d))?\s?([ap])\.?\s?m\b"
    r")"
)
_WEEKDAY = re.compile(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
_YESTERDAY = re.compile(r"yesterday|last night")
_URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_PLACE_AFTER = re.compile(r" (?:in|near|outside|at)[ \t]+(?:the[ \t]+)?([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})")
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'’ -]{2,30}[A-Z])\b(?:\s*,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)?\s*(?:\([^)]{1,40}\)\s*)?[—–-]"
)
_ROAD = re.compile(
    r" (Street|Avenue|Road|Boulevard|Drive|Lane|Parkway|Highway|County|Park|Mall|School|Church|Hospital|Airport|"
    r"Station)\b"
)
_NOT_PLACE = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "his",
        "her",
        "their",
        "its",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "police",
        "officers",
        "least",
        "first",
        "last",
        "some",
        "all",
        "about",
    ]
)
_AGE_WORD = re.compile(r"aged?\s+(\d{1,3})\b|, (\d{1,2}), ")
_PEOPLE = re.compile(
    r" (people|persons|men|women|children|kids|teens|teenagers|victims|dead|killed|injured|wounded|hurt|deaths|"
    r"bodies|officers|students|soldiers|passengers)\b"
)
_MONEY = re.compile(r"[$£€]\s?(\d[\d,.]*)(?:\s?(million|billion|trillion|bn|m|k)\b)?", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“”]([^\"“”\n]{12,400})[\"“”]")
_QUOTE_WORD = re.compile(r"[a-z0-9']+")
_KIND_BITS = 56


@dataclass(frozen=True, slots=True)
class EventEvidence:
    """One article's event evidence: readable items per kind, and the keys they match with."""

    #: Per kind (in :data:`KINDS` order): the readable items, in order of first mention.
    items: tuple[tuple[str, ...], ...]
    #: Per kind: the keys this article adds to its story's profile.
    keys: tuple[frozenset[int], ...]
    #: Per kind: the keys looked up in a story's profile (days with their neighbours).
    query: tuple[frozenset[int], ...]

    @property
    def empty(self) -> bool:
        return not any(self.items)

    def kind(self, name: str) -> tuple[str, ...]:
        return self.items[KINDS.index(name)]


def key(kind: int, value: str) -> int:
    """The 64-bit key of one item: the kind in the top bits, a CRC-32 of the value below."""
    return (kind << _KIND_BITS) | zlib.crc32(value.encode("utf-8"))


def _day_key(day: int) -> int:
    return (0 << _KIND_BITS) | day


def _weekday(name: str, before: str, day: date) -> date:
    """A weekday named in a text published on ``day``: the latest one not after it, or the next one."""
    weekday = _WEEKDAYS[name]
    previous = before[-6:].lower()
    if previous.endswith("next "):
        return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)
    back = (day.weekday() - weekday) % 7
    if previous.endswith("last ") and back == 0:
        back = 7
    return day - timedelta(days=back)


def mentioned_days(text: str, published: datetime | None) -> list[date]:
    """The calendar days the text mentions, in order: explicit dates, and weekdays/"yesterday" against ``published``."""
    return _scan(text, published)[0]


def numbers(text: str) -> list[str]:
    """Ages, counts of people, amounts of money and clock times, normalised (``age 23``, ``3 killed``, ``1:15am``)."""
    return _scan(text, None)[2]


def places(lead: str, text: str) -> list[str]:
    """Places the text names: the dateline's town, names after in/near/outside/at, blocks, roads, counties."""
    return _scan(text, None, lead)[1]


def _scan(text: str, published: datetime | None, lead: str = "") -> tuple[list[date], list[str], list[str]]:
    """Days, places and numbers of the text, each in order of first mention (one pass per pattern)."""
    day = news_day(published.date() if published is not None else None)
    days: list[tuple[int, date]] = []
    place_list: list[tuple[int, str]] = []
    number_list: list[tuple[int, str]] = []
    for match in _MONTH_DAY.finditer(text):
        month = _MONTHS.get((match.group(1) + match.group(2)).lower())
        if month is None:
            continue
        year = int(match.group(4)) if match.group(4) else None
        resolved = resolve_day(month, int(match.group(3)), year, day)
        if resolved is not None:
            days.append((match.start(), resolved))
    for match in _DIGITS.finditer(text):
        first, start = match.group(1), match.start()
        if start and text[start - 1].isalnum():
            continue
        value = int(first)
        if match.group(2) is not None:
            month = _MONTHS.get(match.group(2).lower())
            if month is not None:
                year = int(match.group(3)) if match.group(3) else None
                resolved = resolve_day(month, value, year, day)
                if resolved is not None:
                    days.append((start, resolved))
        elif match.group(4) is not None:
            resolved = resolve_day(int(match.group(4)), int(match.group(5)), value, day)
            if resolved is not None:
                days.append((start, resolved))
        elif match.group(6) is not None:
            if 0 < value < 120:
                number_list.append((start, f"age {value}"))
        elif match.group(7) is not None:
            place_list.append((start, f"{value} block of {' '.join(match.group(7).lower().split())}"))
        elif match.group(9) is not None and 1 <= value <= 12:
            number_list.append((start, f"{value}:{match.group(8) or '00'}{match.group(9).lower()}m"))
    if day is not None:
        for match in _WEEKDAY.finditer(text):
            days.append((match.start(), _weekday(match.group(0).lower(), text[: match.start()], day)))
        lower = text.lower()
        days.extend((m.start(), day - timedelta(days=1)) for m in _YESTERDAY.finditer(lower))
    for match in _AGE_WORD.finditer(text):
        age = int(match.group(1) or match.group(2))
        if 0 < age < 120:
            number_list.append((match.start(), f"age {age}"))
    for match in _PEOPLE.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()].split()[-2:]
        for word in reversed(before):
            count = _number(word.strip(",."))
            if count is not None:
                number_list.append((match.start(), f"{count} {match.group(1)}"))
                break
    if "$" in text or "£" in text or "€" in text:
        for match in _MONEY.finditer(text):
            amount = match.group(1).replace(",", "").rstrip(".")
            unit = (match.group(2) or "").lower()
            number_list.append((match.start(), f"${amount}{' ' + unit if unit else ''}"))
    if (town := dateline(_DATELINE, lead, text)) is not None:
        place_list.append((-1, town))
    for match in _ROAD.finditer(text):
        words = text[max(0, match.start() - 40) : match.start()].split()[-3:]
        while words and not (words[0][:1].isupper() and words[0].isalpha()):
            words.pop(0)
        if words and all(w[:1].isupper() and w.isalpha() for w in words):
            place_list.append((match.start(), " ".join([*words, match.group(1)]).lower()))
    for match in _PLACE_AFTER.finditer(text):
        words = match.group(1).lower().split()
        while words and words[0] in _NOT_PLACE:
            words.pop(0)
        while words and words[-1] in _NOT_PLACE:
            words.pop()
        if words:
            place_list.append((match.start(), " ".join(words)))
    return in_order(days), in_order(place_list), in_order(number_list)


def _number(word: str) -> int | None:
    word = word.lower()
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 4 else None


def quotes(text: str) -> list[str]:
    """Shingles of four words of each quoted phrase of four words or more, lowercased."""
    out: list[str] = []
    for match in _QUOTE.finditer(text):
        words = _QUOTE_WORD.findall(match.group(1).lower())
        for i in range(len(words) - _QUOTE_SHINGLE + 1):
            out.append(" ".join(words[i : i + _QUOTE_SHINGLE]))
    return list(dict.fromkeys(out))


def normal_link(url: str) -> str | None:
    """An address as host and path (lowercased host without ``www.``, no scheme, query, fragment or final
    slash); ``None`` for a site's home page, which says nothing about one happening."""
    rest = url.split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.").partition(":")[0].rstrip(".,;")
    path = path.rstrip("/.,;:)")
    if not host or not path:
        return None
    return f"{host}/{path}"


def links(text: str, own: str | None, linked: Iterable[str]) -> list[str]:
    """The article's own address and the addresses it links to or names in its text, normalised."""
    found = [own] if own else []
    found += list(linked)
    if "http" in text:
        found += _URL.findall(text)
    out = (normal_link(u) for u in found)
    return list(dict.fromkeys(u for u in out if u))


def evidence(
    title: str,
    lead: str,
    text: str,
    published: datetime | None,
    url: str | None = None,
    linked: Iterable[str] = (),
    text_words: int = TEXT_WORDS,
    language: str | None = None,
) -> EventEvidence:
    """The event evidence of one article (see the module's description); days, places and numbers are read in
    the article's ``language`` where newsdesk has a reader for it (English, Portuguese: :mod:`events_pt`), in
    English otherwise."""
    words = text.split(maxsplit=text_words)[:text_words]
    body = " ".join(words)
    # A text that starts with the lead holds it already.
    read = f"{title}\n{body}" if lead and body.startswith(lead[:40]) else f"{title}\n{lead}\n{body}"
    without_links = _URL.sub(" ", read) if "http" in read else read
    scan = _SCANNERS.get((language or "en").split("-", 1)[0].lower(), _scan)
    found_days, found_places, found_numbers = scan(without_links, published, lead)
    items = (
        tuple(d.isoformat() for d in found_days[:MAX_ITEMS]),
        tuple(found_places[:MAX_ITEMS]),
        tuple(found_numbers[:MAX_ITEMS]),
        tuple(quotes(without_links)[:MAX_ITEMS]),
        tuple(links(text, url, linked)[:MAX_ITEMS]),
    )
    ordinals = [date.fromisoformat(d).toordinal() for d in items[0]]
    keys = [frozenset(_day_key(o) for o in ordinals)]
    query = [frozenset(_day_key(o + shift) for o in ordinals for shift in (-1, 0, 1))]
    for kind in range(1, len(KINDS)):
        kind_keys = frozenset(key(kind, value) for value in items[kind])
        query.append(kind_keys)
        keys.append(kind_keys)
    # A story keeps the links its members cite, not their own addresses: an article citing a member is
    # found by the clusterer's own link lookup, and every story holding its members' addresses would cost a
    # set per story for nothing.
    own = normal_link(url) if url else None
    if own is not None:
        keys[LINKS] = keys[LINKS] - {key(LINKS, own)}
    return EventEvidence(items, tuple(keys), tuple(query))


#: Readers of days, places and numbers in other languages than English, by primary language subtag.
_SCANNERS = {"pt": events_pt.scan}


def shared_items(evidence: EventEvidence, profile: frozenset[int] | set[int]) -> dict[str, tuple[str, ...]]:
    """The article's items (readable, by kind) that the story's profile also holds; kinds with none left out."""
    out: dict[str, tuple[str, ...]] = {}
    for kind, name in enumerate(KINDS):
        if kind == 0:
            found = tuple(
                d
                for d in evidence.items[0]
                if any(_day_key(date.fromisoformat(d).toordinal() + s) in profile for s in (-1, 0, 1))
            )
        else:
            found = tuple(v for v in evidence.items[kind] if key(kind, v) in profile)
        if found:
            out[name] = found
    return out
