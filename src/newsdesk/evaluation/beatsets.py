"""A labelled set for the US-politics beat, assembled at evaluation time from the shared data folder.

``newsdesk eval relevance ../shared/data --taxonomy politics`` reads no JSONL file: it builds the set from the
labelled corpora already in the folder (read, never copied into the project), by their own labels:

- **on the beat**: the BBC's ``politics`` section (``topics/bbc-news/bbc/politics``: British politics, 2004-05:
  Parliament, parties, the election campaign, ministers' policies) and the three ECB+ topics about US politics
  (``clustering/ecbplus.jsonl`` T9, T28, T34: the Endangered Species rules reversed by the Obama administration,
  deaths of Watergate figures, the Surgeon General nominations; both events of each topic);
- **off the beat**: every other article of the BBC's ``sport`` and ``entertainment`` sections, the first 300
  ``Sports`` items of AG News, every twentieth article of ``clustering/gva_longtail.jsonl`` (US local crime
  news: shootings, arrests, trials) and the Giveme5W1H articles filed under sports, entertainment, science and
  technology.

BBC business, AG News World and Business and the rest of Giveme5W1H are left out: their sections mix political
news with other news, and no label says which is which. The sets' licences are in their ``SOURCE`` files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from newsdesk.evaluation.beatitems import BeatItem, json_lines
from newsdesk.record.file import RecordError

#: The ECB+ topics about US politics (the label's part before ``_``).
ECBPLUS_POLITICS = frozenset({"T9", "T28", "T34"})
#: The Giveme5W1H categories off the politics beat.
GIVEME_OFF_BEAT = frozenset({"sports", "entertainment", "science", "technology"})


def politics_items(folder: Path) -> list[BeatItem]:
    """The politics set from the shared ``data`` folder (or the folder above it); a missing part raises
    :class:`RecordError` naming it."""
    if (folder / "data" / "topics").is_dir():
        folder = folder / "data"
    items: list[BeatItem] = []
    bbc = folder / "topics" / "bbc-news" / "bbc"
    items += _bbc(bbc / "politics", True, every=1)
    items += _bbc(bbc / "sport", False, every=2)
    items += _bbc(bbc / "entertainment", False, every=2)
    items += _ag_news(folder / "topics" / "ag-news" / "test.csv", "Sports", limit=300)
    for _, row in json_lines(folder / "clustering" / "ecbplus.jsonl"):
        if str(row.get("cluster", "")).split("_")[0] in ECBPLUS_POLITICS:
            items.append(_item(row, True, "ecbplus US politics"))
    for number, (_, row) in enumerate(json_lines(folder / "clustering" / "gva_longtail.jsonl")):
        if number % 20 == 0:
            items.append(_item(row, False, "gva_longtail crime"))
    for _, row in json_lines(folder / "clustering" / "giveme5w1h.jsonl"):
        if row.get("category") in GIVEME_OFF_BEAT:
            items.append(_item(row, False, f"giveme5w1h {row['category']}"))
    return [
        BeatItem(line=i + 1, id=x.id, title=x.title, text=x.text, on_beat=x.on_beat, origin=x.origin)
        for i, x in enumerate(items)
    ]


#: CSTNews's sections (the label's second part, with and without its accent) and what they are to a politics desk:
#: ``Mundo`` (world news, foreign politics among it) and ``Dinheiro`` (money, tax fights among it) mix the two
#: and are left out, as the English set leaves out the mixed sections.
CSTNEWS_ON_BEAT = frozenset({"Politica", "Política"})
CSTNEWS_OFF_BEAT = frozenset({"Esportes", "Cotidiano", "Ciencia", "Ciência"})


def politics_pt_items(folder: Path) -> list[BeatItem]:
    """The Portuguese politics set: CSTNews (``clustering/cstnews.jsonl``, Brazilian news of 2006-07) by the
    section its editors filed each story under: ``Política`` on the beat; ``Esportes``, ``Cotidiano`` (city and
    everyday news: accidents, crime, weather) and ``Ciência`` off it. 27 on the beat, 69 off."""
    if (folder / "data" / "clustering").is_dir():
        folder = folder / "data"
    items: list[BeatItem] = []
    for _, row in json_lines(folder / "clustering" / "cstnews.jsonl"):
        section = str(row.get("cluster", "")).split("_")[1] if "_" in str(row.get("cluster", "")) else ""
        if section in CSTNEWS_ON_BEAT or section in CSTNEWS_OFF_BEAT:
            items.append(_item(row, section in CSTNEWS_ON_BEAT, f"cstnews {section}"))
    return [
        BeatItem(line=i + 1, id=x.id, title=x.title, text=x.text, on_beat=x.on_beat, origin=x.origin)
        for i, x in enumerate(items)
    ]


def _bbc(section: Path, on_beat: bool, every: int) -> list[BeatItem]:
    if not section.is_dir():
        raise RecordError(str(section), "no such directory (the BBC News set: topics/bbc-news/bbc/SECTION)")
    out: list[BeatItem] = []
    for number, path in enumerate(sorted(section.glob("*.txt"))):
        if number % every:
            continue
        lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        title = lines[0].strip() if lines else ""
        body = "\n".join(line.strip() for line in lines[1:] if line.strip())
        out.append(BeatItem(0, f"bbc-{section.name}-{path.stem}", title, body, on_beat, f"bbc {section.name}"))
    return out


def _ag_news(path: Path, wanted: str, limit: int) -> list[BeatItem]:
    try:
        classes = (path.parent / "classes.txt").read_text(encoding="utf-8").split()
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RecordError(str(path), f"cannot be read: {err.strerror}") from None
    out: list[BeatItem] = []
    for number, row in enumerate(csv.reader(io.StringIO(text))):
        if len(out) >= limit:
            break
        if (
            len(row) == 3
            and row[0].isdigit()
            and 0 < int(row[0]) <= len(classes)
            and classes[int(row[0]) - 1] == wanted
        ):
            body = row[2].replace("\\n", "\n").replace("\\", " ")
            out.append(BeatItem(0, f"ag-{number}", row[1], body, False, f"ag-news {wanted}"))
    return out


def _item(row: dict[str, object], on_beat: bool, origin: str) -> BeatItem:
    title = str(row.get("title") or "")
    body = str(row.get("text") or row.get("lead") or "")
    return BeatItem(0, str(row.get("id", "")), title, body, on_beat, origin)
