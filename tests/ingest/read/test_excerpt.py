"""The lead: about 300 characters, cut at a sentence end, never inside a word."""

from __future__ import annotations

from newsdesk.ingest.read.excerpt import ELLIPSIS, LENGTH, read_excerpt, shorten
from newsdesk.ingest.read.metadata import read_meta
from newsdesk.ingest.read.parse import parse_html

SENTENCE = "The robot folds a towel in ninety seconds and then stacks it on the pile. "  # 74 characters


def test_short_text_is_kept_whole() -> None:
    assert shorten("  A short   lead.  ") == "A short lead."


def test_long_text_is_cut_after_the_last_sentence_that_fits() -> None:
    text = SENTENCE * 6
    cut = shorten(text)
    assert cut == (SENTENCE * 4).strip()
    assert len(cut) <= LENGTH


def test_without_a_sentence_end_the_cut_is_at_a_space_with_an_ellipsis() -> None:
    text = "word " * 100
    cut = shorten(text)
    assert cut.endswith("word" + ELLIPSIS)
    assert len(cut) <= LENGTH + 1
    assert " wor" + ELLIPSIS not in cut


def test_a_sentence_end_too_early_is_not_used() -> None:
    text = "Yes. " + "and then it went on " * 30
    cut = shorten(text)
    assert cut.startswith("Yes. and then")
    assert cut.endswith(" it" + ELLIPSIS)
    assert len(cut) <= LENGTH + 1


def test_quotes_after_the_full_stop_stay_with_the_sentence() -> None:
    text = '"' + SENTENCE.strip()[:-1] + '." ' + SENTENCE * 5
    assert shorten(text).startswith('"The robot')
    assert shorten(text).endswith(".")


def test_chinese_sentences_end_without_spaces() -> None:
    text = "机器人在九十秒内叠好一条毛巾，然后把它放在一堆毛巾上面。" * 20
    cut = shorten(text)
    assert cut.endswith("。")
    assert len(cut) <= LENGTH


def excerpt(head: str, text: str = "", hint: str | None = None) -> str | None:
    meta = read_meta(parse_html(f"<html><head>{head}</head><body></body></html>", "https://a.com/"))
    return read_excerpt(meta, text, hint=hint, title="The Title", site_name="The Site")


def test_json_ld_description_then_og_then_twitter_then_meta() -> None:
    ld = '<script type="application/ld+json">{"@type": "Article", "description": "From the JSON-LD article."}</script>'
    og = '<meta property="og:description" content="From the og:description tag.">'
    tw = '<meta name="twitter:description" content="From the twitter:description tag.">'
    md = '<meta name="description" content="From the description meta tag.">'
    assert excerpt(ld + og + tw + md) == "From the JSON-LD article."
    assert excerpt(og + tw + md) == "From the og:description tag."
    assert excerpt(tw + md) == "From the twitter:description tag."
    assert excerpt(md) == "From the description meta tag."


def test_descriptions_that_are_too_short_or_the_title_are_skipped() -> None:
    head = '<meta property="og:description" content="Short."><meta name="description" content="The Title">'
    assert (
        excerpt(head, hint="The feed summary of the story, plain text.") == "The feed summary of the story, plain text."
    )


def test_double_escaped_entities_and_tags_are_made_plain() -> None:
    head = (
        '<meta name="description" content="The &amp;#8220;Krone&amp;#8221; quotes &lt;b&gt;my&lt;/b&gt; tweet today.">'
    )
    assert excerpt(head) == "The “Krone” quotes my tweet today."


def test_the_first_paragraph_of_the_text_skips_headings() -> None:
    text = "A Heading Of The Article Here\n" + SENTENCE * 2 + "\nSecond paragraph."
    assert excerpt("", text) == (SENTENCE * 2).strip()


def test_nothing_usable_gives_none() -> None:
    assert excerpt("", "Menu\nLog in") is None
