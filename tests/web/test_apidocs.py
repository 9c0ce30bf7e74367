"""The API's docs page, ``/api/docs``: our own HTML from the OpenAPI schema, no script, nothing from elsewhere.

FastAPI's default page ran Swagger UI's script from a CDN on the desk's origin, with no Content-Security-Policy.
Also here: every answer of the site carries a Content-Security-Policy, and no template needs inline style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

from newsdesk.publish.links import SiteLinks
from newsdesk.settings import Settings, SiteSettings
from newsdesk.store import Store
from newsdesk.web.apidocs import DOCS_POLICY, TypePart, api_reference, prose, type_parts
from newsdesk.web.app import create_app
from tests.support.clocks import ManualClock
from tests.support.markup import parse_html
from tests.support.publishdata import beat, save

API_PATHS = {"/api/news/", "/api/news/{topic}/", "/api/stories/{ident}", "/api/topics/"}


def make_client(tmp_path: Path, url: str) -> Iterator[TestClient]:
    settings = Settings(desk=tmp_path, site=SiteSettings(title="A.I. Every Day", url=url))
    with Store.open(f"sqlite:///{tmp_path / 'site.db'}") as store:
        save(store, beat())
        app = create_app(settings, store, ManualClock(datetime(2024, 5, 3, 7, 0, tzinfo=UTC)))
        with TestClient(app, follow_redirects=False) as client:
            yield client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from make_client(tmp_path, "https://news.example")


def row_text(row: lxml.html.HtmlElement) -> str:
    """A table row's cells, each with its whitespace collapsed, one space between."""
    return " ".join(filter(None, (" ".join(cell.text_content().split()) for cell in row.xpath("td"))))


def addresses(page: lxml.html.HtmlElement) -> list[str]:
    """Every address the page names in an attribute a browser follows or loads."""
    return [str(v) for v in page.xpath("//@href | //@src | //@action | //@srcset | //@data | //@poster")]


def test_the_docs_page_runs_no_script_and_loads_nothing_from_elsewhere(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == DOCS_POLICY
    assert DOCS_POLICY.startswith("default-src 'none'; style-src 'self'; img-src 'self'")
    assert "script-src" not in DOCS_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    text = response.text
    assert "<script" not in text.lower()
    assert "swagger" not in text.lower()
    page = parse_html(response.content)
    assert not page.xpath("//script | //iframe | //object | //embed | //link[@rel!='stylesheet'] | //*[@style]")
    assert not [a for e in page.iter() if isinstance(e.tag, str) for a in e.attrib if a.lower().startswith("on")]
    for address in addresses(page):
        assert address.startswith(("/", "#")), address
        assert not address.startswith("//"), address
    # URLs in the text are the site's own (the curl examples), never another host's.
    for url in re.findall(r"[a-z]+://[^\s'\"<>]+", text):
        assert url.startswith("https://news.example/api/"), url


def test_the_docs_page_shows_each_endpoint_its_parameters_answers_models_and_a_curl(client: TestClient) -> None:
    page = parse_html(client.get("/api/docs").content)
    endpoints = {
        " ".join(h.text_content().split()): h.getparent() for h in page.xpath("//section[@class='endpoint']/h2")
    }
    assert set(endpoints) == {f"GET {path}" for path in API_PATHS}
    assert endpoints["GET /api/news/"].xpath("./p/code/text()") == ["value", "nextPage"], "``code`` in docstrings"
    news = endpoints["GET /api/news/{topic}/"]
    rows = [row_text(r) for r in news.xpath(".//table[1]/tbody/tr")]
    assert rows == [
        "topic required path string",
        "page query integer at least 1, at most 100000, default 1 Page number, from 1.",
        "language query string or null Only stories in this language: an ISO 639 code (en, pt, ...).",
    ]
    answers = [row_text(r) for r in news.xpath(".//table[2]/tbody/tr")]
    assert answers[0] == "200 A page of the topic's news NewsPageModel (application/json)"
    assert any(a.startswith("400 A parameter is not valid") and "ErrorModel" in a for a in answers)
    assert not any(a.startswith("422") for a in answers), "the desk answers 400, never 422"
    assert news.xpath(".//pre/code/text()") == ["curl -s 'https://news.example/api/news/TOPIC/?page=1'"]
    curls = page.xpath("//section[@class='endpoint']//pre/code/text()")
    assert "curl -s 'https://news.example/api/topics/'" in curls
    # Each model a response names is on the page, linked, with its fields.
    assert news.xpath(".//a[@href='#model-NewsPageModel']")
    model = page.xpath("//section[@id='model-NewsPageModel']")[0]
    fields = [row_text(r) for r in model.xpath(".//tbody/tr")]
    assert fields == [
        "page integer",
        "value list of StoryModel",
        "nextPage integer or null The next page's number; null on the last page",
    ]
    for href in page.xpath("//a[starts-with(@href, '#')]/@href"):
        assert page.xpath(f"//*[@id='{href[1:]}']"), f"{href} points nowhere"


def test_the_docs_page_follows_the_sites_path_prefix(tmp_path: Path) -> None:
    for client in make_client(tmp_path, "https://example.org/ai/"):
        response = client.get("/ai/api/docs")
        assert response.status_code == 200
        page = parse_html(response.content)
        assert page.xpath("//link[@rel='stylesheet']/@href") == ["/ai/static/site.css"]
        assert page.xpath("//a[code='/ai/api/openapi.json']/@href") == ["/ai/api/openapi.json"]
        assert "curl -s 'https://example.org/ai/api/news/?page=1'" in page.xpath("//pre/code/text()")


def test_the_openapi_schema_is_served_as_json_listing_the_api(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == API_PATHS
    news = schema["paths"]["/api/news/"]["get"]
    assert news["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorModel"
    }
    assert "422" not in news["responses"]
    # What a page past the last answers is declared too, and the API's address keeps the site's path.
    assert news["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorModel"
    }
    assert schema["servers"][0]["url"] == "/"
    past = client.get("/api/news/?page=999")
    assert (past.status_code, set(past.json())) == (404, {"detail"})
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert client.get("/api/news/?page=0").status_code == 400, "what the schema says is what the desk answers"


@pytest.mark.parametrize(
    "path",
    ["/", "/api/docs", "/api/openapi.json", "/api/news/", "/static/site.css", "/feed.xml", "/desk/login", "/nope"],
)
def test_every_answer_carries_a_content_security_policy_that_allows_no_script(client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'")
    assert "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_site_template_needs_inline_style_or_script() -> None:
    """The site's policies allow our stylesheet only: an inline style or script in a template would not run.
    (The archived newsletter is e-mail HTML, sent with its own policy that allows its inline styles.)"""
    templates = resources.files("newsdesk.web") / "templates"
    names = [t for t in templates.iterdir() if t.is_file()] + [
        t for d in templates.iterdir() if d.is_dir() for t in d.iterdir()
    ]
    assert len(names) > 5
    for template in names:
        text = template.read_text(encoding="utf-8").lower()
        assert "<script" not in text, template.name
        assert "<style" not in text, template.name
        assert not re.search(r"\sstyle\s*=", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name


def test_types_in_words() -> None:
    assert type_parts({"type": "integer"}) == (TypePart("integer"),)
    assert type_parts({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}) == (
        TypePart("A", model="A"),
        TypePart(" or "),
        TypePart("null"),
    )
    assert type_parts({"type": "array", "items": {"type": "string"}}) == (TypePart("list of "), TypePart("string"))
    assert type_parts({"type": "string", "enum": ["a", "b"]}) == (TypePart("string, one of a, b"),)
    assert type_parts({}) == (TypePart("any value"),)


def test_docstring_code_marks_become_code() -> None:
    assert prose("``value`` holds a page") == (("value", True), (" holds a page", False))
    assert prose("an ``unpaired mark") == (("an ``unpaired mark", False),)
    assert prose("") == ()


def test_a_hostile_schema_is_shown_as_text() -> None:
    """Names and descriptions come from code, but the page escapes them all the same."""
    schema = {
        "info": {"title": "<script>alert(1)</script>", "version": "1"},
        "paths": {"/api/x/{id}": {"get": {"summary": "<b>", "parameters": [{"name": "id", "in": "path"}]}}},
    }
    reference = api_reference(schema, SiteLinks.of(SiteSettings(title="T", url="https://news.example")))
    assert reference.title == "<script>alert(1)</script>"
    assert reference.endpoints[0].curl == "curl -s 'https://news.example/api/x/ID'"
