"""What clustering reads off an article (terms, entities, online IDF), sparse vectors and the inverted index."""

from __future__ import annotations

import math

import numpy as np
import pytest

from newsdesk.encoder.text import embedding_text
from newsdesk.stories.features import (
    ENTITY_PREFIX,
    FieldWeights,
    Vocabulary,
    entities,
    entity_names,
    entity_vector,
    field_tokens,
    salient,
    stem,
    terms,
    tfidf,
    title_case,
)
from newsdesk.stories.index import StoryIndex
from newsdesk.stories.sparse import (
    SparseVector,
    add,
    compact,
    distinct,
    dot,
    dot_many,
    group_sums,
    normalised,
    norms,
    shared,
)


def _vector(pairs: dict[int, float]) -> SparseVector:
    ids = np.array(sorted(pairs), dtype=np.int64)
    return SparseVector(ids, np.array([pairs[i] for i in ids.tolist()]))


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("launches", "launch"),
        ("countries", "country"),
        ("satellites", "satellite"),
        ("boss", "boss"),
        ("virus", "virus"),
        ("crisis", "crisis"),
        ("korea's", "korea"),
        ("gas", "gas"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_terms_lowercase_drop_stop_words_and_short_numbers() -> None:
    assert terms("The Satellites were launched in 2013, said NASA's 3 officials!") == [
        "satellite",
        "launched",
        "2013",
        "nasa",
        "official",
    ]


def test_entities_capitalised_sequences_acronyms_and_amounts() -> None:
    found = entities(
        "The U.S. and Barack Obama met in New York City on Tuesday. Police said 12 people were killed "
        "and $11 million was lost near the Bank of England."
    )
    assert "u.s." in found
    assert "barack obama" in found
    assert "new york city" in found
    assert "12 people" in found
    assert "$11 million" in found
    assert "bank of england" in found
    assert "the" not in found
    assert "tuesday" not in found


def test_title_case_titles_give_no_entities() -> None:
    assert title_case("On 3rd Try, South Korea Launches Satellite Into Orbit")
    assert not title_case("South Korea launches a satellite into orbit")
    names = entity_names("South Korea Launches Satellite Into Orbit", "", "", 100)
    assert names == []
    assert entity_names("South Korea launches satellite", "Seoul cheered.", "", 100) == ["seoul", "south korea"]


def test_field_tokens_do_not_count_the_lead_twice() -> None:
    weights = FieldWeights(title=3.0, lead=2.0, text=1.0, text_words=5)
    fields = field_tokens("Title here", "Lead words", "Lead words and then the body goes on and on", weights)
    assert fields == [(["title", "here"], 3.0), (["lead", "words"], 2.0), (["and", "then", "the"], 1.0)]


def test_vocabulary_counts_terms_by_field_and_learns_idf() -> None:
    vocabulary = Vocabulary()
    ids, counts = vocabulary.term_counts([(["rocket", "launch"], 3.0), (["rocket", "the", "u.s.-china"], 1.0)])
    assert [vocabulary.names[i] for i in ids.tolist()] == ["rocket", "launch", "u.s", "china"]
    assert counts.tolist() == [4.0, 3.0, 1.0, 1.0]
    vocabulary.count(ids)
    vocabulary.count(vocabulary.term_counts([(["rocket"], 1.0)])[0])
    rocket, launch = vocabulary.ids(["rocket", "launch"])
    idf = vocabulary.idf(np.array([rocket, launch]))
    assert idf[0] < idf[1]
    assert idf[0] == pytest.approx(math.log(3 / 3) + 1)


def test_tfidf_and_entity_vectors_are_unit_length_and_sorted() -> None:
    vocabulary = Vocabulary()
    ids, counts = vocabulary.term_counts([(["alpha", "beta", "beta", "gamma"], 1.0)])
    vocabulary.count(ids)
    vector = tfidf(ids, counts, vocabulary)
    assert vector.norm() == pytest.approx(1.0)
    assert list(vector.ids) == sorted(vector.ids)
    entity_ids = vocabulary.ids([ENTITY_PREFIX + "nasa", ENTITY_PREFIX + "esa"])
    assert vocabulary.entity[entity_ids].all()
    assert not vocabulary.entity[ids].any()
    ents = entity_vector(entity_ids, vocabulary)
    assert ents.norm() == pytest.approx(1.0)
    assert len(tfidf(np.zeros(0, dtype=np.int64), np.zeros(0), vocabulary)) == 0


def test_salient_keys_heaviest_first_ties_by_id() -> None:
    keys, weights = salient(((_vector({5: 0.5, 2: 0.5, 9: 0.1}), 1.0), (_vector({7: 0.4}), 2.0)), 3)
    assert keys.tolist() == [7, 2, 5]
    assert weights.tolist() == [0.8, 0.5, 0.5]


def test_embedding_text_each_part_once_and_capped() -> None:
    assert embedding_text("Title", "The lead.", "The lead. And more.") == "Title The lead. And more."
    assert embedding_text("", "same", "same") == "same"
    assert len(embedding_text("t", "l", "x" * 5000, characters=100)) == 100


def test_sparse_arithmetic() -> None:
    a, b = _vector({1: 1.0, 3: 2.0}), _vector({3: 1.0, 4: 5.0})
    total = add(a, b)
    assert total.ids.tolist() == [1, 3, 4]
    assert total.weights.tolist() == [1.0, 3.0, 5.0]
    assert dot(a, b) == (2.0, 0.0)
    marked = np.zeros(10, dtype=bool)
    marked[3] = True
    assert dot(a, b, marked) == (0.0, 2.0)
    assert norms(_vector({0: 3.0, 3: 4.0}), marked) == (3.0, 4.0)
    assert shared(a, b).tolist() == [3]
    assert normalised(_vector({0: 3.0, 1: 4.0})).weights.tolist() == [0.6, 0.8]
    scratch = np.zeros(10)
    plain, split = dot_many(a, [b, a, SparseVector.empty()], scratch, marked)
    assert plain.tolist() == [0.0, 1.0, 0.0]
    assert split.tolist() == [2.0, 4.0, 0.0]
    assert not scratch.any()
    trimmed = add(_vector({i: float(i) for i in range(1, 6)}), SparseVector.empty(), keep=2)
    assert trimmed.ids.tolist() == [4, 5]
    assert distinct(np.array([3, 1, 3, 2])).tolist() == [1, 2, 3]
    sums = group_sums(np.array([4, 1, 4]), np.array([1.0, 2.0, 3.0]))
    assert sums.ids.tolist() == [1, 4]
    assert sums.weights.tolist() == [2.0, 4.0]
    small = compact(a)
    assert small.ids.dtype == np.int32
    assert small.weights.dtype == np.float32


def _code(slot: int, generation: int = 0) -> int:
    return (slot << 8) | generation


def test_index_counts_each_story_once_per_key_and_follows_roots() -> None:
    index = StoryIndex(depth=2, bits=8)
    index.add(_code(0), np.array([10, 11]))
    index.add(_code(1), np.array([10]))
    index.add(_code(2), np.array([10, 11]))
    index.add(_code(0), np.array([10]))
    roots = np.array([0, 1, 0])  # story 2 was merged into story 0
    generations = np.zeros(3, dtype=np.int64)
    slots, totals = index.lookup(np.array([10, 11, 99]), np.array([1.0, 0.5, 9.0]), roots, generations)
    # Key 10's two latest postings are stories 2 and 0, both now story 0: counted once.
    assert slots.tolist() == [0]
    assert totals.tolist() == [1.5]
    empty_slots, _ = index.lookup(np.array([99]), np.array([1.0]), roots, generations)
    assert len(empty_slots) == 0


def test_index_skips_the_postings_of_a_freed_slot() -> None:
    index = StoryIndex(depth=4, bits=8)
    index.add(_code(0), np.array([10]))
    index.add(_code(1), np.array([10, 11]))
    # Slot 1's story closed and the slot now holds another story (generation 1) that has only key 12.
    index.add(_code(1, 1), np.array([12]))
    generations = np.array([0, 1])
    slots, totals = index.lookup(np.array([10, 11, 12]), np.array([1.0, 0.5, 0.25]), np.arange(2), generations)
    assert slots.tolist() == [0, 1]
    assert totals.tolist() == [1.0, 0.25]
    nothing, _ = index.lookup(np.array([11]), np.array([1.0]), np.arange(2), generations)
    assert len(nothing) == 0


def test_index_keeps_only_what_it_reads() -> None:
    index = StoryIndex(depth=3, bits=8)
    for slot in range(10):
        index.add(_code(slot), np.array([0]))
    slots, _ = index.lookup(np.array([0]), np.array([1.0]), np.arange(10), np.zeros(10, dtype=np.int64))
    assert slots.tolist() == [7, 8, 9]
