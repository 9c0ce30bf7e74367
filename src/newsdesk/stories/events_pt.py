"""Event evidence read from Portuguese text: days, places and numbers as :mod:`newsdesk.stories.events` reads
them from English (quotes and links are read the same way in every language, there).

- **days**: "15 de março (de 2007)", "15/3/2007", weekdays ("terça-feira", "sábado") and "ontem"/"anteontem",
  resolved against the publication date as in English;
- **places**: names after *em*, *no*, *na*, *nos*, *nas* ("em Bukavu", "no Rio de Janeiro"), the dateline's town;
- **numbers**: ages ("de 23 anos"), counts of people ("17 pessoas", "três mortos"), amounts of money ("R$ 1,2
  milhão", "US$ 300 mil"), percentages ("44%"), clock times ("15h30").

Pure, regular expressions only; the same item spellings as English where the two agree (``age 23``), so a
story's evidence reads alike in ``newsdesk story ID``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from newsdesk.stories.mentions import dateline, in_order, news_day, resolve_day

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ),
        start=1,
    )
}
_WEEKDAYS = {"segunda": 0, "terça": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sábado": 5, "domingo": 6}
_NUMBER_WORDS = {
    word: i
    for i, word in enumerate(
        [
            "zero",
            "um",
            "dois",
            "três",
            "quatro",
            "cinco",
            "seis",
            "sete",
            "oito",
            "nove",
            "dez",
            "onze",
            "doze",
            "treze",
            "catorze",
            "quinze",
            "dezesseis",
            "dezessete",
            "dezoito",
            "dezenove",
            "vinte",
        ]
    )
}
_NUMBER_WORDS.update({"uma": 1, "duas": 2, "quatorze": 14, "dezasseis": 16, "dezassete": 17, "dezanove": 19})
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})º?\s+de\s+(janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|"
    r"dezembro)(?:\s+de\s+(\d{4}))?",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")
_WEEKDAY = re.compile(r"\b(segunda|terça|quarta|quinta|sexta)(?:-feira)?\b|\b(sábado|domingo)\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\b(anteontem|ontem)\b", re.IGNORECASE)
_AGE = re.compile(r"\b(\d{1,3})\s+anos\b")
_PEOPLE = re.compile(
    r"\b(\d{1,5}|[a-zçãéêíóôú]+)\s+(pessoas|mortos|mortas|feridos|feridas|vítimas|passageiros|crianças|presos|"
    r"detidos|desaparecidos|soldados|policiais|estudantes)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"\b(R|US)\$\s?(\d[\d.,]*)(?:\s+(milhões|milhão|mil|bilhões|bilhão|trilhões|trilhão)\b)?")
_PERCENT = re.compile(r"\b(\d{1,3}(?:[,.]\d{1,2})?)\s?%")
_CLOCK = re.compile(r"\b(\d{1,2})h(\d\d)?\b")
_PLACE_AFTER = re.compile(
    r"\b(?:em|no|na|nos|nas)\s+((?:[A-ZÁÉÍÓÚÂÊÔÃÕÇ][\wáéíóúâêôãõç]+)(?:\s+(?:de|do|da|dos|das)?\s*"
    r"[A-ZÁÉÍÓÚÂÊÔÃÕÇ][\wáéíóúâêôãõç]+){0,2})"
)
_DATELINE = re.compile(r"^\s*([A-ZÁÉÍÓÚÂÊÔÃÕÇ][A-ZÁÉÍÓÚÂÊÔÃÕÇ .'-]{2,30}[A-ZÁÉÍÓÚÂÊÔÃÕÇ])\s*[—–-]")
_NOT_PLACE = frozenset(_WEEKDAYS) | frozenset(_MONTHS) | {"segunda-feira", "terça-feira", "quarta-feira"}


def scan(text: str, published: datetime | None, lead: str = "") -> tuple[list[date], list[str], list[str]]:
    """Days, places and numbers of a Portuguese text, each in order of first mention."""
    day = news_day(published.date() if published is not None else None)
    days: list[tuple[int, date]] = []
    places: list[tuple[int, str]] = []
    numbers: list[tuple[int, str]] = []
    for match in _DAY_MONTH.finditer(text):
        year = int(match.group(3)) if match.group(3) else None
        resolved = resolve_day(_MONTHS[match.group(2).lower()], int(match.group(1)), year, day)
        if resolved is not None:
            days.append((match.start(), resolved))
    for match in _NUMERIC_DATE.finditer(text):
        year = int(match.group(3)) if match.group(3) else None
        resolved = resolve_day(int(match.group(2)), int(match.group(1)), year, day)
        if resolved is not None:
            days.append((match.start(), resolved))
    if day is not None:
        for match in _WEEKDAY.finditer(text):
            weekday = _WEEKDAYS[(match.group(1) or match.group(2)).lower()]
            days.append((match.start(), day - timedelta(days=(day.weekday() - weekday) % 7)))
        for match in _YESTERDAY.finditer(text):
            back = 2 if match.group(1).lower() == "anteontem" else 1
            days.append((match.start(), day - timedelta(days=back)))
    for match in _AGE.finditer(text):
        age = int(match.group(1))
        if 0 < age < 120:
            numbers.append((match.start(), f"age {age}"))
    for match in _PEOPLE.finditer(text):
        word = match.group(1).lower()
        count = _NUMBER_WORDS.get(word, int(word) if word.isdigit() else None)
        if count is not None:
            numbers.append((match.start(), f"{count} {match.group(2).lower()}"))
    for match in _MONEY.finditer(text):
        amount = match.group(2).rstrip(".,")
        unit = match.group(3)
        numbers.append((match.start(), f"{match.group(1)}${amount}{' ' + unit.lower() if unit else ''}"))
    for match in _PERCENT.finditer(text):
        numbers.append((match.start(), f"{match.group(1).replace(',', '.')}%"))
    for match in _CLOCK.finditer(text):
        hour = int(match.group(1))
        if hour <= 24:
            numbers.append((match.start(), f"{hour}h{match.group(2) or '00'}"))
    if (town := dateline(_DATELINE, lead, text)) is not None:
        places.append((-1, town))
    for match in _PLACE_AFTER.finditer(text):
        words = match.group(1).lower().split()
        if words and words[0] not in _NOT_PLACE:
            places.append((match.start(), " ".join(words)))
    return in_order(days), in_order(places), in_order(numbers)
