"""Stories per language: a multilingual stream never makes a story across languages, and never collapses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.ingest.read.langid import LanguageGuesser
from newsdesk.record import StoryArticle
from newsdesk.stories.languages import LanguageStreams, StreamsConfig, stream_of
from tests.support.embedders import HashingEmbedder

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)

#: Two events (a plane crash in Congo, a football final) told by two outlets each in three languages.
REPORTS = [
    ("en", "crash", "Plane crashes in Congo, killing 17", "A plane crashed near Bukavu in eastern Congo on Thursday, "
     "killing all 17 people on board, a United Nations spokesman said."),
    ("pt", "crash", "Avião cai no Congo e morrem 17 pessoas", "Um acidente aéreo perto de Bukavu, no leste do Congo, "
     "matou as 17 pessoas a bordo na quinta-feira, informou um porta-voz das Nações Unidas."),
    ("vi", "crash", "Máy bay rơi ở Congo, 17 người thiệt mạng", "Một chiếc máy bay đã rơi gần Bukavu ở miền đông "
     "Congo hôm thứ Năm, khiến toàn bộ 17 người trên máy bay thiệt mạng, phát ngôn viên Liên Hợp Quốc cho biết."),
    ("en", "final", "Santos win the cup final against Gremio", "Santos beat Gremio 2-1 in the cup final in Sao Paulo "
     "on Sunday night, with two goals from their young striker in the second half."),
    ("pt", "final", "Santos vence o Grêmio e conquista a Copa", "O Santos venceu o Grêmio por 2 a 1 na final da Copa "
     "em São Paulo na noite de domingo, com dois gols do jovem atacante no segundo tempo."),
    ("vi", "final", "Santos thắng Gremio trong trận chung kết cúp", "Santos đã đánh bại Gremio với tỷ số 2-1 trong "
     "trận chung kết cúp tại Sao Paulo tối Chủ nhật, với hai bàn thắng của tiền đạo trẻ trong hiệp hai."),
    ("en", "crash", "Seventeen dead as plane goes down in eastern Congo", "All 17 people on board died when a plane "
     "crashed near Bukavu in eastern Congo on Thursday, the United Nations said."),
    ("pt", "crash", "Queda de avião no leste do Congo deixa 17 mortos", "As 17 pessoas a bordo morreram na queda de "
     "um avião perto de Bukavu, no leste do Congo, na quinta-feira, segundo as Nações Unidas."),
    ("vi", "crash", "17 người chết khi máy bay rơi ở miền đông Congo", "Toàn bộ 17 người trên máy bay đã thiệt mạng "
     "khi máy bay rơi gần Bukavu ở miền đông Congo hôm thứ Năm, theo Liên Hợp Quốc."),
    ("en", "final", "Gremio lose cup final to Santos in Sao Paulo", "Gremio lost 2-1 to Santos in the cup final in "
     "Sao Paulo on Sunday, after the young striker scored twice in the second half."),
    ("pt", "final", "Grêmio perde a final da Copa para o Santos", "O Grêmio perdeu por 2 a 1 para o Santos na final "
     "da Copa em São Paulo no domingo, depois de dois gols do jovem atacante no segundo tempo."),
    ("vi", "final", "Gremio thua Santos trong trận chung kết cúp", "Gremio đã thua Santos 1-2 trong trận chung kết "
     "cúp tại Sao Paulo hôm Chủ nhật, sau khi tiền đạo trẻ ghi hai bàn trong hiệp hai."),
]  # fmt: skip


def _stream() -> tuple[list[StoryArticle], list[tuple[str, str]]]:
    guesser = LanguageGuesser()
    articles, labels = [], []
    for i, (language, event, title, lead) in enumerate(REPORTS, start=1):
        guessed = guesser.guess_article(title, lead, lead)
        assert guessed == language, (title, guessed)
        articles.append(StoryArticle(i, title, lead, lead, T0 + timedelta(hours=i), language=guessed))
        labels.append((language, event))
    return articles, labels


def test_a_multilingual_stream_makes_no_story_across_languages_or_events() -> None:
    articles, labels = _stream()
    vectors = HashingEmbedder().embed([f"{a.title} {a.lead}" for a in articles])
    streams = LanguageStreams()
    for i, article in enumerate(articles):
        streams.add(article, vectors[i])
    stories: dict[int, set[tuple[str, str]]] = {}
    for article, label in zip(articles, labels, strict=True):
        stories.setdefault(streams.story_of(article.id), set()).add(label)
    # No story holds two languages or two events (with four articles a language, the lexical streams' IDF is
    # still cold: an event may stay in two stories, never more).
    assert all(len(labels_of) == 1 for labels_of in stories.values()), stories
    assert len(stories) <= 9
    assert {lang for labels_of in stories.values() for lang, _ in labels_of} == {"en", "pt", "vi"}
    assert list(streams.languages) == ["en", "pt", "vi"]
    assert streams.story_count == len(stories)


def test_each_language_gets_the_representation_measured_on_it() -> None:
    config = StreamsConfig()
    assert config.representation("en") == "dense"
    assert config.for_language("en").dense_weight > 0
    for language in ("pt", "vi", "de", "und"):
        assert config.representation(language) == "lexical"
        assert config.for_language(language).dense_weight == 0.0
        assert config.for_language(language).idf_floor == 0.0


@pytest.mark.parametrize(
    ("language", "stream"), [("pt-BR", "pt"), ("EN", "en"), (None, "und"), ("", "und"), ("vi", "vi")]
)
def test_an_articles_stream_is_its_primary_language(language: str | None, stream: str) -> None:
    assert stream_of(language) == stream


def test_the_guesser_says_nothing_of_a_text_too_short_to_tell() -> None:
    guesser = LanguageGuesser()
    assert guesser.guess("en.") is None
    assert guesser.guess("2016-10-24") is None
    assert guesser.guess("Flugzeug stürzt im Kongo ab, 17 Menschen sterben") == "de"
