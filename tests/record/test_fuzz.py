"""Fuzzing the record parser: whatever a stranger's file holds, one clear line or a record (issue 11).

Hypothesis feeds ``parse_record`` (and ``newsdesk records check`` on a file)
mutated real records, generated YAML full of what the probes sent (anchors and
aliases, deep nesting, huge numbers, impossible and extreme dates, odd Unicode)
and random bytes. For every input, the property is: a :class:`RecordError`
whose text is one line naming the input, or a parsed story that writes back
and reads again as the same story; within a time bound (the deadline) and a
memory bound (``tracemalloc``'s peak); never any other exception.
"""

from __future__ import annotations

import tracemalloc
from datetime import timedelta
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.record.file import RecordError, double_quoted, parse_record, render_record
from tests.support.commandline import newsdesk
from tests.support.paths import FIXTURE_TREE, shared_dir

SOURCE = "fuzz/2024-01-01-fuzz.md"
#: Per input: well above what parsing a record of this size takes (milliseconds), far below an alias bomb's 90 s.
DEADLINE = timedelta(seconds=5)
#: Peak memory per input; an alias bomb ran past 2 GB.
MAX_PEAK_BYTES = 64 * 1024 * 1024
#: Examples per test are set on each (about 15 s for the file on a 2-core machine).
FUZZ = settings(deadline=DEADLINE, database=None, suppress_health_check=[HealthCheck.too_slow])


def _seeds() -> list[str]:
    records = [p.read_text(encoding="utf-8") for p in sorted((FIXTURE_TREE / "_news").glob("*.md"))]
    shared = shared_dir()
    if shared is not None:
        records += [p.read_text(encoding="utf-8") for p in sorted((shared / "seed").glob("*.txt"))]
    return records


SEEDS = _seeds()


def check(data: bytes | str) -> None:
    """The property, for one input."""
    tracemalloc.start()
    try:
        try:
            story = parse_record(data, SOURCE, "2024-01-01-fuzz")
        except RecordError as error:
            text = str(error)
            assert text.startswith(SOURCE), text
            assert len(text.splitlines()) == 1, text
            assert len(text) < 400, text
            return
        written = render_record(story)
        again = parse_record(written, SOURCE, "2024-01-01-fuzz")
        assert again == story
        assert render_record(again) == written
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES, f"{peak:,} bytes at peak"


# --------------------------------------------------------------------------- hostile pieces

HUGE_NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    st.sampled_from(["9223372036854775808", "-9223372036854775809", "2147483648", "1e999", "0x" + "f" * 40,
                     "-0", "007", "1_000", "+5", ".inf", "-.nan", "١٢٣", "²³"]),
)  # fmt: skip
ODD_DATES = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00Z",
                     "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
                     "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00+99:99",
                     "2024-01-01T00:00:00.1234567Z", "2024-01-01 00:00:00", "２０２４-01-01T00:00:00Z",
                     "2024-01-01T00:00:00\u2003Z", "yesterday", "2024-01-01"]),
    st.datetimes().map(lambda d: d.isoformat()),
    st.tuples(st.datetimes(), st.integers(-23, 23), st.integers(0, 59)).map(
        lambda t: f"{t[0].isoformat(timespec='seconds')}{t[1]:+03d}:{t[2]:02d}"
    ),
)  # fmt: skip
#: Lone surrogates: text that cannot be UTF-8 at all (refused before a record is read).
SURROGATES: tuple[Literal["Cs"], ...] = ("Cs",)
ODD_TEXT = st.text(
    alphabet=st.characters(exclude_categories=SURROGATES)
    | st.sampled_from("\x00\x85\u2028\u2029\ufeff\ufffe:#&*!|>-?'\"\\\n\t"),
    max_size=40,
)
ESCAPED = st.sampled_from(['"\\0"', '"\\ud800"', '"\\x85"', '"\\U0010ffff"', '"\\uffff"', '"\\N\\L\\P"', '"\\e"'])
PLAIN = st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,20}", fullmatch=True)
SCALARS = st.one_of(
    HUGE_NUMBERS,
    ODD_DATES,
    ESCAPED,
    ODD_TEXT.map(double_quoted),
    PLAIN,
    PLAIN,
    st.integers(-5, 300).map(str),
    st.sampled_from(["null", "~", "", "true", "false", "yes", "on", "[]", "{}", "!!binary AAAA",
                     "!!python/object:os.system", "&a x", "*a", "*nowhere", "|\n  block", ">-\n  folded",
                     "? complex", "'single'"]),
)  # fmt: skip
KEYS = st.sampled_from(
    ["title", "excerpt", "publishedDateTime", "webUrl", "originalUrl", "type", "quality", "heat", "published",
     "category", "provider", "topics", "images", "related", "secured", "featuredContent", "width", "height",
     "isCached", "url", "name", "domain", "x", "null", "12", "", "a: b", "#c", "---", "ключ", "\u2028k"]
)  # fmt: skip


def _key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"').replace("\u2028", "\\L") + '"' if key else '""'


@st.composite
def yaml_values(draw: st.DrawFn, depth: int = 0) -> str:
    """A YAML value in flow style: a hostile scalar, or a list or mapping of them, sometimes anchored."""
    kind = draw(st.integers(0, 19 if depth < 4 else 0))
    if kind <= 13:
        value = str(draw(SCALARS)).replace("\n", " ")
    elif kind <= 16:
        value = "[" + ", ".join(draw(st.lists(yaml_values(depth + 1), max_size=4))) + "]"
    elif kind <= 18:
        pairs = draw(st.lists(st.tuples(KEYS, yaml_values(depth + 1)), max_size=4))
        value = "{" + ", ".join(f"{_key(k)}: {v}" for k, v in pairs) + "}"
    else:
        depth_ = draw(st.integers(1, 200))
        value = "[" * depth_ + "]" * depth_
    if draw(st.integers(0, 19)) == 0:
        value = f"&a{draw(st.integers(0, 3))} {value}"
    return value


@st.composite
def yaml_records(draw: st.DrawFn) -> str:
    """A front matter of hostile key/value lines around a valid title and date."""
    lines = ['title: "Fuzzed"', "publishedDateTime: 2024-01-01T00:00:00Z"]
    for key, value in draw(st.lists(st.tuples(KEYS, yaml_values()), max_size=8)):
        lines.append(f"{_key(key)}: {value}")
    if draw(st.integers(0, 4)) == 0:
        lines.append("aliases: [" + ", ".join(f"*a{i}" for i in range(draw(st.integers(0, 4)))) + "]")
    draw(st.randoms()).shuffle(lines)
    return "---\n" + "\n".join(lines) + "\n---\n" + draw(st.sampled_from(["", "\n", "Body *text*.\n", "---\n"]))


@st.composite
def mutated_records(draw: st.DrawFn) -> str:
    """A real record (fixture or seed) with some of its lines replaced, moved, cut or doubled."""
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(
            st.integers(0, len(lines) - 1) if draw(st.integers(0, 9)) == 0 else st.integers(1, max(1, len(lines) - 3))
        )
        at = min(at, len(lines) - 1)
        operation = draw(st.integers(0, 4))
        line = lines[at]
        if operation == 0 and ":" in line:  # a hostile value for this key
            lines[at] = line[: line.index(":") + 1] + " " + draw(yaml_values()).replace("\n", " ")
        elif operation == 1:
            del lines[at]
        elif operation == 2:
            lines.insert(at, line)
        elif operation == 3:
            lines.insert(at, " " * draw(st.integers(0, 8)) + f"{_key(draw(KEYS))}: {draw(yaml_values())}")
        else:
            lines[at] = line[: draw(st.integers(0, len(line)))] + draw(ODD_TEXT).replace("\n", "")
        if not lines:
            lines = [""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the properties


@settings(FUZZ, max_examples=600)
@given(record=mutated_records())
def test_mutated_real_records(record: str) -> None:
    check(record.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=1000)
@given(record=yaml_records())
def test_generated_hostile_yaml(record: str) -> None:
    check(record.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=300)
@given(text=st.text(max_size=300).map(lambda t: "---\n" + t + "\n---\n"))
def test_random_text_as_front_matter(text: str) -> None:
    check(text)


@settings(FUZZ, max_examples=300)
@given(data=st.binary(max_size=400), framed=st.booleans())
def test_random_bytes(data: bytes, framed: bool) -> None:
    check(b"---\n" + data + b"\n---\n" if framed else data)


@settings(FUZZ, max_examples=60)
@given(records=st.lists(st.one_of(mutated_records(), yaml_records()), min_size=1, max_size=4))
def test_records_check_on_files_gives_one_line_per_file(
    records: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("fuzz")
    paths = []
    for i, record in enumerate(records):
        path = directory / f"2024-01-0{i + 1}-fuzz.md"
        path.write_bytes(record.encode("utf-8", "surrogatepass"))
        paths.append(path)
    code, out, err = newsdesk("records", "check", directory)
    lines = out.splitlines()
    assert err == ""
    assert lines[-1].startswith(f"checked {len(paths)} records: ")
    assert len(lines) <= len(paths) + 1
    for line in lines[:-1]:
        assert any(line.startswith(str(path)) for path in paths), line
    assert code in (0, 1)


def test_the_seeds_themselves_pass_the_property() -> None:
    for record in SEEDS:
        check(record)
