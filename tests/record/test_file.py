"""The record file format: byte-exact round trips and clear refusals."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.record import Article, Extra, Image, Provider, Secured, Story
from newsdesk.record.file import (
    MAX_IMAGES,
    MAX_TOPICS,
    RecordError,
    double_quoted,
    parse_record,
    plain_safe,
    render_record,
    roundtrip_difference,
)
from newsdesk.record.taxonomy import parse_topic
from tests.support.paths import FIXTURE_TREE

RECORDS = sorted((FIXTURE_TREE / "_news").glob("*.md"))
ROBOTICS = (
    FIXTURE_TREE / "_news" / "2024-05-02-robotics-lab-unveils-a-warehouse-arm-that-learns-a-new-grip-in-minutes.md"
)


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem[:30])
def test_fixture_records_round_trip_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    story = parse_record(data, str(path), path.stem)
    assert render_record(story).encode("utf-8") == data


def test_a_story_reads_into_typed_fields() -> None:
    story = parse_record(ROBOTICS.read_bytes(), "robotics.md", "slug")
    primary = story.primary
    assert primary.title.endswith("in “minutes”")
    assert primary.published == datetime(2024, 5, 2, 8, 15, tzinfo=UTC)
    assert primary.provider == Provider(name="Robotics Weekly", domain="robotics-weekly.example")
    assert primary.quality == 58
    assert (story.heat, story.published) == (12, True)
    assert story.topics == ("AI in Robotics", "AI")
    assert primary.images == (Image("https://robotics-weekly.example/media/arm.jpg", 1600, 900, True),)
    assert story.related is not None
    assert [a.provider.name for a in story.related if a.provider] == ["Gadget Desk", "Supply Chain Today"]
    assert story.related[0].amp_web_url == "https://www.gadget-desk.example/reviews/robot-arm-learns-by-watching/amp/"
    assert story.related[1].images is None
    assert story.secured is not None
    assert (len(story.secured.ciphertext), len(story.secured.iv)) == (96, 16)
    assert story.body == "\n"


def test_fields_the_format_does_not_name_are_kept_in_place() -> None:
    path = FIXTURE_TREE / "_news" / "2024-04-30-chip-makers-quarterly-results-beat-forecasts-on-ai-demand.md"
    story = parse_record(path.read_bytes(), str(path), path.stem)
    assert story.extras == (
        Extra(key="sponsored", value=False, after="type"),
        Extra(key="tags", value=["earnings", "semiconductors"], after="images"),
    )
    assert story.primary.provider is not None
    assert story.primary.provider.extras == (Extra(key="brandColor", value="#0a2540", after="domain"),)
    assert story.primary.images is not None
    assert story.primary.images[0].extras == (Extra(key="attribution", value="Markets Wire", after="title"),)
    assert story.primary.quality is None
    assert story.heat is None
    assert story.body == "Body text kept verbatim, *Markdown* and all.\n"


def test_a_story_built_in_code_renders_in_the_seed_layout() -> None:
    story = Story(
        slug="2024-01-01-x",
        primary=Article(
            title='Say "hi"',
            published=datetime(2024, 1, 1, 12, tzinfo=UTC),
            excerpt="Line one\nline two",
            web_url="https://a.example/x",
            quality=40,
            provider=Provider(name="A News", domain="a.example"),
        ),
        heat=-1,
        published=False,
        topics=("AI",),
        secured=Secured(ciphertext=bytes(32), iv=bytes(16)),
    )
    assert render_record(story) == (
        "---\n"
        "category: news\n"
        'title: "Say \\"hi\\""\n'
        'excerpt: "Line one\\nline two"\n'
        "publishedDateTime: 2024-01-01T12:00:00Z\n"
        'webUrl: "https://a.example/x"\n'
        "type: article\n"
        "quality: 40\n"
        "heat: -1\n"
        "published: false\n"
        "\n"
        "provider:\n"
        "  name: A News\n"
        "  domain: a.example\n"
        "\n"
        "topics:\n"
        "  - AI\n"
        "\n"
        f'secured: "{base64.b64encode(bytes(32)).decode()};{base64.b64encode(bytes(16)).decode()}"\n'
        "---\n"
        "\n"
    )
    again = parse_record(render_record(story), "built", story.slug)
    assert again == story


def test_names_that_yaml_would_misread_are_quoted() -> None:
    assert plain_safe("KRON4 News")
    assert plain_safe("Marc D Anderson's Blog")
    for risky in ("true", "null", "123", "- dash", "a: b", "#tag", "x #y", "", " pad", "2023-01-01"):
        assert not plain_safe(risky), risky
    assert double_quoted('a"b\\c\td\x07\u2028') == '"a\\"b\\\\c\\td\\a\\L"'


def test_provider_names_that_need_quotes_survive_a_round_trip() -> None:
    story = parse_record(ROBOTICS.read_bytes(), "r", "s")
    for name in ("Yes", "@handle", "News: Daily", "100"):
        changed = Story(
            slug="s",
            primary=Article(
                title="t", published=story.primary.published, provider=Provider(name=name, domain="x.example")
            ),
        )
        assert parse_record(render_record(changed), "r", "s").primary.provider == Provider(name, "x.example")


def _record(front: str, body: str = "\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


GOOD_FRONT = 'category: news\ntitle: "A title"\npublishedDateTime: 2024-01-01T00:00:00Z\ntype: article\n'


@pytest.mark.parametrize(
    ("data", "line", "problem"),
    [
        (b"category: news\ntitle: x\n", 1, "no front matter"),
        (_record('title: "unclosed\n'), None, "broken YAML"),
        (_record("title: [a, b\n"), None, "broken YAML"),
        (_record("category: news\nexcerpt: x\npublishedDateTime: 2024-01-01T00:00:00Z\n"), 2, "no title"),
        (_record('title: "t"\npublishedDateTime: 2023-02-30T10:00:00Z\n'), 3, "not a real date"),
        (_record('title: "t"\npublishedDateTime: yesterday\n'), 3, "must be a UTC time"),
        (_record(GOOD_FRONT + 'secured: "abc"\n'), 6, "found 0 ';' separators"),
        (_record(GOOD_FRONT + 'secured: "!!!;AAAAAAAAAAAAAAAAAAAAAA=="\n'), 6, "not valid base64"),
        (_record(GOOD_FRONT + 'secured: "AAAAAAAAAAAAAAAAAAAAAA==;AAAA"\n'), 6, "the IV is 3 bytes"),
        (_record(GOOD_FRONT + 'secured: "AAAA;AAAAAAAAAAAAAAAAAAAAAA=="\n'), 6, "not whole 16-byte blocks"),
        (_record(GOOD_FRONT + 'title: "again"\n'), 6, "duplicate key 'title' (first on line 3)"),
        (_record(GOOD_FRONT + "quality: high\n"), 6, "quality must be a whole number"),
        (_record(GOOD_FRONT + "published: maybe\n"), 6, "published must be true or false"),
        (_record(GOOD_FRONT + "provider: Someone\n"), 6, "provider must be a mapping"),
        (_record(GOOD_FRONT + "images:\n  - width: 3\n"), 7, "an image has no url"),
        (_record(GOOD_FRONT + "related:\n  - excerpt: x\n"), 7, "a related article has no title"),
        (_record(GOOD_FRONT + "topics: AI\n"), 6, "topics must be a list"),
        (b"---\r\ntitle: x\r\n---\r\n", 1, "CRLF"),
        (b"\xef\xbb\xbf---\ntitle: x\n---\n", 1, "byte-order mark"),
        (b"---\ntitle: x\n", None, "never closed"),
        (b'---\ntitle: "caf\xe9"\n---\n', 2, "not UTF-8: byte 0xe9"),
        (b"---\n\x00\x01\x02binary", 2, "binary file"),
    ],
)
def test_bad_records_get_one_clear_line(data: bytes, line: int | None, problem: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record(data, "bad.md", "bad")
    error = caught.value
    assert problem in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"bad.md:{line}: ")
    assert "\n" not in str(error)


def test_an_oversized_record_is_refused_before_parsing() -> None:
    with pytest.raises(RecordError, match="at most 1,048,576 bytes"):
        parse_record(b"---\n" + b"x" * (2 * 1024 * 1024), "huge.md", "huge")


def test_roundtrip_difference_points_at_the_line() -> None:
    data = ROBOTICS.read_bytes()
    assert roundtrip_difference(data, "r", "s") is None
    moved = data.replace(b"type: article\nquality: 58", b"quality: 58\ntype: article")
    assert roundtrip_difference(moved, "r", "s") == "line 8 is written back as 'type: article', was 'quality: 58'"


# --------------------------------------------------------------------------- hostile records (issue 11)

BILLION_LAUGHS = (
    GOOD_FRONT
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
)


@pytest.mark.parametrize(
    ("front", "line", "problem"),
    [
        (BILLION_LAUGHS, 6, "YAML anchor &a: records have no anchors or aliases"),
        (GOOD_FRONT + "x: &a [*a]\n", 6, "YAML anchor &a"),
        (GOOD_FRONT + "x: *nowhere\n", 6, "YAML alias *nowhere: records have no anchors or aliases"),
        (GOOD_FRONT + "x: " + "[" * 500 + "]" * 500 + "\n", 6, "nested more than 32 levels deep"),
        (GOOD_FRONT + "x:\n" + "".join("  " * d + "- \n" for d in range(1, 40)), None, "nested more than 32"),
        (GOOD_FRONT + "quality: " + "9" * 5000 + "\n", 6, "quality must be a whole number from 0 to 1,000"),
        (GOOD_FRONT + "quality: -1\n", 6, "quality must be a whole number from 0 to 1,000, not '-1'"),
        (GOOD_FRONT + "heat: " + "9" * 5000 + "\n", 6, "heat must be a whole number from -1 to 1,000"),
        (GOOD_FRONT + "heat: 9223372036854775808\n", 6, "heat must be a whole number from -1 to 1,000"),
        (GOOD_FRONT + "images:\n  - url: x\n    width: 100000000000000000000000\n", 8, "width must be"),
        (GOOD_FRONT + "images:\n  - url: x\n    height: 2147483648\n", 8, "height must be"),
        (GOOD_FRONT + "x: " + "9" * 5000 + "\n", 6, "does not fit in 64 bits"),
        (GOOD_FRONT + "x: [1, 9223372036854775808]\n", 6, "x holds the number '9223372036854775808'"),
        ('title: "t"\npublishedDateTime: 0001-01-01T00:00:00+01:00\n', 3, "falls outside the years 1-9999 in UTC"),
        ('title: "t"\npublishedDateTime: 9999-12-31T23:59:59-01:00\n', 3, "falls outside the years 1-9999 in UTC"),
        ('title: "t"\npublishedDateTime: ２０２４-01-01T00:00:00Z\n', 3, "must be a UTC time"),
        ('title: "t\\0x"\npublishedDateTime: 2024-01-01T00:00:00Z\n', 2, "a NUL character"),
        ("category: " + "c" * 65 + "\n" + GOOD_FRONT[15:], 2, "category is 65 characters long"),
        (GOOD_FRONT + "x: {a: 1, a: 2}\n", 6, "duplicate key 'a'"),
        (GOOD_FRONT + '"line\\nbreak": 1\n"line\\nbreak": 2\n', 7, "duplicate key 'line\\nbreak' (first on line 6)"),
        (GOOD_FRONT + "... \n--- \nx: 1\n", 7, "more than one YAML document"),
    ],
    ids=lambda v: v[-40:].encode("unicode_escape").decode() if isinstance(v, str) and "\n" in v else None,
)
def test_hostile_records_get_one_clear_line(front: str, line: int | None, problem: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record(_record(front), "bad.md", "bad")
    error = caught.value
    assert problem in error.message
    if line is not None:
        assert error.line == line
    assert len(str(error).splitlines()) == 1
    assert len(str(error)) < 300


def test_the_bounds_themselves_are_read() -> None:
    front = (
        GOOD_FRONT + "quality: 1000\nheat: -1\n\nimages:\n  - url: x\n    width: 2147483647\n    height: 0\n"
        "\nx: [9223372036854775807, -9223372036854775808]\n"
    )
    story = parse_record(_record(front), "ok.md", "ok")
    assert (story.primary.quality, story.heat) == (1000, -1)
    assert story.primary.images == (Image("x", 2147483647, 0),)
    assert story.extras[0].value == [2**63 - 1, -(2**63)]
    edge = parse_record(_record('title: "t"\npublishedDateTime: 9999-12-31T23:59:59Z\n'), "ok.md", "ok")
    assert edge.primary.published == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_lists_are_capped_with_one_line() -> None:
    at_cap = GOOD_FRONT + "topics:\n" + "".join(f"  - T{i}\n" for i in range(MAX_TOPICS))
    assert len(parse_record(_record(at_cap), "ok.md", "ok").topics or ()) == MAX_TOPICS
    with pytest.raises(RecordError, match=f"topics holds {MAX_TOPICS + 1} entries; a record may hold at most"):
        parse_record(_record(at_cap + "  - one more\n"), "bad.md", "bad")
    images = GOOD_FRONT + "images:\n" + "".join(f'  - url: "u{i}"\n' for i in range(MAX_IMAGES + 1))
    with pytest.raises(RecordError, match="images holds 101 entries"):
        parse_record(_record(images), "bad.md", "bad")


def test_a_text_record_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(RecordError, match="lone surrogate"):
        parse_record('---\ntitle: "\ud800"\n---\n', "bad.md", "bad")
    with pytest.raises(RecordError, match="not UTF-8 text"):
        parse_record(_record(GOOD_FRONT), "bad.md", "name\udcff")


def test_an_error_message_never_breaks_into_lines() -> None:
    error = RecordError("dir\nname.md", "problem\u2028with\rbreaks", 3)
    assert str(error) == "dir\\nname.md:3: problem\\u2028with\\rbreaks"


@pytest.mark.parametrize(
    "front",
    [
        GOOD_FRONT.replace('"A title"', '"next\\x85line"'),  # NEL was written raw and read back as a space
        GOOD_FRONT.replace("2024-01-01", "0999-01-01"),  # strftime wrote the year as 999
        GOOD_FRONT + "quality: null\nx: 1\n",  # x followed a key that is not written back
        "y: 2\n" + GOOD_FRONT + "x: [1]\n",
        GOOD_FRONT + '"": 1\n"a: b": 2\n"#c": 3\n"---": 4\n"line\\nbreak": 5\nnull: 6\n"12": 7\n',  # keys
        GOOD_FRONT.replace("00:00:00Z", "00:00:00.5Z"),  # a fraction of a second is dropped on reading
    ],
)
def test_what_the_fuzzer_found_reads_back_as_the_same_story(front: str) -> None:
    story = parse_record(_record(front), "f.md", "f")
    written = render_record(story)
    assert parse_record(written, "f.md", "f") == story
    assert render_record(parse_record(written, "f.md", "f")) == written


def test_unknown_keys_come_back_in_writing_order() -> None:
    story = parse_record(_record('title: "t"\nlate: 1\npublishedDateTime: 2024-01-01T00:00:00Z\nearly: 2\n'), "f", "f")
    assert [e.key for e in story.extras] == ["late", "early"]
    story = parse_record(_record('publishedDateTime: 2024-01-01T00:00:00Z\nb: 1\ntitle: "t"\na: 2\n'), "f", "f")
    assert [(e.key, e.after) for e in story.extras] == [("a", "title"), ("b", "publishedDateTime")]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("_id: x\nname: y\nkeywords: &k [*k]\n", "YAML anchor &k"),
        ("_id: x\nname: y\nparent: " + "[" * 40 + "]" * 40 + "\n", "nested more than 32 levels deep"),
        ("_id: x\nname: y\nweight: " + "9" * 5000 + "\n", "a value cannot be read"),
        ('_id: "x\\0"\nname: y\n', "a NUL character"),
    ],
)
def test_hostile_topic_files_get_one_clear_line(document: str, problem: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_topic(document.encode(), "t.yaml", "_data/topics/t.yaml")
    assert problem in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
    assert len(str(caught.value)) < 300


def test_a_topic_file_may_still_end_with_a_stray_document_marker() -> None:
    topic = parse_topic(b"_id: ai\nname: AI\nkeywords: [a.i.]\n---\n", "00-ai.yaml", "00-ai.yaml")
    assert (topic.id, topic.name, topic.keywords) == ("ai", "AI", ("a.i.",))
