"""The story record file: Markdown with YAML front matter, read and written byte-exact.

``parse_record`` turns the bytes of a record file into a :class:`~newsdesk.record.Story`
and ``render_record`` turns a story back into text. For every record written
in the seed's layout, ``render_record(parse_record(data)) == data``.

Parsing goes through PyYAML's parser (so every YAML rule is honoured), builds
the node tree from its events, and then walks the tree by hand: that way every
complaint names the line it is about, duplicate keys are caught, and no YAML
implicit typing (``on`` as a bool, ``2023-07-25`` as a date) changes a value
behind the record's back.

The node tree is built here, not by PyYAML's composer: an anchor or an alias
(which the format does not use) is refused as soon as the parser meets it, so
an alias bomb is never expanded, and nesting deeper than :data:`MAX_DEPTH` is
refused before it is built. Every number is
bounded to what the store holds and every list to a cap (see the constants
below), so a record that parses also imports.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from newsdesk.errors import NewsdeskError
from newsdesk.record import Article, Extra, ExtraValue, Image, Provider, Secured, Story
from newsdesk.record.secured import secured_text

#: A record larger than this is refused before it is parsed (the seed is 4 KB).
MAX_RECORD_BYTES = 1024 * 1024
#: Deepest nesting of lists and mappings in the front matter (a record needs 6).
MAX_DEPTH = 32
#: Most ``related`` articles a record may hold (the real records hold at most a handful).
MAX_RELATED = 1_000
#: Most ``topics`` a record may name (a desk's taxonomy has a few dozen).
MAX_TOPICS = 500
#: Most images one article or provider may hold.
MAX_IMAGES = 100
#: Bounds of ``quality``: the format's 0-100, with room for real records that go past 100 (189 seen).
QUALITY_RANGE = (0, 1_000)
#: Bounds of ``heat``: ``-1`` (not computed) to 1,000 (the desk's own is 0-100; 189 seen).
HEAT_RANGE = (-1, 1_000)
#: Bounds of an image's ``width`` and ``height``, in pixels: what the store's integer column holds.
PIXELS_RANGE = (0, 2**31 - 1)
#: Bounds of a whole number among the fields newsdesk does not know (stored as JSON): 64 bits.
EXTRA_INT_RANGE = (-(2**63), 2**63 - 1)
#: Longest ``category`` and ``type``, in characters (the store's column widths).
MAX_CATEGORY = 64
MAX_TYPE = 32

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"

_T = TypeVar("_T")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordError(NewsdeskError, ValueError):
    """A record that cannot be read: names the input, the line where known, the problem."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        message = one_line(message)
        super().__init__(message)
        self.source = one_line(source)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


_LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every character that would break it into lines written as an escape."""
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def shown(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short where it is long."""
    if len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    return repr(value)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Ctx:
    source: str
    offset: int  # line number of the front matter's first line, minus one

    def fail(self, node: Node | None, message: str) -> RecordError:
        line = node.start_mark.line + 1 + self.offset if node is not None else None
        return RecordError(self.source, message, line)


def split_front_matter(text: str, source: str) -> tuple[str, str]:
    """Split a record's text into its YAML front matter and its body."""
    if not text.startswith("---\n"):
        if text.startswith("\ufeff"):
            raise RecordError(source, "starts with a byte-order mark; save it as UTF-8 without BOM", 1)
        if text.startswith("---\r\n"):
            raise RecordError(source, "uses CRLF line endings; records use LF", 1)
        raise RecordError(source, "no front matter: a record starts with a '---' line", 1)
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise RecordError(source, "front matter is never closed by a '---' line")
    return text[4 : end + 1], text[end + 5 :]


def decode_record(data: bytes, source: str) -> str:
    """The text of a record file, or a :class:`RecordError` saying why it is not one."""
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(
            source,
            f"file is {len(data):,} bytes; a record may be at most {MAX_RECORD_BYTES:,} bytes",
        )
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise RecordError(source, "binary file (NUL byte), not a text record", line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 1].hex()
        raise RecordError(source, f"not UTF-8: byte 0x{bad} cannot be decoded", line) from None


def parse_record(data: bytes | str, source: str, slug: str) -> Story:
    """Read one record file's bytes (or text) into a :class:`Story`.

    ``source`` names the input in error messages; ``slug`` is the record's
    name (its file name without ``.md``).
    """
    if isinstance(data, str):
        data = _encoded(data, source)
    text = decode_record(data, source)
    if _UNSTORABLE.search(slug):
        raise RecordError(source, f"the record's name {shown(slug)} is not UTF-8 text")
    front, body = split_front_matter(text, source)
    ctx = _Ctx(source, 1)
    root = compose_front_matter(front, source, first_line=2)
    if root is None:
        raise RecordError(source, "front matter is empty", 2)
    fields = _mapping(ctx, root, "front matter")
    primary = _article(ctx, root, fields, top=True)
    return Story(
        slug=slug,
        primary=primary,
        category=_opt(ctx, fields, "category", _category) or "news",
        heat=_opt(ctx, fields, "heat", _bounded(HEAT_RANGE)),
        published=_opt(ctx, fields, "published", _bool),
        topics=_opt(ctx, fields, "topics", _topics),
        related=_opt(ctx, fields, "related", _related),
        secured=_opt(ctx, fields, "secured", _secured),
        body=body,
        extras=_extras(ctx, fields, _TOP_KEYS),
    )


def _encoded(text: str, source: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        line = text.count("\n", 0, err.start) + 1
        raise RecordError(source, f"not UTF-8: U+{ord(text[err.start]):04X} is a lone surrogate", line) from None


#: Characters no store column can hold: NUL (PostgreSQL text) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def compose_front_matter(front: str, source: str, *, first_line: int) -> Node | None:
    """The YAML node tree of ``front`` (``None`` when it holds no document), or a :class:`RecordError`.

    Built from the parser's events with anchors and aliases refused as they are met
    and nesting bounded by :data:`MAX_DEPTH`: nothing is ever expanded or recursed into
    without bound. ``first_line`` is the file's line number of ``front``'s first line.
    """
    return _composing(front, source, first_line, lambda composer: composer.document())


def compose_documents(text: str, source: str, *, first_line: int) -> list[Node]:
    """Every YAML document of ``text`` as a node tree, held to the same rules as a record's front matter."""
    return _composing(text, source, first_line, lambda composer: composer.documents())


def _composing(text: str, source: str, first_line: int, compose: Callable[[_Composer], _T]) -> _T:
    composer = _Composer(text, source, first_line)
    try:
        return compose(composer)
    except yaml.MarkedYAMLError as err:
        raise yaml_error(source, err, first_line=first_line) from None
    except yaml.YAMLError as err:
        raise RecordError(source, f"broken YAML: {one_line(str(err))}") from None
    finally:
        composer.loader.dispose()


class _Composer:
    """PyYAML's composer, less anchors and aliases, with a depth bound and storable scalars."""

    def __init__(self, front: str, source: str, first_line: int) -> None:
        # The C parser's events and marks are untyped; they are read here only.
        self.loader: Any = _Loader(front)
        self.source = source
        self.first_line = first_line

    def fail(self, mark: Any, message: str) -> RecordError:
        return RecordError(self.source, message, None if mark is None else mark.line + self.first_line)

    def document(self) -> Node | None:
        loader = self.loader
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # the document's start
        root = self.node(1)
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.peek_event()
            raise self.fail(event.start_mark, "front matter holds more than one YAML document")
        return root

    def documents(self) -> list[Node]:
        loader = self.loader
        loader.get_event()  # the stream's start
        nodes = []
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # a document's start
            nodes.append(self.node(1))
            loader.get_event()  # its end
        return nodes

    def node(self, depth: int) -> Node:
        event: Any = self.loader.get_event()
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(mark, f"YAML alias *{event.anchor}: records have no anchors or aliases")
        if event.anchor is not None:
            raise self.fail(mark, f"YAML anchor &{event.anchor}: records have no anchors or aliases")
        if depth > MAX_DEPTH:
            raise self.fail(mark, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            sequence = SequenceNode(self.tag(SequenceNode, None, event), [], mark, None, flow_style=event.flow_style)
            while not self.loader.check_event(yaml.SequenceEndEvent):
                sequence.value.append(self.node(depth + 1))
            sequence.end_mark = self.loader.get_event().end_mark
            return sequence
        assert isinstance(event, yaml.MappingStartEvent)
        mapping = MappingNode(self.tag(MappingNode, None, event), [], mark, None, flow_style=event.flow_style)
        while not self.loader.check_event(yaml.MappingEndEvent):
            key = self.node(depth + 1)
            mapping.value.append((key, self.node(depth + 1)))
        mapping.end_mark = self.loader.get_event().end_mark
        return mapping

    def scalar(self, event: Any) -> ScalarNode:
        found = _UNSTORABLE.search(event.value)
        if found is not None:
            what = "a NUL character" if found.group() == "\x00" else f"a lone surrogate U+{ord(found.group()):04X}"
            raise self.fail(event.start_mark, f"a value holds {what}, which no record may hold")
        tag = self.tag(ScalarNode, event.value, event)
        return ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)

    def tag(self, kind: type[Node], value: str | None, event: Any) -> str:
        tag: str | None = getattr(event, "tag", None)
        if tag is None or tag == "!":
            implicit = getattr(event, "implicit", True)
            resolved: str = self.loader.resolve(kind, value, implicit)
            return resolved
        return tag


def yaml_error(source: str, err: yaml.MarkedYAMLError, *, first_line: int) -> RecordError:
    """A YAML error as one line, pointing where the broken construct starts."""
    mark = err.context_mark or err.problem_mark
    line = mark.line + first_line if mark is not None else None
    problem = ", ".join(p for p in (err.context, err.problem) if p) or "malformed YAML"
    return RecordError(source, f"broken YAML: {problem}", line)


_Fields = dict[str, tuple[ScalarNode, Node]]


def _mapping(ctx: _Ctx, node: Node, what: str) -> _Fields:
    if not isinstance(node, MappingNode):
        raise ctx.fail(node, f"{what} must be a mapping of keys to values")
    out: _Fields = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise ctx.fail(key, f"{what} has a key that is not a plain name")
        if key.value in out:
            first = out[key.value][0].start_mark.line + 1 + ctx.offset
            raise ctx.fail(key, f"duplicate key {shown(key.value)} (first on line {first})")
        out[key.value] = (key, value)
    return out


def _scalar(ctx: _Ctx, key: str, node: Node) -> ScalarNode:
    if not isinstance(node, ScalarNode):
        raise ctx.fail(node, f"{key} must be a single value, not a list or mapping")
    return node


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL and _plain(node)


def _plain(node: ScalarNode) -> bool:
    # The pure-Python composer marks plain scalars with None, the C one with "".
    return not node.style


def _str(ctx: _Ctx, key: str, node: Node) -> str:
    return str(_scalar(ctx, key, node).value)


def _plain_str(ctx: _Ctx, key: str, node: Node) -> str:
    value = _str(ctx, key, node)
    if not value.strip():
        raise ctx.fail(node, f"{key} is empty")
    return value


_WHOLE = re.compile(r"-?[0-9]+")
#: More digits than any 64-bit number has (leading zeros aside): refused before ``int()`` sees them.
_MAX_DIGITS = 40


def _whole(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number within ``low``..``high``, or ``None`` where it is out of range."""
    if len(text.lstrip("-").lstrip("0")) > _MAX_DIGITS:
        return None
    number = int(text)
    return number if low <= number <= high else None


def _bounded(bounds: tuple[int, int]) -> Callable[[_Ctx, str, Node], int]:
    low, high = bounds

    def read(ctx: _Ctx, key: str, node: Node) -> int:
        scalar = _scalar(ctx, key, node)
        if not _plain(scalar) or not _WHOLE.fullmatch(scalar.value):
            raise ctx.fail(node, f"{key} must be a whole number, not {shown(scalar.value)}")
        number = _whole(scalar.value, low, high)
        if number is None:
            raise ctx.fail(node, f"{key} must be a whole number from {low:,} to {high:,}, not {shown(scalar.value)}")
        return number

    return read


def _bool(ctx: _Ctx, key: str, node: Node) -> bool:
    scalar = _scalar(ctx, key, node)
    if _plain(scalar) and scalar.value in ("true", "True", "TRUE"):
        return True
    if _plain(scalar) and scalar.value in ("false", "False", "FALSE"):
        return False
    raise ctx.fail(node, f"{key} must be true or false, not {shown(scalar.value)}")


_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?\s*(Z|z|[+-]\d{2}:?\d{2})?", re.ASCII
)


def _datetime(ctx: _Ctx, key: str, node: Node) -> datetime:
    value = _str(ctx, key, node).strip()
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ctx.fail(node, f"{key} must be a UTC time like 2023-07-25T17:32:00Z, not {shown(value)}")
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace(" ", "T", 1))
    except ValueError:
        raise ctx.fail(node, f"{key} {shown(value)} is not a real date and time") from None
    # A record's times are to the second (they are written back so); a fraction is dropped on reading.
    parsed = parsed.replace(microsecond=0)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ctx.fail(node, f"{key} {shown(value)} falls outside the years 1-9999 in UTC") from None


def _secured(ctx: _Ctx, key: str, node: Node) -> Secured:
    value = _str(ctx, key, node)
    parts = value.split(";")
    shape = "secured must be base64(ciphertext);base64(iv)"
    if len(parts) != 2:
        raise ctx.fail(node, f"{shape}: found {len(parts) - 1} ';' separators, expected 1")
    try:
        ciphertext = base64.b64decode(parts[0], validate=True)
        iv = base64.b64decode(parts[1], validate=True)
    except binascii.Error as err:
        raise ctx.fail(node, f"{shape}: not valid base64 ({err})") from None
    if len(iv) != 16:
        raise ctx.fail(node, f"{shape}: the IV is {len(iv)} bytes, expected 16")
    if not ciphertext or len(ciphertext) % 16:
        raise ctx.fail(node, f"{shape}: the ciphertext is {len(ciphertext)} bytes, not whole 16-byte blocks")
    if base64.b64encode(ciphertext).decode() != parts[0] or base64.b64encode(iv).decode() != parts[1]:
        raise ctx.fail(node, f"{shape}: base64 is not in canonical form")
    return Secured(ciphertext=ciphertext, iv=iv)


def _capped(ctx: _Ctx, node: SequenceNode, what: str, cap: int) -> None:
    if len(node.value) > cap:
        raise ctx.fail(node, f"{what} holds {len(node.value):,} entries; a record may hold at most {cap:,}")


def _limited(width: int) -> Callable[[_Ctx, str, Node], str]:
    def read(ctx: _Ctx, key: str, node: Node) -> str:
        value = _plain_str(ctx, key, node)
        if len(value) > width:
            raise ctx.fail(node, f"{key} is {len(value):,} characters long; the store holds at most {width}")
        return value

    return read


_category = _limited(MAX_CATEGORY)
_type = _limited(MAX_TYPE)


def _topics(ctx: _Ctx, key: str, node: Node) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode):
        raise ctx.fail(node, "topics must be a list of topic names")
    _capped(ctx, node, "topics", MAX_TOPICS)
    return tuple(_plain_str(ctx, "a topic", item) for item in node.value)


def _related(ctx: _Ctx, key: str, node: Node) -> tuple[Article, ...]:
    if not isinstance(node, SequenceNode):
        raise ctx.fail(node, "related must be a list of articles")
    _capped(ctx, node, "related", MAX_RELATED)
    return tuple(_article(ctx, item, _mapping(ctx, item, "a related article"), top=False) for item in node.value)


def _images(ctx: _Ctx, key: str, node: Node) -> tuple[Image, ...]:
    if not isinstance(node, SequenceNode):
        raise ctx.fail(node, f"{key} must be a list of images")
    _capped(ctx, node, key, MAX_IMAGES)
    images = []
    for item in node.value:
        fields = _mapping(ctx, item, "an image")
        if "url" not in fields:
            raise ctx.fail(item, "an image has no url")
        images.append(
            Image(
                url=_plain_str(ctx, "url", fields["url"][1]),
                width=_opt(ctx, fields, "width", _bounded(PIXELS_RANGE)),
                height=_opt(ctx, fields, "height", _bounded(PIXELS_RANGE)),
                is_cached=_opt(ctx, fields, "isCached", _bool),
                title=_opt(ctx, fields, "title", _str),
                extras=_extras(ctx, fields, _IMAGE_KEYS),
            )
        )
    return tuple(images)


def _provider(ctx: _Ctx, key: str, node: Node) -> Provider:
    fields = _mapping(ctx, node, "provider")
    if "name" not in fields:
        raise ctx.fail(node, "provider has no name")
    return Provider(
        name=_plain_str(ctx, "provider name", fields["name"][1]),
        domain=_opt(ctx, fields, "domain", _plain_str),
        images=_opt(ctx, fields, "images", _images),
        extras=_extras(ctx, fields, _PROVIDER_KEYS),
    )


def _opt(ctx: _Ctx, fields: _Fields, key: str, read: Callable[[_Ctx, str, Node], _T]) -> _T | None:
    entry = fields.get(key)
    if entry is None or _is_null(entry[1]):
        return None
    return read(ctx, key, entry[1])


def _article(ctx: _Ctx, node: Node, fields: _Fields, *, top: bool) -> Article:
    if "title" not in fields or _is_null(fields["title"][1]):
        raise ctx.fail(node, "no title" if top else "a related article has no title")
    if "publishedDateTime" not in fields or _is_null(fields["publishedDateTime"][1]):
        raise ctx.fail(node, "no publishedDateTime" if top else "a related article has no publishedDateTime")
    return Article(
        title=_plain_str(ctx, "title", fields["title"][1]),
        published=_datetime(ctx, "publishedDateTime", fields["publishedDateTime"][1]),
        excerpt=_opt(ctx, fields, "excerpt", _str),
        original_url=_opt(ctx, fields, "originalUrl", _plain_str),
        web_url=_opt(ctx, fields, "webUrl", _plain_str),
        amp_web_url=_opt(ctx, fields, "ampWebUrl", _plain_str),
        cdn_amp_web_url=_opt(ctx, fields, "cdnAmpWebUrl", _plain_str),
        type=_opt(ctx, fields, "type", _type) or "article",
        quality=_opt(ctx, fields, "quality", _bounded(QUALITY_RANGE)),
        featured_content=_opt(ctx, fields, "featuredContent", _str),
        provider=_opt(ctx, fields, "provider", _provider),
        images=_opt(ctx, fields, "images", _images),
        extras=() if top else _extras(ctx, fields, _ARTICLE_KEYS),
    )


#: Known keys written back even when the file gave them no value (as ``news`` and ``article``).
_ALWAYS_WRITTEN = frozenset({"category", "type"})


def _extras(ctx: _Ctx, fields: _Fields, order: Sequence[str]) -> tuple[Extra, ...]:
    """The unknown keys of ``fields``, in the order they are written back (``order`` is the known keys')."""
    known = set(order)
    extras = []
    after = ""
    for name, (_key, value) in fields.items():
        if name in known:
            # An unknown key goes back after the last known key that is written back.
            if not _is_null(value) or name in _ALWAYS_WRITTEN:
                after = name
        else:
            extras.append(Extra(key=name, value=_extra_value(ctx, name, value), after=after))
    rank = {"": -1} | {key: i for i, key in enumerate(order)}
    return tuple(sorted(extras, key=lambda extra: rank[extra.after]))


def _extra_value(ctx: _Ctx, key: str, node: Node) -> ExtraValue:
    if isinstance(node, SequenceNode):
        return [_extra_value(ctx, key, item) for item in node.value]
    if isinstance(node, MappingNode):
        return {name: _extra_value(ctx, key, v) for name, (_k, v) in _mapping(ctx, node, key).items()}
    assert isinstance(node, ScalarNode)
    if _plain(node):
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL and str(node.value).lower() in ("true", "false"):
            return str(node.value).lower() == "true"
        if node.tag == _INT and _WHOLE.fullmatch(node.value):
            number = _whole(node.value, *EXTRA_INT_RANGE)
            if number is None:
                raise ctx.fail(node, f"{key} holds the number {shown(node.value)}, which does not fit in 64 bits")
            return number
    return str(node.value)


# --------------------------------------------------------------------------- writing

#: Key order of a story's top level; the primary article's fields are inline.
_TOP_KEYS = (
    "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
    "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published",
    "featuredContent", "provider", "topics", "images", "related", "secured",
)  # fmt: skip
_TOP_STORY_KEYS = ("category", "heat", "published", "topics", "related", "secured")
#: Keys that open a group: each is written after one blank line.
_GROUP_KEYS = frozenset({"featuredContent", "provider", "topics", "images", "related", "secured"})
#: Key order of a related article.
_ARTICLE_KEYS = (
    "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "ampWebUrl",
    "cdnAmpWebUrl", "type", "provider", "quality", "featuredContent", "images",
)  # fmt: skip
_IMAGE_KEYS = ("url", "width", "height", "isCached", "title")
_PROVIDER_KEYS = ("name", "domain", "images")


class _Quoted(str):
    """A string the layout always writes in double quotes (free text, URLs)."""


_Pairs = list[tuple[str, object]]


def render_record(story: Story) -> str:
    """Write a story as record text in the seed's layout."""
    primary = story.primary
    values: dict[str, object] = {
        "category": story.category,
        **_article_values(primary),
        "heat": story.heat,
        "published": story.published,
        "topics": list(story.topics) if story.topics is not None else None,
        "related": [_article_pairs(a) for a in story.related] if story.related is not None else None,
        "secured": _Quoted(secured_text(story.secured)) if story.secured else None,
    }
    pairs = _ordered(values, _TOP_KEYS, story.extras)
    lines = ["---"]
    previous_group = False
    for key, value in pairs:
        group = key in _GROUP_KEYS or isinstance(value, (list, dict)) or previous_group
        if group and len(lines) > 1:
            lines.append("")
        lines.extend(_emit_pair(key, value, 0))
        previous_group = group
    lines.append("---")
    return "\n".join(lines) + "\n" + story.body


def _article_values(article: Article) -> dict[str, object]:
    return {
        "title": _Quoted(article.title),
        "excerpt": _quoted(article.excerpt),
        "publishedDateTime": article.published,
        "originalUrl": _quoted(article.original_url),
        "webUrl": _quoted(article.web_url),
        "ampWebUrl": _quoted(article.amp_web_url),
        "cdnAmpWebUrl": _quoted(article.cdn_amp_web_url),
        "type": article.type,
        "quality": article.quality,
        "featuredContent": _quoted(article.featured_content),
        "provider": _provider_pairs(article.provider) if article.provider else None,
        "images": _image_list(article.images),
    }


def _article_pairs(article: Article) -> dict[str, object]:
    return dict(_ordered(_article_values(article), _ARTICLE_KEYS, article.extras))


def _provider_pairs(provider: Provider) -> dict[str, object]:
    values: dict[str, object] = {
        "name": provider.name,
        "domain": provider.domain,
        "images": _image_list(provider.images),
    }
    return dict(_ordered(values, _PROVIDER_KEYS, provider.extras))


def _image_list(images: Sequence[Image] | None) -> list[object] | None:
    if images is None:
        return None
    out: list[object] = []
    for image in images:
        values: dict[str, object] = {
            "url": _Quoted(image.url),
            "width": image.width,
            "height": image.height,
            "isCached": image.is_cached,
            "title": _quoted(image.title),
        }
        out.append(dict(_ordered(values, _IMAGE_KEYS, image.extras)))
    return out


def _quoted(value: str | None) -> _Quoted | None:
    return None if value is None else _Quoted(value)


def _ordered(values: dict[str, object], order: Iterable[str], extras: Sequence[Extra]) -> _Pairs:
    pairs: _Pairs = [(e.key, e.value) for e in extras if e.after == ""]
    for key in order:
        value = values.get(key)
        if value is not None:
            pairs.append((key, value))
        pairs.extend((e.key, e.value) for e in extras if e.after == key)
    return pairs


def _emit_pair(key: str, value: object, indent: int) -> list[str]:
    pad, key = " " * indent, key_text(key)
    if isinstance(value, dict):
        if not value:
            return [f"{pad}{key}: {{}}"]
        return [f"{pad}{key}:", *_emit_mapping(value, indent + 2)]
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        return [f"{pad}{key}:", *_emit_sequence(value, indent + 2)]
    return [f"{pad}{key}: {scalar_text(value)}"]


def _emit_mapping(mapping: dict[str, object], indent: int) -> list[str]:
    lines: list[str] = []
    for key, value in mapping.items():
        lines.extend(_emit_pair(key, value, indent))
    return lines


def _emit_sequence(items: list[object], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, dict) and item:
            inner = _emit_mapping(item, indent + 2)
        elif isinstance(item, list) and item:
            inner = _emit_sequence(item, indent + 2)
        else:
            empty = "{}" if isinstance(item, dict) else "[]"
            lines.append(f"{pad}- {empty if isinstance(item, (dict, list)) else scalar_text(item)}")
            continue
        lines.append(f"{pad}- {inner[0][indent + 2 :]}")
        lines.extend(inner[1:])
    return lines


_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t",
    "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", "\x1b": "\\e",
    "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF",
}  # fmt: skip
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _ESCAPES:
            return _ESCAPES[char]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


_resolver = yaml.resolver.Resolver()


def plain_safe(text: str) -> bool:
    """Whether ``text`` can be written bare and read back as the same string."""
    if not text or text != text.strip() or _NEEDS_ESCAPE.search(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" and not (text[0] in "-?:" and len(text) > 1 and text[1] != " "):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\u0085" in text:
        return False
    resolved: str = _resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return resolved == _STR


def key_text(key: str) -> str:
    """A mapping key as written: bare where it reads back as the same name, else double-quoted.

    Keys are read by their text whatever YAML would type them as, so ``null`` or ``12``
    stay bare; only what would not scan back as the same plain text is quoted.
    """
    bare = bool(key) and key == key.strip() and not _NEEDS_ESCAPE.search(key) and "\u0085" not in key
    if bare and key[0] in "-?:,[]{}#&*!|>'\"%@`" and not (key[0] in "-?:" and len(key) > 1 and key[1] != " "):
        bare = False
    if bare and (": " in key or " #" in key or key.endswith(":") or key.startswith(("---", "..."))):
        bare = False
    return key if bare else double_quoted(key)


def scalar_text(value: object) -> str:
    """One scalar as the record layout writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        # isoformat, not strftime: strftime writes the year 999 as "999", which reads back as no date.
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if value is None:
        return "null"
    text = str(value)
    if isinstance(value, _Quoted) or not plain_safe(text):
        return double_quoted(text)
    return text


def roundtrip_difference(data: bytes, source: str, slug: str) -> str | None:
    """``None`` if the record reads and writes back to the same bytes, else where it differs."""
    written = render_record(parse_record(data, source, slug))
    original = data.decode("utf-8")
    if written == original:
        return None
    old_lines, new_lines = original.split("\n"), written.split("\n")
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if old != new:
            return f"line {number} is written back as {new[:120]!r}, was {old[:120]!r}"
    shorter = min(len(old_lines), len(new_lines)) + 1
    return f"written back with {len(new_lines)} lines instead of {len(old_lines)} (from line {shorter})"
