"""Quality, 0-100, from named signals: spam and press releases low, original reporting high, related in an
editor's order."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.judge.quality import (
    BROKE,
    COPY,
    FOLLOWED,
    REWRITE,
    ArticleEvidence,
    QualityWeights,
    judge_quality,
    role_of,
)
from newsdesk.record.file import parse_record
from tests.support.paths import shared_dir

SHARED = shared_dir()

#: Records of "A.I. Every Day" (../shared/data/records/everyday-ai/_news), labelled by us, with the reasoning.
#: Only title, excerpt, address and outlet are known (the records carry no body text).
LOW = {
    # Market research: report-mill headlines about a "market" to a year, sold by report resellers.
    "2021-03-11-worldwide-ai-in-computer-vision-industry-to-2027-rise-in-de": "market research",
    "2021-03-12-insights-on-the-ai-in-computer-vision-global-market-to-2027": "market research",
    "2019-12-17-the-global-machine-translation-market-at-a-cagr-of-over-19": "market research",
    # Press releases: vendor announcements on wires and on the sites that re-run wire copy.
    "2021-03-11-electrifai-achieves-aws-machine-learning-competency-status": "press release",
    "2021-03-11-xapp-ai-achieves-aws-machine-learning-competency-status-in": "press release",
    "2021-03-11-tensoriot-achieves-aws-machine-learning-competency-status-a": "press release",
    "2021-03-12-ibm-positioned-as-a-leader-in-two-newly-released-gartner-ma": "press release",
    "2021-03-05-tibco-software-named-leader-in-2021-gartner-magic-quadrant": "press release",
}
HIGH = {
    # Original reporting by newsrooms: news of record, with a named actor and a fact, no promotion.
    "2023-01-24-microsoft-to-invest-10-billion-in-openai-the-creator-of-cha": "NYT business reporting",
    "2019-12-20-facebook-discovers-fakes-that-show-evolution-of-disinformat": "NYT, own reporting",
    "2019-12-20-federal-study-confirms-racial-bias-of-many-facial-recogniti": "WaPo",
    "2021-03-11-hugging-face-raises-40-million-for-its-natural-language-pro": "TechCrunch scoop",
    "2019-12-21-facebook-twitter-remove-ai-powered-fake-accounts-with-pro-t": "WSJ",
    "2020-06-11-amazon-bans-police-use-of-facial-recognition-technology-for-a-year": "wire-quality news",
}


def evidence_of(path: Path) -> ArticleEvidence:
    story = parse_record(path.read_bytes(), str(path), path.stem)
    article = story.primary
    return ArticleEvidence(
        title=article.title,
        lead=article.excerpt or "",
        url=article.url or "",
        outlet=article.provider.domain or "" if article.provider else "",
    )


def records() -> Path:
    assert SHARED is not None
    return SHARED / "data" / "records" / "everyday-ai" / "_news"


@pytest.mark.shared_data
@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
@pytest.mark.parametrize("name", sorted(LOW))
def test_market_research_and_press_releases_score_below_30(name: str) -> None:
    (path,) = records().glob(name + "*.md")
    quality = judge_quality(evidence_of(path))
    assert quality.score < 30, (LOW[name], quality.lines())
    assert quality.penalties


@pytest.mark.shared_data
@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
@pytest.mark.parametrize("name", sorted(HIGH))
def test_original_reporting_scores_above_50(name: str) -> None:
    (path,) = records().glob(name + "*.md")
    quality = judge_quality(evidence_of(path))
    assert quality.score > 50, (HIGH[name], quality.lines())
    assert not quality.penalties


LONG = " ".join(
    [
        '"We did not expect the model to behave this way in the field," said Dana Ortiz, who led the audit.',
        "According to the filing, the company trained the system on 12 million records.",
        "The agency's report found error rates of 35% for some groups.",
    ]
    * 25
)


def test_related_coverage_is_ordered_as_an_editor_would() -> None:
    """The seed's Netflix story, retold: a substantive follow-up beats a short rewrite and a wire copy."""
    follow_up = ArticleEvidence(
        "Netflix lists $900,000 AI job as actors and writers continue to strike",
        text=LONG,
        links=("https://www.sec.gov/filing.pdf",),
        role=FOLLOWED,
    )
    rewrite = ArticleEvidence(
        "Bad Timing: Netflix Lists $900,000 AI Job Amidst Writers Strike",
        text="Netflix posted a job. " * 30,
        role=REWRITE,
    )
    copy = ArticleEvidence("Netflix lists $900,000 AI job", text=LONG, role=COPY)
    listicle = ArticleEvidence("10 THINGS YOU WON'T BELIEVE about the NETFLIX AI JOB!!", text=LONG, role=FOLLOWED)
    scores = {name: judge_quality(a).score for name, a in locals().items() if isinstance(a, ArticleEvidence)}
    ordered = sorted(scores, key=lambda name: -scores[name])
    assert ordered == ["follow_up", "copy", "listicle", "rewrite"] or ordered[0] == "follow_up"
    assert scores["follow_up"] > max(scores["rewrite"], scores["copy"], scores["listicle"])
    assert scores["listicle"] < scores["follow_up"] - 15


def test_the_article_that_broke_a_story_with_substance_clears_the_gate_threshold() -> None:
    broke = ArticleEvidence("Regulators open inquiry into AI voice cloning", text=LONG, role=BROKE)
    assert judge_quality(broke).score >= 70
    copy = ArticleEvidence("Regulators open inquiry into AI voice cloning", text=LONG, role=COPY)
    assert judge_quality(copy).score < 70


def test_signals_are_named_and_unknowns_are_neutral_and_say_so() -> None:
    quality = judge_quality(ArticleEvidence("A plain headline about a model release"))
    assert [s.name for s in quality.signals] == ["originality", "substance", "track_record", "headline"]
    assert quality.score == 60
    assert "no body text" in quality.lines()[1]


def test_the_outlets_track_record_moves_the_score() -> None:
    good = judge_quality(ArticleEvidence("Model release", outlet="a.example", track_record=1.0)).score
    poor = judge_quality(ArticleEvidence("Model release", outlet="b.example", track_record=0.0)).score
    assert good - poor == 20


def test_weights_come_from_settings() -> None:
    article = ArticleEvidence("Acme achieves AWS competency status", role=BROKE)
    assert judge_quality(article).score < judge_quality(article, QualityWeights(press_release=0)).score
    with pytest.raises(ValueError, match="not all zero"):
        QualityWeights(originality=0, substance=0, track_record=0, headline=0)


def test_roles_in_a_story() -> None:
    assert role_of(1, 1, {}, [], 900) == BROKE
    assert role_of(2, 1, {2: 1}, [], 900) == COPY
    assert role_of(3, 1, {}, [1], 150) == REWRITE
    assert role_of(4, 1, {}, [1], 900) == FOLLOWED
    with pytest.raises(ValueError, match="unknown story role"):
        judge_quality(ArticleEvidence("x", role="scoop"))


def test_the_settings_defaults_are_the_judges_defaults() -> None:
    """`[judge]` in newsdesk.toml and the pure judge's own defaults never drift apart."""
    import dataclasses

    from newsdesk.judge.heat import HeatSettings
    from newsdesk.judge.stage import DeskJudge
    from newsdesk.settings import JudgeSettings

    judge = DeskJudge(JudgeSettings())
    assert judge.weights == QualityWeights()
    assert judge.heat_settings == HeatSettings()
    assert {f.name for f in dataclasses.fields(QualityWeights)} <= {f.name for f in dataclasses.fields(JudgeSettings)}
