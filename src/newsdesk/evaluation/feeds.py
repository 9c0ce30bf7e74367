"""How well ``parse_feed`` reads real and crafted feeds (``newsdesk eval feeds PATH``).

PATH is ``../shared/data/feeds`` (or any folder holding some of its corpora):

- **rss-parser**, **feedjira**, **rsparser-netnewswire**: real feeds. Reported: files, how many parse as feeds,
  items, how many needed recovery, and which failed. rss-parser ships its own expected parse
  (``test/output/<name>.json``): entry counts, feed titles and each item's title and link are compared (text
  equal after tags are dropped, entities decoded and whitespace collapsed). feedjira ships the expected text of
  some first entries (``<Feed>FirstEntry.xml``, ``...FirstEntryContent.xml`` for the content,
  ``...FirstEntryDescription.xml`` for the summary): compared the same way; those fragments are not feeds and
  are not counted as files. rsparser-netnewswire's HTML pages are run through ``discover_feeds`` and its OPML
  files through ``parse_opml``.
- **feedparser-tests**: about 2,100 crafted feeds whose header comment holds an ``Expect:`` expression over
  feedparser's result. The expression is read with :mod:`ast` and evaluated by a small interpreter (never
  ``eval``) over views that map feedparser's keys to ParsedFeed fields (``FEED_KEYS``, ``ENTRY_KEYS``;
  ``bozo`` is ``recovered is not None``, a FeedError is bozo with nothing parsed). An expression that reads
  anything else (``encoding``, ``version``, ``*_detail`` beyond ``value``, links lists, HTTP headers,
  whole-dict comparisons) is *not applicable*, never agreed. A second figure evaluates the same expressions
  with their ``bozo`` / ``not bozo`` conjuncts dropped, to show field agreement apart from the bozo flag.
  ``wellformed/sanitize`` and ``wellformed/base`` test feedparser's rewriting of HTML inside content
  (sanitising, absolute URIs); ``parse_feed`` keeps content as given by design, so the summary also gives the
  agreement without those two folders (``..._without_content_rewriting``). Files are fetched, as in feedparser's
  own suite, from ``http://127.0.0.1:8097/tests/<path>``; a
  ``Header: Content-type`` line is passed as the content type and ``Content-Location`` moves the base URL.
"""

from __future__ import annotations

import ast
import codecs
import html
import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from newsdesk.ingest.sources import FeedEntry, ParsedFeed, SourceError, discover_feeds, parse_feed, parse_opml

REAL_CORPORA = ("rss-parser", "feedjira", "rsparser-netnewswire")
CRAFTED = "feedparser-tests"
CRAFTED_URL = "http://127.0.0.1:8097/tests/"
REAL_URL = "http://example.com/feed"
#: feedparser feed keys an expectation may read, and the ParsedFeed field each shows.
FEED_KEYS = {"title": "title", "title_detail.value": "title", "link": "site_url", "language": "language"}
#: feedparser entry keys an expectation may read, and the FeedEntry field each shows.
ENTRY_KEYS = {
    "title": "title",
    "title_detail.value": "title",
    "link": "link",
    "id": "id",
    "guid": "id",
    "summary": "summary",
    "description": "summary",
    "summary_detail.value": "summary",
    "content[i].value": "content",
    "author": "authors[0]",
    "authors[i].name": "authors",
    "category": "categories[0]",
    "tags[i].term": "categories",
    "enclosures[i].href/type/length": "enclosures",
    "published_parsed": "published",
    "updated_parsed": "updated",
    "image.href": "image.url",
}
_SKIP_NAMES = {"LICENSE", "SOURCE.txt"}
_FRAGMENT = re.compile(r"^(?P<feed>.+?)FirstEntry(?P<part>Content|Description)?\.xml$")
_EXPECT = re.compile(rb"Expect:[ \t]*([^\r\n]*)")
_HEADER = re.compile(rb"Header:[ \t]*([A-Za-z-]+):[ \t]*([^\r\n]*)")
_SKIP_UNLESS = re.compile(rb"SkipUnless:[ \t]*([^\r\n]*)")
_LOOKUP = re.compile(r"lookup\('([^']+)'\)")
_TAGS = re.compile(r"<[^>]*>")
_DISAGREEMENTS_SHOWN = 25
#: feedparser-tests folders about rewriting HTML inside content, which parse_feed leaves as given.
CONTENT_REWRITING = ("wellformed/sanitize", "wellformed/base")


@dataclass(slots=True)
class Agreement:
    """Checks that agreed out of those that applied; ``not_applicable`` ones counted apart."""

    agreed: int = 0
    applicable: int = 0
    not_applicable: int = 0

    def add(self, outcome: bool | None) -> None:
        if outcome is None:
            self.not_applicable += 1
            return
        self.applicable += 1
        self.agreed += outcome

    @property
    def share(self) -> float:
        return self.agreed / self.applicable if self.applicable else 0.0


@dataclass(slots=True)
class CorpusReport:
    """One corpus: files, feeds parsed, items, recoveries, failures, checks against expected outputs."""

    name: str
    files: int = 0
    feeds: int = 0
    items: int = 0
    recovered: int = 0
    failures: list[str] = field(default_factory=list)
    checks: dict[str, Agreement] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def check(self, name: str) -> Agreement:
        return self.checks.setdefault(name, Agreement())


@dataclass(slots=True)
class CraftedGroup:
    """feedparser-tests files of one folder: parsed, expectations met (and met apart from bozo)."""

    files: int = 0
    parsed: int = 0
    items: int = 0
    expectations: Agreement = field(default_factory=Agreement)
    fields: Agreement = field(default_factory=Agreement)


@dataclass(slots=True)
class FeedEvalReport:
    """The whole evaluation: the real corpora, the crafted tests by folder, a sample of disagreements."""

    root: Path
    corpora: list[CorpusReport] = field(default_factory=list)
    crafted: dict[str, CraftedGroup] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- expectations -----------------------------------------------------------------------------------------------


class NotApplicable(Exception):
    """The expectation reads something ParsedFeed does not map."""


class View:
    """Dict-like over mapped keys: a missing mapped key is a KeyError, an unmapped one NotApplicable."""

    __slots__ = ("_mapped", "_values")

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = {key: value for key, value in values.items() if value is not None}
        self._mapped = frozenset(values)

    def item(self, key: Any) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._mapped:
            raise KeyError(key)
        raise NotApplicable(str(key))

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._mapped:
            return default
        raise NotApplicable(str(key))

    def contains(self, key: Any) -> bool:
        if key in self._values:
            return True
        if key in self._mapped:
            return False
        raise NotApplicable(str(key))


def _detail(value: str | None) -> View | None:
    return View({"value": value}) if value is not None else None


def _struct(moment: datetime | None) -> time.struct_time | None:
    return moment.utctimetuple() if moment is not None else None


def _feed_view(feed: ParsedFeed | None) -> View:
    if feed is None:
        return View(dict.fromkeys(("title", "title_detail", "link", "language")))
    values = {"title": feed.title, "title_detail": _detail(feed.title), "link": feed.site_url}
    return View(values | {"language": feed.language})


def _entry_view(entry: FeedEntry) -> View:
    enclosures = [
        View({"href": e.url, "type": e.type, "length": None if e.length is None else str(e.length)})
        for e in entry.enclosures
    ]
    return View(
        {
            "title": entry.title,
            "title_detail": _detail(entry.title),
            "link": entry.link,
            "id": entry.id,
            "guid": entry.id,
            "summary": entry.summary,
            "description": entry.summary,
            "summary_detail": _detail(entry.summary),
            "content": [View({"value": entry.content})] if entry.content is not None else None,
            "author": entry.authors[0] if entry.authors else None,
            "authors": [View({"name": name}) for name in entry.authors] or None,
            "category": entry.categories[0] if entry.categories else None,
            "tags": [View({"term": term}) for term in entry.categories] or None,
            "enclosures": enclosures or None,
            "published_parsed": _struct(entry.published),
            "updated_parsed": _struct(entry.updated),
            "image": View({"href": entry.image.url}) if entry.image is not None else None,
        }
    )


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: bool(a == b),
    ast.NotEq: lambda a, b: bool(a != b),
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}


class _Interpreter:
    """Evaluates the few node types feedparser's expectations use; anything else is NotApplicable."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def run(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return self.run(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            raise NotApplicable(node.id)
        if isinstance(node, ast.Tuple | ast.List):
            values = [self.run(element) for element in node.elts]
            return tuple(values) if isinstance(node, ast.Tuple) else values
        if isinstance(node, ast.BoolOp):
            return self._bool(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            value = self.run(node.operand)
            return (not value) if isinstance(node.op, ast.Not) else -value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.run(node.left) + self.run(node.right)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(self.run(node.value), self.run(node.slice))
        if isinstance(node, ast.Attribute):
            container = self.run(node.value)
            if isinstance(container, View):
                return container.item(node.attr)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise NotApplicable(type(node).__name__)

    def _bool(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.run(operand)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _compare(self, node: ast.Compare) -> bool:
        left = self.run(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.run(right_node)
            if isinstance(op, ast.In | ast.NotIn):
                if isinstance(left, View):
                    raise NotApplicable("dict in")
                found = right.contains(left) if isinstance(right, View) else left in right
                outcome = found if isinstance(op, ast.In) else not found
            elif isinstance(left, View) or isinstance(right, View) or type(op) not in _COMPARE:
                raise NotApplicable("whole-dict comparison")
            else:
                outcome = _COMPARE[type(op)](left, right)
            if not outcome:
                return False
            left = right
        return True

    @staticmethod
    def _subscript(container: Any, key: Any) -> Any:
        if isinstance(container, View):
            return container.item(key)
        if isinstance(container, list | tuple | str | time.struct_time):
            return container[key]
        raise NotApplicable("subscript")

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        arguments = [self.run(argument) for argument in node.args]
        if node.keywords:
            raise NotApplicable("keywords")
        if isinstance(func, ast.Name) and func.id in ("len", "ord") and len(arguments) == 1:
            if isinstance(arguments[0], View):
                raise NotApplicable("len of a dict")
            return len(arguments[0]) if func.id == "len" else ord(arguments[0])
        if isinstance(func, ast.Attribute) and func.attr == "get":
            container = self.run(func.value)
            if isinstance(container, View):
                return container.get(*arguments)
        raise NotApplicable("call")


def _is_bozo_test(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        node = node.operand
    return isinstance(node, ast.Name) and node.id == "bozo"


def _without_bozo(tree: ast.Expression) -> ast.Expression | None:
    """The expression with its top-level ``bozo`` / ``not bozo`` conjuncts dropped; None if nothing else is left."""
    body = tree.body
    if _is_bozo_test(body):
        return None
    if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And):
        rest = [operand for operand in body.values if not _is_bozo_test(operand)]
        if not rest:
            return None
        body = rest[0] if len(rest) == 1 else ast.BoolOp(op=ast.And(), values=rest)
    return ast.Expression(body=body)


def check_expectation(expression: str, feed: ParsedFeed | None, *, ignore_bozo: bool = False) -> bool | None:
    """True (agreed), False (disagreed) or None (not applicable) for one feedparser ``Expect:`` expression."""
    try:
        tree: ast.Expression | None = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None
    if tree is not None and ignore_bozo:
        tree = _without_bozo(tree)
    if tree is None or isinstance(tree.body, ast.Constant):
        return None
    names: dict[str, Any] = {
        "bozo": True if feed is None else feed.recovered is not None,
        "feed": _feed_view(feed),
        "entries": [] if feed is None else [_entry_view(entry) for entry in feed.entries],
        "True": True,
        "False": False,
        "None": None,
    }
    if ignore_bozo:
        del names["bozo"]
    try:
        return bool(_Interpreter(names).run(tree))
    except NotApplicable:
        return None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return False


# -- the crafted tests ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CraftedCase:
    """One feedparser test file's header: its expectation, the HTTP headers it is served with, whether it runs."""

    expect: str | None
    headers: dict[str, str]
    runnable: bool


def read_case(data: bytes) -> CraftedCase:
    """The ``Expect:``, ``Header:`` and ``SkipUnless:`` lines of a feedparser test file's header comment."""
    header = data[:4096]
    match = _EXPECT.search(header)
    expect = match.group(1).decode("utf-8", "replace") if match else None
    if expect is not None and "-->" in expect:
        expect = expect.split("-->", 1)[0]
    if expect is not None and expect.rstrip().endswith('",'):
        expect = expect.rstrip()[:-2]
    headers = {name.decode("ascii").lower(): value.decode("latin-1").strip() for name, value in _HEADER.findall(header)}
    runnable = True
    skip = _SKIP_UNLESS.search(header)
    if skip:
        lookup = _LOOKUP.search(skip.group(1).decode("ascii", "replace"))
        runnable = lookup is not None and _codec_known(lookup.group(1))
    return CraftedCase(expect.strip() if expect else None, headers, runnable)


def _codec_known(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _group(relative: Path) -> str:
    parts = relative.parts
    return "/".join(parts[:2]) if parts[0] in ("wellformed", "illformed") and len(parts) > 2 else parts[0]


def _crafted(folder: Path, report: FeedEvalReport, tick: Callable[[], None]) -> None:
    tests = folder / "tests" if (folder / "tests").is_dir() else folder
    for path in sorted(p for p in tests.rglob("*") if p.is_file() and p.name not in _SKIP_NAMES):
        tick()
        relative = path.relative_to(tests)
        group = report.crafted.setdefault(_group(relative), CraftedGroup())
        group.files += 1
        data = path.read_bytes()
        case = read_case(data)
        url = CRAFTED_URL + relative.as_posix()
        if "content-location" in case.headers:
            url = urljoin(url, case.headers["content-location"])
        feed: ParsedFeed | None
        try:
            feed = parse_feed(data, url, case.headers.get("content-type"))
            group.parsed += 1
            group.items += len(feed.entries)
        except SourceError:
            feed = None
        if case.expect is None or not case.runnable or "content-language" in case.headers:
            group.expectations.add(None)
            group.fields.add(None)
            continue
        outcome = check_expectation(case.expect, feed)
        group.expectations.add(outcome)
        group.fields.add(check_expectation(case.expect, feed, ignore_bozo=True))
        shown = len(report.disagreements) < _DISAGREEMENTS_SHOWN
        if outcome is False and shown and _group(relative) not in CONTENT_REWRITING:
            report.disagreements.append(f"{CRAFTED}/{relative.as_posix()}: {case.expect}")


# -- the real corpora -------------------------------------------------------------------------------------------


def normal_text(value: str | None) -> str:
    """Tags dropped, entities decoded, NFKC, whitespace collapsed: how texts are compared."""
    if not value:
        return ""
    text = html.unescape(_TAGS.sub(" ", value)) if "<" in value or "&" in value else value
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _same(ours: str | None, expected: Any) -> bool:
    """Equal normal texts; a U+FFFD in the expected text (its parser's lost character) stands for any one character."""
    if not isinstance(expected, str):
        return False
    mine, theirs = normal_text(ours), normal_text(expected)
    if "\ufffd" not in theirs:
        return mine == theirs
    pattern = "".join("." if char == "\ufffd" else re.escape(char) for char in theirs)
    return re.fullmatch(pattern, mine, re.DOTALL) is not None


def _same_link(ours: str | None, expected: Any) -> bool:
    """Equal links, an expected relative one taken against the feed's URL (ours are absolute by contract)."""
    return isinstance(expected, str) and ours == urljoin(REAL_URL, expected.strip())


def _parse(path: Path, report: CorpusReport, root: Path) -> ParsedFeed | None:
    report.files += 1
    try:
        feed = parse_feed(path.read_bytes(), REAL_URL)
    except SourceError as err:
        report.failures.append(f"{path.relative_to(root).as_posix()} ({err.problem})")
        return None
    report.feeds += 1
    report.items += len(feed.entries)
    report.recovered += feed.recovered is not None
    return feed


def _expected_json(path: Path) -> Any:
    data = path.read_bytes()
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        return json.loads(data.decode("latin-1"))


def _compare_rss_parser(feed: ParsedFeed | None, expected: dict[str, Any], report: CorpusReport) -> None:
    items = expected.get("items") or []
    report.check("entry counts").add(feed is not None and len(feed.entries) == len(items))
    if "title" in expected:
        report.check("feed titles").add(feed is not None and _same(feed.title, expected["title"]))
    entries: tuple[FeedEntry, ...] = feed.entries if feed is not None else ()
    for index, item in enumerate(items):
        entry = entries[index] if index < len(entries) else None
        if "title" in item:
            report.check("item titles").add(entry is not None and _same(entry.title, item["title"]))
        if "link" in item:
            report.check("item links").add(entry is not None and _same_link(entry.link, item["link"]))


def _rss_parser(folder: Path, root: Path, tick: Callable[[], None]) -> CorpusReport:
    report = CorpusReport("rss-parser")
    inputs = folder / "test" / "input"
    outputs = folder / "test" / "output"
    for path in sorted(p for p in inputs.iterdir() if p.is_file()):
        tick()
        feed = _parse(path, report, root)
        expected_path = outputs / f"{path.stem}.json"
        if expected_path.is_file():
            expected = _expected_json(expected_path)
            _compare_rss_parser(feed, expected.get("feed", expected), report)
    return report


def _feedjira(folder: Path, root: Path, tick: Callable[[], None]) -> CorpusReport:
    report = CorpusReport("feedjira")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in _SKIP_NAMES)
    fragments = {p: _FRAGMENT.match(p.name) for p in files}
    feeds: dict[str, ParsedFeed | None] = {}
    for path in files:
        if fragments[path] is None:
            tick()
            feeds[path.name] = _parse(path, report, root)
    for path, match in fragments.items():
        if match is None:
            continue
        feed = feeds.get(f"{match.group('feed')}.xml")
        entry = feed.entries[0] if feed is not None and feed.entries else None
        ours = None
        if entry is not None:
            ours = entry.summary if match.group("part") == "Description" else (entry.content or entry.summary)
        expected = path.read_bytes().decode("utf-8", "replace")
        report.check("first-entry texts").add(_same(ours, expected))
    return report


def _netnewswire(folder: Path, root: Path, tick: Callable[[], None]) -> CorpusReport:
    report = CorpusReport("rsparser-netnewswire")
    pages = discovered = outlines = opml_files = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in _SKIP_NAMES):
        tick()
        if path.suffix == ".html":
            pages += 1
            discovered += bool(discover_feeds(path.read_bytes(), "https://example.com/"))
        elif path.suffix == ".opml":
            opml_files += 1
            try:
                outlines += len(parse_opml(path.read_bytes(), path.name))
            except SourceError as err:
                report.notes.append(f"OPML {path.name}: {err.problem}")
        else:
            _parse(path, report, root)
    report.notes.append(f"HTML pages: {pages}, a feed discovered on {discovered}")
    report.notes.append(f"OPML files: {opml_files}, {outlines} feeds listed")
    return report


def run_feed_eval(root: Path, progress: Callable[[], None] | None = None) -> FeedEvalReport:
    """Evaluate ``parse_feed`` on the corpora under ``root``; ``progress`` is called once per file."""
    tick = progress or (lambda: None)
    readers = {"rss-parser": _rss_parser, "feedjira": _feedjira, "rsparser-netnewswire": _netnewswire}
    present = [name for name in (*REAL_CORPORA, CRAFTED) if (root / name).is_dir()]
    if not present:
        raise SourceError(str(root), f"no feed corpora here (expected some of {', '.join((*REAL_CORPORA, CRAFTED))})")
    started = time.perf_counter()
    report = FeedEvalReport(root)
    for name in present:
        if name == CRAFTED:
            _crafted(root / name, report, tick)
        else:
            report.corpora.append(readers[name](root / name, root, tick))
    report.seconds = time.perf_counter() - started
    return report


# -- the report -------------------------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _agreement_line(name: str, agreement: Agreement) -> str:
    line = f"{name} {agreement.agreed}/{agreement.applicable} = {agreement.share:.4f}"
    return line + (f" ({agreement.not_applicable} not applicable)" if agreement.not_applicable else "")


def _total(agreements: Iterable[Agreement]) -> Agreement:
    total = Agreement()
    for agreement in agreements:
        total.agreed += agreement.agreed
        total.applicable += agreement.applicable
        total.not_applicable += agreement.not_applicable
    return total


def summary(report: FeedEvalReport) -> dict[str, Any]:
    """Every figure of the report, flat: the last line ``format_report`` prints."""
    figures: dict[str, Any] = {}
    files = sum(c.files for c in report.corpora)
    feeds = sum(c.feeds for c in report.corpora)
    figures |= {"real_files": files, "real_feeds": feeds, "real_parse_rate": _ratio(feeds, files)}
    figures["real_items"] = sum(c.items for c in report.corpora)
    figures["real_recovered"] = sum(c.recovered for c in report.corpora)
    for corpus in report.corpora:
        key = corpus.name.replace("-", "_")
        figures[f"{key}_parse_rate"] = _ratio(corpus.feeds, corpus.files)
        for name, agreement in corpus.checks.items():
            check = name.replace(" ", "_").replace("-", "_")
            figures[f"{key}_{check}_agreement"] = round(agreement.share, 4)
            figures[f"{key}_{check}_applicable"] = agreement.applicable
    if report.crafted:
        groups = report.crafted.values()
        expectations = _total(g.expectations for g in groups)
        fields = _total(g.fields for g in groups)
        crafted_files = sum(g.files for g in groups)
        figures["feedparser_tests_files"] = crafted_files
        figures["feedparser_tests_parse_rate"] = _ratio(sum(g.parsed for g in groups), crafted_files)
        figures["feedparser_tests_items"] = sum(g.items for g in groups)
        figures["feedparser_tests_agreed"] = expectations.agreed
        figures["feedparser_tests_applicable"] = expectations.applicable
        figures["feedparser_tests_not_applicable"] = expectations.not_applicable
        figures["feedparser_tests_agreement"] = round(expectations.share, 4)
        figures["feedparser_tests_field_agreement"] = round(fields.share, 4)
        figures["feedparser_tests_field_applicable"] = fields.applicable
        kept = _total(g.expectations for name, g in report.crafted.items() if name not in CONTENT_REWRITING)
        figures["feedparser_tests_agreement_without_content_rewriting"] = round(kept.share, 4)
        figures["feedparser_tests_applicable_without_content_rewriting"] = kept.applicable
    figures["seconds"] = round(report.seconds, 2)
    return figures


def format_report(report: FeedEvalReport) -> list[str]:
    """Human-readable lines; the last line is one JSON object with every figure."""
    lines: list[str] = []
    for corpus in report.corpora:
        lines.append(
            f"{corpus.name}: {corpus.files} files, {corpus.feeds} parse as feeds "
            f"({_ratio(corpus.feeds, corpus.files):.1%}), {corpus.items} items, {corpus.recovered} recovered"
        )
        lines.extend(f"  not a feed: {failure}" for failure in corpus.failures)
        lines.extend(f"  {_agreement_line(name, agreement)}" for name, agreement in corpus.checks.items())
        lines.extend(f"  {note}" for note in corpus.notes)
    if report.crafted:
        groups = report.crafted.values()
        expectations = _total(g.expectations for g in groups)
        fields = _total(g.fields for g in groups)
        lines.append(
            f"{CRAFTED}: {sum(g.files for g in groups)} files, {sum(g.parsed for g in groups)} parse, "
            f"{sum(g.items for g in groups)} items; " + _agreement_line("expectations", expectations)
        )
        lines.append("  " + _agreement_line("apart from the bozo flag", fields))
        kept = _total(g.expectations for name, g in report.crafted.items() if name not in CONTENT_REWRITING)
        lines.append(
            "  "
            + _agreement_line("without sanitize/ and base/", kept)
            + " — content is kept as given, not sanitised or rebased"
        )
        for name, group in sorted(report.crafted.items()):
            lines.append(
                f"  {name}: {group.files} files, {group.parsed} parse, "
                + _agreement_line("expectations", group.expectations)
            )
        if report.disagreements:
            lines.append(f"first {len(report.disagreements)} disagreements:")
            lines.extend(f"  {line}" for line in report.disagreements)
    lines.append(json.dumps(summary(report)))
    return lines
