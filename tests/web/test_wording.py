"""The reader site speaks the site's language: every phrase has its Portuguese, and a pt-br site uses it."""

from __future__ import annotations

import dataclasses
import re
import string
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.settings import SiteSettings
from newsdesk.store import Store
from newsdesk.web.app import create_app
from newsdesk.web.wording import PHRASES, Wording
from tests.support.clocks import ManualClock
from tests.support.markup import parse_html
from tests.support.paths import REPO
from tests.support.publishdata import beat, save, settings

WEB = REPO / "src" / "newsdesk" / "web"
#: ``t("...")`` in the reader's templates; ``words("...")``, ``error_page(status, "...", "...")`` and the
#: unsubscribe pages' ``_page(pages, status, "...", "...")`` in its code.
_IN_TEMPLATES = re.compile(r"""\bt\((?P<q>["'])(.+?)(?P=q)""")
_STRING = r'"((?:[^"\\]|\\.)+)"'
_IN_CODE = re.compile(
    r"(?:words\(|error_page\([\w.]+, |error\(request, [\w.]+, |_page\(pages, \d+, |question = )"
    + _STRING
    + r"(?:, (?:\w+ or )?"
    + _STRING
    + r")?"
)


def _places(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


def used_phrases() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):  # the reader's (the desk's live in desk/)
        found |= {m.group(2) for m in _IN_TEMPLATES.finditer(template.read_text(encoding="utf-8"))}
    for module in ("reader.py", "feeds.py", "app.py", "pages.py", "subscriptions.py"):
        for match in _IN_CODE.finditer((WEB / module).read_text(encoding="utf-8")):
            found |= {p for p in match.groups() if p}
    return found


def test_every_phrase_of_the_reader_site_has_its_portuguese_with_the_same_places() -> None:
    used = used_phrases()
    assert {"Search stories", "Top stories", "No such story", "There is no page at this address."} <= used
    missing = sorted(used - set(PHRASES["pt"]))
    assert missing == []
    for english, portuguese in PHRASES["pt"].items():
        assert _places(english) == _places(portuguese), english
    unused = sorted(set(PHRASES["pt"]) - used)
    assert unused == []


def test_wording_falls_back_to_english_and_fills_places() -> None:
    assert Wording("pt-BR")("Search: {query}", query="eleição") == "Busca: eleição"
    assert Wording("pt_br")("Top stories") == "Principais notícias"
    assert Wording("en-us")("Search: {query}", query="x") == "Search: x"
    assert Wording("de")("Top stories") == "Top stories"
    assert Wording("pt-br")("a phrase nobody wrote {x}", x=1) == "a phrase nobody wrote 1"
    assert Wording("pt-br").long_day(date(2024, 5, 2)) == "quinta-feira, 2 de maio de 2024"
    assert Wording("en").long_day(date(2024, 5, 2)) == "Thursday, 2 May 2024"


def test_a_portuguese_site_reads_in_portuguese(store: Store, tmp_path: Path) -> None:
    save(store, beat())
    base = settings(tmp_path)
    portuguese = dataclasses.replace(base, site=SiteSettings(title="Política Todo Dia", url=base.site.url,
                                                              page_size=2, locale="pt-br"))  # fmt: skip
    clock = ManualClock(beat()[0].primary.published)
    with TestClient(create_app(portuguese, store, clock), follow_redirects=False) as client:
        front = parse_html(client.get("/").text)
        assert front.xpath("//html/@lang") == ["pt-br"]
        assert front.xpath("//h1/text()") == ["Principais notícias"]
        assert front.xpath("//input[@name='q']/@placeholder") == ["Buscar notícias"]
        assert "Arquivo" in front.xpath("//footer//a/text()")
        assert "A notícia" in front.xpath("//article//p[@class='meta']/a/text()")
        archive = client.get("/archive/2024-05-02/").text
        assert "quinta-feira, 2 de maio de 2024" in archive
        missing = client.get("/stories/no-such-story/")
        assert missing.status_code == 404
        assert "Notícia inexistente" in missing.text
        assert "Voltar às principais notícias" in missing.text
        nowhere = client.get("/no/such/address")
        assert "Não há página neste endereço." in nowhere.text
        searched = client.get("/search?q=zzzz").text
        assert "Nenhuma notícia publicada corresponde a zzzz." in searched
