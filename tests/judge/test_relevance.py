"""The taxonomy, keyword rules and beat relevance: the default AI taxonomy, on and off the beat, and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsdesk.encoder.embed import MiniLM, Vectors
from newsdesk.evaluation.relevance import read_taxonomy
from newsdesk.judge.defaults import default_taxonomy
from newsdesk.judge.keywords import Phrase, PhraseMatcher, shouted
from newsdesk.judge.relevance import BeatConfig, BeatJudge, Relevance, glance_text
from newsdesk.judge.semantic import TopicSpace
from newsdesk.judge.tree import TopicTree
from newsdesk.record import Topic
from newsdesk.record.file import RecordError
from newsdesk.record.taxonomy import parse_topic
from tests.support.embedders import HashingEmbedder
from tests.support.paths import FIXTURES

FIXTURE_TOPICS = FIXTURES / "judge" / "tree"


def _topic(name: str, parent: str | None, text: str = "", topic_id: str | None = None) -> Topic:
    topic_id = topic_id or name.lower().replace(" ", "-")
    document = f"_id: {topic_id}\nname: {name}\n" + (f"parent: {parent}\n" if parent else "") + text
    return parse_topic(document.encode(), f"{topic_id}.yaml", f"{topic_id}.yaml")


# --------------------------------------------------------------------------- the default taxonomy


def test_the_default_taxonomy_is_one_tree_of_at_least_twenty_topics() -> None:
    topics = default_taxonomy()
    tree = TopicTree.from_topics(topics)  # every parent exists, no cycles: or it raises
    assert len(topics) >= 20
    assert [root.name for root in tree.roots] == ["AI"]
    for profile in tree.profiles:
        assert profile.description, profile.id
        assert profile.keywords, profile.id
        if profile.parent is not None:
            assert tree.ancestors(profile.id)[-1] == "ai"
            assert profile.depth == len(tree.ancestors(profile.id))
            assert len(profile.examples) >= 3, profile.id
    assert tree.get("openai").parent == "ai-companies"
    assert tree.off_beat_examples  # the root says what the beat is not


def test_the_default_taxonomy_covers_the_beat() -> None:
    names = {t.name for t in default_taxonomy()}
    for name in ("Machine Learning", "Computer Vision", "AI Ethics", "AI Hardware", "Self-Driving Cars"):
        assert name in names


def test_parents_by_name_or_id_and_names_give_context_words() -> None:
    tree = TopicTree.from_topics(
        [_topic("AI", None), _topic("Google AI", "AI"), _topic("TensorFlow", "google-ai"), _topic("AI in Autos", "AI")]
    )
    assert tree.ancestors("tensorflow") == ["google-ai", "ai"]
    assert tree.get("tensorflow").depth == 2
    assert tree.get("google-ai").context_keywords == ("Google",)
    assert tree.get("ai-in-autos").context_keywords == ("Autos",)
    assert "Google AI" in tree.get("google-ai").keywords


def test_a_bad_taxonomy_is_refused_naming_the_file() -> None:
    with pytest.raises(RecordError, match=r"^orphan\.yaml: parent 'Nowhere' is no topic"):
        TopicTree.from_topics([_topic("AI", None), _topic("Orphan", "Nowhere")])
    with pytest.raises(RecordError, match="parents form a cycle"):
        TopicTree.from_topics([_topic("A", "B"), _topic("B", "A")])
    with pytest.raises(RecordError, match="is its own parent"):
        TopicTree.from_topics([_topic("A", "A")])
    with pytest.raises(RecordError, match="also used by"):
        TopicTree.from_topics([_topic("AI", None), _topic("Other", None, topic_id="ai")])
    with pytest.raises(RecordError, match=r"^ml\.yaml: examples must be a list of phrases"):
        TopicTree.from_topics([_topic("AI", None), _topic("ML", "AI", "examples: just one\n")])
    with pytest.raises(RecordError, match="has no topics"):
        TopicTree.from_topics([])


def test_a_broken_topic_file_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "00-ai.yaml").write_text("_id: ai\nname: AI\nkeywords:\n  - ai\n   - broken: [\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"00-ai\.yaml:\d+: broken YAML"):
        read_taxonomy(tmp_path)


# --------------------------------------------------------------------------- keyword rules


def _found(phrase: str, text: str) -> list[str]:
    matcher = PhraseMatcher([Phrase(phrase, (("t", "keyword"),))])
    return [text[h.start : h.end] for h in matcher.find(text, "title")]


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("AI", "How AI is changing medicine", ["AI"]),
        ("AI", "AI-generated faces and AI's future", ["AI", "AI"]),
        ("AI", "Far-right outfit uses A.I. to power its propaganda", ["A.I."]),
        ("AI", "A.I.G. will pay $80 million", []),
        ("AI", "Ai Weiwei opens a show in Berlin", []),
        ("AI", "OpenAI said the AIDS research was done", []),
        ("ai", "New AI rules", ["AI"]),
        ("ai", "the ai of it", []),
        ("self-driving", "Self driving cars and self-driving trucks", ["Self driving", "self-driving"]),
        ("robot", "Robots and a robot", ["Robots", "robot"]),
        ("facial recognition", "Facial-Recognition bans", ["Facial-Recognition"]),
        ("Meta", "Meta and META, not metadata or meta", ["Meta", "META"]),
        ("Watson", "IBM's Watson, not watson", ["Watson"]),
        ("GPT-4", "OpenAI's GPT 4 and GPT-4", ["GPT 4", "GPT-4"]),
    ],
)
def test_keyword_rules(phrase: str, text: str, found: list[str]) -> None:
    assert _found(phrase, text) == found


def test_the_longest_phrase_wins_and_hits_keep_their_context() -> None:
    matcher = PhraseMatcher([Phrase("AI", (("ai", "keyword"),)), Phrase("AI chip", (("hardware", "keyword"),))])
    hits = matcher.find("The company showed a new AI chip for phones", "title")
    assert [h.phrase.text for h in hits] == ["AI chip"]
    assert hits[0].context == "The company showed a new [AI chip] for phones"


def test_typographic_dashes_and_quotes_do_not_hide_a_phrase() -> None:
    assert _found("self-driving", "Waymo’s self‑driving taxis") == ["self‑driving"]


def test_a_title_in_capitals_is_shouted() -> None:
    assert shouted("G5, PISANU: EUROPOL PLAYS KEY ROLE AGAINST TERRORISM")
    assert not shouted("Europol plays key role against terrorism, says AGI")
    assert not shouted("AI NEWS")  # too short to tell


# --------------------------------------------------------------------------- judging, mechanics (fake embedder)


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        return super().embed(texts)


def test_keywords_and_their_absence_are_the_evidence() -> None:
    judge = BeatJudge.build(read_taxonomy(FIXTURE_TOPICS), HashingEmbedder())
    on = judge.judge("Hospital trains a deep learning model", "The neural network reads scans with AI.")
    off = judge.judge("Football club wins the league", "The team celebrated after a dramatic final day.")
    assert on.on_beat
    assert not off.on_beat
    assert 0.0 <= off.score < 0.5 <= on.score <= 1.0
    assert any("keyword in title" in line and "[deep learning]" in line for line in on.evidence)
    assert any(line.startswith("no keyword of the beat") for line in off.evidence)
    assert any("reads like off-beat example" in line for line in off.evidence)
    assert on.evidence[0].startswith("on the beat: score")


def test_a_given_vector_is_used_and_the_keyword_free_text_embedded_once() -> None:
    embedder = CountingEmbedder()
    judge = BeatJudge.build(read_taxonomy(FIXTURE_TOPICS), embedder)
    embedder.calls.clear()
    items = [("AI start-up raises money", "Its AI reads invoices."), ("Cup final tonight", "Both teams are ready.")]
    vectors = HashingEmbedder().embed([f"{title} {text}" for title, text in items])
    judged = judge.judge_many(items, vectors)
    assert embedder.calls == [1]  # only the first has keywords to cut out; no article embedded again
    assert judged == [judge.judge(title, text, vectors[i]) for i, (title, text) in enumerate(items)]


def test_the_second_look_is_taken_only_where_it_could_change_the_verdict() -> None:
    """It can only lower a score: an article already off the beat without it keeps its verdict unembedded."""
    embedder = CountingEmbedder()
    judge = BeatJudge.build(read_taxonomy(FIXTURE_TOPICS), embedder)
    embedder.calls.clear()
    items = [("AI", "A word in a long piece about the harvest, the rain and the price of wheat this autumn.")]
    far = -HashingEmbedder().embed(["AI start-up raises money for its invoice reader"])  # far from the beat
    alone = judge.judge(items[0][0], items[0][1], far[0])
    embedder.calls.clear()
    [together] = judge.judge_many(items, far)
    assert embedder.calls == []
    assert not alone.on_beat
    assert not together.on_beat
    assert together.evidence[-1].startswith("off the beat before the second look")
    assert together.score >= alone.score


def test_without_off_beat_examples_there_is_no_second_embedding() -> None:
    embedder = CountingEmbedder()
    judge = BeatJudge.build([_topic("AI", None, "keywords:\n  - AI\n")], embedder)
    embedder.calls.clear()
    verdict = judge.judge("AI everywhere", "AI in every product.", np.ones(384, dtype=np.float32))
    assert embedder.calls == []
    assert not any("off-beat" in line for line in verdict.evidence)


def test_keywords_in_a_shouted_title_count_only_when_case_blind() -> None:
    judge = BeatJudge.build([_topic("AI", None, "keywords:\n  - AGI\n  - machine learning\n")], HashingEmbedder())
    assert judge.keyword_hits("EUROPOL PLAYS KEY ROLE, SAYS AGI", "")[0] == []
    assert len(judge.keyword_hits("MACHINE LEARNING FOR EVERYONE, SAYS AGI", "")[0]) == 1


# --------------------------------------------------------------------------- judging, real semantics (MiniLM)


@pytest.fixture(scope="module")
def ai_judge() -> BeatJudge:
    return BeatJudge(TopicSpace(TopicTree.from_topics(default_taxonomy()), MiniLM()))


def _judged(judge: BeatJudge, title: str, text: str) -> Relevance:
    return judge.judge(title, text)


def test_ai_in_a_pop_song_title_is_kept_off_the_beat(ai_judge: BeatJudge) -> None:
    verdict = _judged(
        ai_judge,
        'Pop star Lena releases new single "AI"',
        "The singer's new song AI entered the charts at number three; the video was shot in Berlin.",
    )
    assert not verdict.on_beat
    assert any("[AI]" in line for line in verdict.evidence)  # the keyword was seen ...
    assert any("the text without its keywords reads like off-beat example" in line for line in verdict.evidence)


def test_chinese_ai_in_a_sports_piece_is_off_the_beat(ai_judge: BeatJudge) -> None:
    verdict = _judged(
        ai_judge,
        "Chinese AI: the secret weapon of the table tennis team",
        "China's table tennis players won gold again; coaches credit training, and one commentator joked about "
        "a Chinese AI in the team.",
    )
    assert not verdict.on_beat


def test_ai_weiwei_is_not_ai(ai_judge: BeatJudge) -> None:
    verdict = _judged(ai_judge, "Ai Weiwei opens show in London", "The Chinese artist presents new sculptures.")
    assert not verdict.on_beat
    assert any(line.startswith("no keyword") for line in verdict.evidence)


def test_ai_news_is_on_the_beat(ai_judge: BeatJudge) -> None:
    for title, text in [
        (
            "Start-up trains a language model to summarise court rulings",
            "The company says its large language model reads a ruling and writes a summary lawyers can check.",
        ),
        (
            "Hospital tests algorithm that reads X-rays",
            "Doctors at the hospital use a deep learning system to flag fractures on X-rays.",
        ),
        ("Regulators open inquiry into robotaxi crashes", "The self-driving cars hit two parked vans last month."),
    ]:
        verdict = _judged(ai_judge, title, text)
        assert verdict.on_beat, (title, verdict.evidence)
        assert any(line.startswith("similarity") for line in verdict.evidence)


# --------------------------------------------------------------------------- the glance


def _glanced(judge: BeatJudge, items: Sequence[tuple[str, str]]) -> list[Relevance | None]:
    vectors = judge.space.embed_texts([glance_text(title, "", text) for title, text in items])
    return judge.glance(items, vectors)


def test_a_glance_settles_plain_off_beat_news_and_leaves_the_rest_to_a_full_reading(ai_judge: BeatJudge) -> None:
    football = ("Rovers win the derby in injury time", "A header in the 93rd minute settled a tense derby at home.")
    keyword = ("Club uses AI to pick its team", "The coach says a machine learning model chose the line-up.")
    unnamed = (  # on the beat with none of its keywords
        "Computers learn to read X-rays",
        "Doctors at the hospital use software trained on thousands of scans to flag fractures.",
    )
    items = [football, keyword, unnamed]
    assert ai_judge.glance_candidates(items) == [0, 2]  # an article with a keyword of the beat is read in full
    settled, with_keyword, on_beat_unnamed = _glanced(ai_judge, items)
    assert settled is not None
    assert not settled.on_beat
    assert settled.evidence[0].startswith("off the beat: score")
    assert settled.evidence[1].startswith("judged at a glance (title and lead): no keyword of the beat")
    assert "(the full text would need +0.10)" in settled.evidence[1]
    assert with_keyword is None
    assert on_beat_unnamed is None  # it reads like the beat: read in full, where it is on the beat
    assert ai_judge.judge(*unnamed).on_beat
    # What the glance settles, the full reading puts off the beat too.
    assert not ai_judge.judge(*football).on_beat


def test_a_glance_never_goes_below_the_bar_a_full_reading_needs() -> None:
    assert BeatConfig().keywordless_bar == pytest.approx(0.10)
    with pytest.raises(ValueError, match="a glance would drop articles the full reading keeps"):
        BeatConfig(glance_margin=0.2)
    assert BeatConfig(prior=-3.0, glance_margin=0.12).keywordless_bar == pytest.approx(0.15)


def test_without_off_beat_examples_nothing_is_settled_at_a_glance() -> None:
    judge = BeatJudge.build([_topic("AI", None, "keywords:\n  - AI\n")], HashingEmbedder())
    assert judge.glance_candidates([("Cup final tonight", "Both teams are ready.")]) == []
    assert judge.glance([("Cup final tonight", "")], HashingEmbedder().embed(["Cup final tonight"])) == [None]


def test_a_glance_reads_the_title_and_lead_only() -> None:
    text = "Lead sentence here. " + "Body words follow. " * 100
    glance = glance_text("A title", "", text)
    assert glance.startswith("A title Lead sentence here.")
    assert len(glance) == BeatConfig().glance_chars
