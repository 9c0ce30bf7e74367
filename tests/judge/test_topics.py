"""Topic tagging: most specific first then parents, evidence, editors' corrections, a story's topics."""

from __future__ import annotations

import pytest

from newsdesk.encoder.embed import MiniLM
from newsdesk.evaluation.relevance import read_taxonomy
from newsdesk.judge.semantic import TopicSpace
from newsdesk.judge.topics import TaggerConfig, TopicExample, TopicScore, TopicTagger, story_topics
from newsdesk.judge.tree import TopicTree
from tests.support.embedders import HashingEmbedder
from tests.support.paths import FIXTURES

TREE = FIXTURES / "judge" / "tree"
#: Keyword evidence only, so the fake embedder's similarities play no part.
KEYWORDS_ONLY = TaggerConfig(similarity_weight=0.0, similarity_below_weight=0.0, nearest_bonus=0.0)


@pytest.fixture(scope="module")
def fake_space() -> TopicSpace:
    return TopicSpace(TopicTree.from_topics(read_taxonomy(TREE)), HashingEmbedder())


@pytest.fixture(scope="module")
def real_space() -> TopicSpace:
    return TopicSpace(TopicTree.from_topics(read_taxonomy(TREE)), MiniLM())


def _names(topics: list[TopicScore]) -> list[str]:
    return [t.name for t in topics]


def test_most_specific_first_then_parents_then_the_root(fake_space: TopicSpace) -> None:
    tagger = TopicTagger(fake_space, config=KEYWORDS_ONLY)
    topics = tagger.tag("DeepMind releases new TensorFlow tools", "Train models with TensorFlow.")
    assert _names(topics) == ["TensorFlow", "Google AI", "AI"]
    assert topics[-1].score == 1.0
    assert all(0.0 <= t.score <= 1.0 for t in topics)
    assert any("[TensorFlow]" in line for line in topics[0].evidence)


def test_several_topics_deepest_first_and_by_score(fake_space: TopicSpace) -> None:
    tagger = TopicTagger(fake_space, config=KEYWORDS_ONLY)
    topics = tagger.tag("DeepMind uses TensorFlow for facial recognition", "A new model.")
    assert _names(topics) == ["TensorFlow", "Google AI", "Computer Vision", "AI"]
    google, vision = topics[1], topics[2]
    assert google.score > vision.score  # its own keyword and its child's
    assert any("keyword of tensorflow" in line for line in google.evidence)


def test_context_words_need_more_than_themselves(fake_space: TopicSpace) -> None:
    tagger = TopicTagger(fake_space, config=KEYWORDS_ONLY)
    assert _names(tagger.tag("Hospital opens a new wing", "Patients will be treated there.")) == ["AI"]
    tagged = tagger.tag("Hospital uses deep learning", "It reads patients' scans.")
    assert _names(tagged) == ["Machine Learning", "AI"]
    lenient = TopicTagger(
        fake_space,
        config=TaggerConfig(similarity_weight=0.0, similarity_below_weight=0.0, nearest_bonus=0.0, threshold=0.1),
    )
    healthcare = next(
        t for t in lenient.tag("Hospital uses deep learning", "It reads scans.") if t.name == "AI in Healthcare"
    )
    assert any(line.startswith("context in title: [Hospital]") for line in healthcare.evidence)


def test_max_topics_keeps_the_best(fake_space: TopicSpace) -> None:
    config = TaggerConfig(similarity_weight=0.0, similarity_below_weight=0.0, nearest_bonus=0.0, max_topics=1)
    tagger = TopicTagger(fake_space, config=config)
    topics = tagger.tag("Facial recognition cameras", "Deep learning reads faces.")
    assert _names(topics) == ["Computer Vision", "AI"]


def test_examples_name_topics_by_id_or_name_and_unknown_ones_are_ignored(fake_space: TopicSpace) -> None:
    examples = [
        TopicExample("Bakery sells bread", "Fresh bread every morning.", ("ai-ethics", "Computer Vision", "Nowhere")),
    ]
    tagger = TopicTagger(fake_space, examples, config=KEYWORDS_ONLY)
    topics = tagger.tag("Bakery sells bread", "Fresh bread every morning.")
    assert set(_names(topics)) == {"AI Ethics", "Computer Vision", "AI"}
    assert any("editors' examples" in line for t in topics for line in t.evidence)
    with pytest.raises(ValueError, match="1 examples but 2 vectors"):
        TopicTagger(fake_space, examples, example_vectors=HashingEmbedder().embed(["a", "b"]))


def test_an_editors_correction_changes_the_next_tagging_of_a_similar_article(real_space: TopicSpace) -> None:
    corrected = (
        "Police drop face-scanning cameras after complaints from residents",
        "Officers will stop using the cameras that match passers-by against a watch list, after residents said "
        "they were wrongly stopped.",
    )
    similar = (
        "Residents complaints make police abandon face-scanning cameras",
        "The police say they will no longer scan faces in the high street after people complained of being "
        "wrongly stopped.",
    )
    before = _names(TopicTagger(real_space).tag(*similar))
    assert "Computer Vision" in before
    assert "AI Ethics" not in before
    # The editor says the first article is about AI Ethics too: the similar one now is.
    added = TopicTagger(real_space, [TopicExample(*corrected, ("Computer Vision", "AI Ethics"))])
    tagged = added.tag(*similar)
    assert {"Computer Vision", "AI Ethics"} <= set(_names(tagged))
    ethics = next(t for t in tagged if t.name == "AI Ethics")
    assert any("editors' examples" in line for line in ethics.evidence)
    # The editor says it is about AI Ethics only: Computer Vision goes from the similar one.
    replaced = TopicTagger(real_space, [TopicExample(*corrected, ("AI Ethics",))])
    assert _names(replaced.tag(*similar)) == ["AI Ethics", "AI"]
    # An unrelated article is not affected by the correction.
    unrelated = ("DeepMind releases new TensorFlow tools", "The lab's library trains models with TensorFlow.")
    assert _names(replaced.tag(*unrelated)) == _names(TopicTagger(real_space).tag(*unrelated))


def test_tag_many_equals_tag(fake_space: TopicSpace) -> None:
    tagger = TopicTagger(fake_space)
    items = [("DeepMind releases TensorFlow tools", "TensorFlow."), ("Hospital uses deep learning", "Cancer scans.")]
    assert tagger.tag_many(items) == [tagger.tag(title, text) for title, text in items]


def test_a_storys_topics_come_from_most_of_its_articles() -> None:
    tree = TopicTree.from_topics(read_taxonomy(TREE))

    def score(topic_id: str, value: float) -> TopicScore:
        return TopicScore(topic_id, tree.get(topic_id).name, value, ())

    members = [
        [score("tensorflow", 0.9), score("google-ai", 0.9), score("ai", 1.0)],
        [score("tensorflow", 0.6), score("google-ai", 0.6), score("machine-learning", 0.7), score("ai", 1.0)],
        [score("computer-vision", 0.8), score("ai", 1.0)],
        [score("google-ai", 0.8), score("ai", 1.0)],
    ]
    topics = story_topics(members, tree)
    assert _names(topics) == ["TensorFlow", "Google AI", "AI"]
    assert topics[1].score == pytest.approx((0.9 + 0.6 + 0.8) / 4)
    assert topics[0].evidence == ("2 of 4 articles (mean score 0.38)",)
    assert story_topics([], tree) == []
    # A topic one article in three has is kept at min_share 0.3, not at 0.5.
    assert "Computer Vision" in _names(story_topics(members[1:], tree))
    assert "Computer Vision" not in _names(story_topics(members[1:], tree, min_share=0.5))
