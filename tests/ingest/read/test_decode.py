"""Page bytes to text: byte-order marks, UTF-8, declared charsets, detection."""

from __future__ import annotations

import codecs

import pytest

from newsdesk.ingest.read.decode import decode_page
from newsdesk.ingest.read.values import ReadError

URL = "https://example.com/p"
TEXT = "<html><body><p>Grüße aus Köln – “Zitat” für 5 €</p></body></html>"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_a_byte_order_mark_decides(bom: bytes, encoding: str) -> None:
    assert decode_page(bom + TEXT.encode(encoding), URL, "text/html; charset=iso-8859-1") == TEXT


def test_valid_utf8_wins_over_a_wrong_declaration() -> None:
    data = ('<meta charset="iso-8859-1">' + TEXT).encode("utf-8")
    assert decode_page(data, URL, "text/html; charset=windows-1252") == '<meta charset="iso-8859-1">' + TEXT


def test_utf8_with_a_few_stray_bytes_stays_utf8() -> None:
    data = ('<meta charset="utf-8">' + TEXT * 3).encode("utf-8") + b"<p>caf\xe9</p>"
    decoded = decode_page(data, URL)
    assert decoded.count("Grüße") == 3
    assert decoded.endswith("<p>caf\ufffd</p>")


def test_the_content_type_charset_comes_before_the_meta_charset() -> None:
    data = ('<meta charset="iso-8859-5">' + "<p>Ωμέγα</p>").encode("iso-8859-7")
    assert decode_page(data, URL, "text/html; charset=ISO-8859-7").endswith("<p>Ωμέγα</p>")


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="windows-1252">',
        "<meta charset=latin1>",
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
    ],
)
def test_a_declared_latin_charset_reads_as_windows_1252(declaration: str) -> None:
    data = (declaration + TEXT).encode("cp1252")
    assert decode_page(data, URL) == declaration + TEXT


def test_an_xml_declaration_names_the_encoding() -> None:
    data = ("<?xml version='1.0' encoding='koi8-r'?>" + "<p>Привет, мир</p>").encode("koi8-r")
    assert decode_page(data, URL).endswith("<p>Привет, мир</p>")


def test_undeclared_windows_1252_is_detected() -> None:
    page = "<html><body><p>" + "Die Gäste zahlen 2,50 € für den Kaffee – „schön“, sagt sie. " * 5 + "</p></body></html>"
    assert decode_page(page.encode("cp1252"), URL) == page


def test_an_unknown_declared_charset_is_ignored() -> None:
    data = ('<meta charset="x-klingon">' + TEXT).encode("utf-8")
    assert decode_page(data, URL) == '<meta charset="x-klingon">' + TEXT


@pytest.mark.parametrize("content_type", ["text/html", "application/xhtml+xml; charset=utf-8", "text/plain", None, ""])
def test_html_like_content_types_are_accepted(content_type: str | None) -> None:
    assert decode_page(TEXT.encode(), URL, content_type) == TEXT


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "video/mp4", "application/json"])
def test_other_content_types_are_refused(content_type: str) -> None:
    with pytest.raises(ReadError, match=f"^{URL}: content type {content_type} is not HTML$"):
        decode_page(TEXT.encode(), URL, content_type)
