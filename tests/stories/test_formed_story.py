"""Forming a story's record is a pure decision: the same members, evidence and clock give the same order and
verdict, with no store in reach; editors' decisions win inside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.judge.stage import DeskJudge, StoryEvidence
from newsdesk.record import StoryArticle
from newsdesk.settings import JudgeSettings
from newsdesk.store.judgements import Decision
from newsdesk.store.placements import PlacementRow
from newsdesk.stories.stage import form_story

T0 = datetime(2024, 5, 2, 9, tzinfo=UTC)
WORDS = "The company said on Thursday that the new model would reach customers next month. " * 30


def _members() -> dict[int, StoryArticle]:
    first = StoryArticle(
        1, "Lab releases a new model", "The lab released it.", WORDS, T0, "first.example", "https://first.example/model"
    )
    follow = StoryArticle(
        2,
        "A new model from the lab",
        "It is out.",
        WORDS[:400],
        T0 + timedelta(hours=2),
        "second.example",
        "https://second.example/model",
        links=("https://first.example/model",),
    )
    return {1: first, 2: follow}  # fmt: skip


def _rows() -> list[PlacementRow]:
    return [PlacementRow(1, 1, 1, True), PlacementRow(2, 2, 1, False)]


def test_the_earliest_report_leads_and_the_judge_scores_every_member_without_a_store() -> None:
    judge = DeskJudge(JudgeSettings())
    evidence = StoryEvidence(records={}, judged={}, decided={})
    formed = form_story(_rows(), _members(), {}, {}, T0 + timedelta(hours=3), judge, evidence)
    assert formed.ordered == (1, 2)
    assert formed.primary.id == 1
    assert set(formed.qualities) == {1, 2}
    assert formed.verdict is not None
    assert formed.verdict.quality == {i: q.score for i, q in formed.qualities.items()}
    assert 0 < formed.verdict.heat.value <= 100
    assert formed.verdict.topics == ()
    assert not formed.verdict.topics_decided
    # The same inputs, the same decision.
    assert form_story(_rows(), _members(), {}, {}, T0 + timedelta(hours=3), judge, evidence) == formed


def test_an_editors_primary_and_topics_win_inside_the_decision() -> None:
    judge = DeskJudge(JudgeSettings())
    decided = {
        "primary": Decision("primary", 2, "ana", T0),
        "topics": Decision("topics", ["Models"], "ana", T0),
        "published": Decision("published", False, "ana", T0),
    }
    evidence = StoryEvidence(records={}, judged={}, decided=decided)
    formed = form_story(_rows(), _members(), {}, decided, T0 + timedelta(hours=3), judge, evidence)
    assert formed.ordered == (2, 1)
    assert formed.verdict is not None
    assert formed.verdict.topics == ("Models",)
    assert formed.verdict.topics_decided
    assert formed.verdict.gate.published is False
    # Without a judge: only the order, nothing judged.
    plain = form_story(_rows(), _members(), {}, decided, T0, None, None)
    assert plain.ordered == (2, 1)
    assert plain.verdict is None
    assert not plain.qualities
