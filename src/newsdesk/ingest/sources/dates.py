"""Feed dates (RFC 822 with odd zones, ISO 8601, a few common variants) → aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janv", "jän", "ene", "gen"),
            ("feb", "february", "fev", "fév", "févr", "fevr"),
            ("mar", "march", "mär", "mrz", "märz"),
            ("apr", "april", "avr", "abr"),
            ("may", "mai", "mei", "mayo", "mag"),
            ("jun", "june", "juin", "juni"),
            ("jul", "july", "juil", "juli"),
            ("aug", "august", "août", "aou", "ago"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "out", "ott"),
            ("nov", "november"),
            ("dec", "december", "dez", "déc", "dic"),
        ),
        start=1,
    )
    for name in names
}
# Zone names seen in real feeds, as minutes east of UTC; single military letters read as UTC (RFC 2822).
_ZONES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120, "met": 60,
    "mest": 120, "eet": 120, "eest": 180, "msk": 180, "ist": 330, "sgt": 480, "hkt": 480, "jst": 540, "kst": 540,
    "awst": 480, "acst": 570, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "est": -300, "edt": -240,
    "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480,
    "hst": -600, "ast": -240, "adt": -180, "nst": -210, "ndt": -150, "brt": -180, "art": -180,
}  # fmt: skip
_RFC822 = re.compile(
    r"\s*(?:[^\W\d_]+\.?,?\s*)?"  # weekday
    r"([0-9]{1,2})(?:st|nd|rd|th)?[\s/.-]+([^\W\d_]+)\.?[\s/.-]+([0-9]{2,4}),?"  # day month year
    r"(?:[\sT]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?\s*(am|pm|AM|PM)?)?"  # time
    r"\s*(?:([+-])([0-9]{1,2}):?([0-9]{2})?|([A-Za-z]{1,5}))?"  # zone
)
_ISO = re.compile(
    r"\s*([0-9]{4})-?([0-9]{2})-?([0-9]{2})"
    r"(?:[T\s]+([0-9]{1,2}):?([0-9]{2})(?::?([0-9]{2})(?:[.,][0-9]+)?)?)?"
    r"\s*(?:(Z|z|UTC|GMT)|([+-])([0-9]{2}):?([0-9]{2})?)?"
)
_AMERICAN = re.compile(
    r"\s*(?:[^\W\d_]+\.?(?:,\s*|\s+))?([^\W\d_]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})"
    r"(?:,?\s+(?:at\s+)?([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*(am|pm|AM|PM)?)?"
    r"\s*(?:([+-])([0-9]{1,2}):?([0-9]{2})?|([A-Za-z]{1,5}))?"
)


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset_minutes: int
) -> datetime | None:
    if year < 100:
        year += 2000 if year < 50 else 1900
    if second == 60:
        second = 59
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        if hour == 24 and minute == 0:
            return _build(year, month, day, 0, 0, second, offset_minutes + 1440) if second == 0 else None
        return None
    if not offset_minutes:
        return moment
    try:
        return moment - timedelta(minutes=offset_minutes)
    except OverflowError:
        return None


def _offset(sign: str | None, hours: str | None, minutes: str | None, name: str | None) -> int:
    if sign:
        total = int(hours or 0) * 60 + int(minutes or 0)
        if hours and not minutes and len(hours) > 2:
            total = int(hours[:-2]) * 60 + int(hours[-2:])
        return -total if sign == "-" else total
    if name:
        return _ZONES.get(name.lower(), 0)
    return 0


def _hour(hour: str | None, meridiem: str | None) -> int:
    value = int(hour or 0)
    if meridiem:
        value %= 12
        if meridiem.lower() == "pm":
            value += 12
    return value


def _iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        match = _ISO.match(text)
        if match is None:
            return None
        year, month, day, hour, minute, second, utc, sign, zh, zm = match.groups()
        return _build(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            0 if utc else _offset(sign, zh, zm, None),
        )  # fmt: skip
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def _rfc822_plain(text: str) -> datetime | None:
    """The common shape ``[Wkd,] DD Mon YYYY HH:MM[:SS] ZONE`` by splitting, without a regular expression."""
    parts = text.split()
    if len(parts) == 6:
        parts = parts[1:]
    if len(parts) != 5:
        return None
    day, month_name, year, clock, zone = parts
    month = _MONTHS.get(month_name.lower())
    fields = clock.split(":")
    if month is None or not (_digits(day, 2) and _digits(year, 4) and 2 <= len(fields) <= 3):
        return None
    if not all(_digits(field, 2) for field in fields):
        return None
    if zone[0] in "+-" and _digits(zone[1:], 4) and len(zone) == 5:
        minutes = int(zone[1:3]) * 60 + int(zone[3:])
        offset = -minutes if zone[0] == "-" else minutes
    elif zone.lower() in _ZONES:
        offset = _ZONES[zone.lower()]
    else:
        return None
    second = int(fields[2]) if len(fields) == 3 else 0
    return _build(int(year), month, int(day), int(fields[0]), int(fields[1]), second, offset)


def _digits(text: str, most: int) -> bool:
    """ASCII digits, at most ``most`` of them (``isdigit()`` says yes to ``²``, which ``int()`` refuses)."""
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def _named_month(day: str, month_name: str, year: str, hour: str, *rest: str | None) -> datetime | None:
    """A date whose month is a name: the fields of the RFC 822 and American patterns."""
    minute, second, meridiem, sign, zh, zm, zone = rest
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    return _build(
        int(year), month, int(day), _hour(hour, meridiem), int(minute or 0), int(second or 0),
        _offset(sign, zh, zm, zone),
    )  # fmt: skip


def _rfc822(text: str) -> datetime | None:
    match = _RFC822.match(text)
    if match is None:
        return None
    day, month_name, *rest = match.groups()
    return _named_month(day, month_name, *rest)


def _american(text: str) -> datetime | None:
    match = _AMERICAN.match(text)
    if match is None:
        return None
    month_name, day, *rest = match.groups()
    return _named_month(day, month_name, *rest)


def _email(text: str) -> datetime | None:
    parsed = parsedate_tz(text)
    if parsed is None:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    offset = parsed[9] or 0
    return _build(year, month, day, hour, minute, second, offset // 60)


def parse_date(text: str | None) -> datetime | None:
    """A feed date as an aware UTC datetime; None when it is empty or unreadable. Zone-less times are taken as UTC."""
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    if _digits(text[0], 1):
        if _digits(text[:4], 4) and (text[4:5] == "-" or _digits(text[:8], 8)):
            return _iso(text) or _rfc822(text) or _email(text)
        return _rfc822_plain(text) or _rfc822(text) or _iso(text) or _email(text)
    return _rfc822_plain(text) or _rfc822(text) or _american(text) or _email(text)
