"""What the fuzz tests share: hostile values, byte mutations of real-shaped documents, and the property's checks.

The property every parser is held to: a result, or the parser's own error as
one line naming the input; within Hypothesis' deadline per example and a bound
on the process's peak memory; never any other exception.
"""

from __future__ import annotations

import resource
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Each example must finish within this: real parses take milliseconds, so only a runaway input (an entity or
#: nesting bomb, a quadratic path) gets near it, however busy the machine.
DEADLINE = timedelta(seconds=10)
#: How much the process's peak memory may grow over a whole fuzz test.
MEMORY_BOUND_MB = 768


def warmed_up(check: Callable[[bytes], object], seeds: list[bytes]) -> None:
    """Run ``check`` on the seeds once before the timed examples: the first page read loads the extractor's
    modules and models (seconds), which is no example's fault."""
    for seed in seeds:
        check(seed)


def fuzz_settings(examples: int) -> settings:
    """A bounded, reproducible run: the same examples every time (CI and here), no example database."""
    return settings(
        max_examples=examples,
        deadline=DEADLINE,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


HOSTILE_NUMBERS = [
    "²³", "٣٠", "१२", "9" * 5000, "1e999", "-1", "-0", "nan", "inf", "0x10", "", " ", "1" * 25, "3.5", "1,000",
    "12px", "0", "00000000000000000000001", "+5", "½", "Infinity", "9223372036854775808", "1e-999", "\x00",
]  # fmt: skip

HOSTILE_DATES = [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "²³ May 2024 10:00:00 GMT", "Tue, 99 Foo 99999 99:99:99",
    "2024-13-45T25:61:61Z", "1" * 5000, "\x00", "Mon, 31 Feb 2024 24:00:00 +9999", "9" * 13, "0", "-1",
    "Thu, 01 Jan 1970 00:00:00 -2400", "2024-05-02T10:00:00+99:99", "May ²³, 2024", "٢٠٢٤-٠٥-٠٢", "",
    "20240502T999999", "Sat, 01 Jan 0000 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 -1200",
]  # fmt: skip

HOSTILE_CHARSETS = [
    "utf-8", "utf-16", "utf-32", "utf-7", "x-user-defined", "ebcdic-cp-us", "no-such-charset", "latin1", "²³", "",
    "utf-8\x00", "cp1252", "shift_jis", "iso-2022-jp", "UTF-8; x=y", "idna", "rot13", "base64", "zlib", "hex",
]  # fmt: skip

HOSTILE_TEXT = [
    "&#99999999999;", "&#x110000;", "&#0;", "&#" + "9" * 5000 + ";", "&#x" + "F" * 5000 + ";", "&undefined;", "]]>",
    "<![CDATA[", "&amp;", "\x00\x01\x02", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"), "\u202e",
    "<script>alert(1)</script>", "javascript:alert(1)", "http://[::1", "http://x.example:99999/", "//", "?", "#",
    "a" * 20000, "<" * 1000, "&" * 1000, "\r\n" * 100, "\ufeff", "%00", "http://127.0.0.1/", "file:///etc/passwd",
]  # fmt: skip

hostile_numbers = st.sampled_from(HOSTILE_NUMBERS) | st.integers(min_value=-(10**30), max_value=10**30).map(str)
hostile_dates = st.sampled_from(HOSTILE_DATES) | st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=40)
hostile_charsets = st.sampled_from(HOSTILE_CHARSETS) | st.text(max_size=20)
hostile_text = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=200)


def xml_escape(text: str) -> str:
    """Quotes escaped so a value stays inside its attribute (the value itself stays hostile)."""
    return text.replace('"', "&quot;")


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed document with a few bytes flipped, spliced, duplicated or cut."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "splice"]))
        if operation == "flip":
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif operation == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(HOSTILE_TEXT).map(str.encode))
        elif operation == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif operation == "duplicate":
            end = min(len(data), at + draw(st.integers(min_value=1, max_value=256)))
            data[at:at] = data[at:end] * draw(st.integers(min_value=1, max_value=20))
        elif operation == "truncate":
            del data[at:]
        else:
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(min_value=0, max_value=max(0, len(other) - 1)))
            data[at:at] = other[start : start + 200]
    return bytes(data)


def assert_one_line_naming(error: Exception, name: str) -> None:
    message = str(error)
    assert "\n" not in message, message
    assert "\r" not in message, message
    assert name in message, message


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def memory_bound() -> Iterator[None]:
    """The process's peak memory may grow at most :data:`MEMORY_BOUND_MB` over the block."""
    before = _peak_mb()
    yield
    grown = _peak_mb() - before
    assert grown <= MEMORY_BOUND_MB, f"peak memory grew {grown:.0f} MB"
