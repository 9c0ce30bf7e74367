"""A new beat works without tuning the code: the politics starter, judged by the same constants as the AI beat.

The articles here are made up for the tests (none comes from the evaluation sets).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.encoder.embed import MiniLM
from newsdesk.evaluation.beatsets import politics_items
from newsdesk.evaluation.relevance import read_taxonomy, run_relevance_eval
from newsdesk.judge.defaults import STARTER_BEATS, starter_taxonomy
from newsdesk.judge.relevance import BeatJudge
from newsdesk.judge.semantic import TopicSpace
from newsdesk.judge.tree import TopicTree
from newsdesk.record.file import RecordError
from newsdesk.starter import default_sources
from tests.support.embedders import HashingEmbedder

#: A political story in words no keyword of the beat lists (checked below): a rival's smear, a candidate's denial.
KEYWORDLESS_POLITICS = (
    "Front-runner says his opponent's camp planted a false story about his private life",
    "The front-runner told supporters in Des Moines that allies of his main opponent had fed a made-up story "
    "about an affair to a tabloid, and called it a smear by a rival who is falling behind. His opponent's "
    "spokeswoman said the charge was desperate and that the people of Iowa deserved a debate about taxes "
    "and jobs, not gossip. The two men have traded attacks for weeks, and party elders have urged them to "
    "stop before the nominating contests begin next month.",
)
#: A sports story, also without a keyword of the beat.
SPORT = (
    "Late goal sends the club into the cup final",
    "A header three minutes from time gave the visitors a 2-1 win on Saturday and a place in the final. "
    "The striker, signed in the summer, has now scored in five matches in a row, and the manager praised "
    "a defence that held firm through a second half of pressure from the home side.",
)


@pytest.fixture(scope="module")
def politics_judge() -> BeatJudge:
    return BeatJudge(TopicSpace(TopicTree.from_topics(starter_taxonomy("politics")), MiniLM()))


def test_the_politics_starter_is_one_tree_of_seven_topics() -> None:
    tree = TopicTree.from_topics(starter_taxonomy("politics"))
    assert [root.name for root in tree.roots] == ["Politics"]
    children = [p for p in tree.profiles if p.parent is not None]
    assert len(children) == 7
    assert {"Congress", "The White House", "Elections and Campaigns", "Courts and the Law"} <= {
        p.name for p in children
    }
    for profile in tree.profiles:
        assert profile.description, profile.id
        assert profile.keywords, profile.id
        assert len(profile.examples) >= 5, profile.id
    assert len(tree.off_beat_examples) >= 20
    assert STARTER_BEATS == ("ai", "politics", "politics-pt")
    assert len(default_sources("politics")) >= 5


def test_a_political_story_without_a_keyword_is_on_the_beat_by_its_semantic_match(
    politics_judge: BeatJudge,
) -> None:
    """Issue 12: a politics desk set up from the docs dropped "Ted Cruz Accuses Donald Trump Of Planting
    'Garbage' Affair Story" at relevance 0.02, "no keyword of the beat" (an absolute cosine center of 0.35 that
    full texts never reach, and a no-keyword penalty nothing could outweigh)."""
    title, text = KEYWORDLESS_POLITICS
    assert politics_judge.keyword_hits(title, text) == ([], [])
    verdict = politics_judge.judge(title, text)
    assert verdict.on_beat, verdict.evidence
    assert any(line.startswith("similarity (semantic match): reads more like the beat") for line in verdict.evidence)
    assert "no keyword of the beat: the semantic match decides" in verdict.evidence


def test_a_sports_story_is_off_the_politics_beat(politics_judge: BeatJudge) -> None:
    title, text = SPORT
    assert politics_judge.keyword_hits(title, text) == ([], [])
    verdict = politics_judge.judge(title, text)
    assert not verdict.on_beat, verdict.evidence
    assert verdict.score < 0.1
    assert any(line.startswith("no keyword of the beat, nor a semantic match") for line in verdict.evidence)


def test_the_ai_beat_keeps_the_political_story_off(politics_judge: BeatJudge) -> None:
    """The same constants judge the AI beat: the politics story is not AI news."""
    ai = BeatJudge(TopicSpace(TopicTree.from_topics(starter_taxonomy("ai")), politics_judge.space.embedder))
    assert not ai.judge(*KEYWORDLESS_POLITICS).on_beat


def test_init_with_the_politics_starter_writes_its_seven_topics(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    result = CliRunner().invoke(app, ["init", str(desk), "--starter", "politics"], env={"NEWSDESK_DESK": None})
    assert result.exit_code == 0, result.output
    assert "starter: 8 topics of the politics beat" in result.stdout
    written = read_taxonomy(desk)
    tree = TopicTree.from_topics(written)
    assert [root.name for root in tree.roots] == ["Politics"]
    assert len([p for p in tree.profiles if p.parent is not None]) == 7


def test_starter_alone_still_means_the_ai_beat_and_an_unknown_beat_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path / "ai"), "--starter"], env={"NEWSDESK_DESK": None})
    assert result.exit_code == 0, result.output
    assert "topics of the AI beat" in result.stdout
    assert next(t.name for t in read_taxonomy(tmp_path / "ai")) == "AI"
    refused = runner.invoke(app, ["init", str(tmp_path / "x"), "--starter", "sports"], env={"NEWSDESK_DESK": None})
    assert refused.exit_code == 2
    assert "'sports'" in refused.output
    assert "ai, politics" in refused.output
    assert not (tmp_path / "x").exists()


def test_init_with_the_politics_starter_in_portuguese(tmp_path: Path) -> None:
    runner = CliRunner()
    desk = tmp_path / "desk"
    result = runner.invoke(
        app, ["init", str(desk), "--starter", "politics", "--lang", "pt"], env={"NEWSDESK_DESK": None}
    )
    assert result.exit_code == 0, result.output
    assert "starter: 7 topics of the politics-pt beat, 5 politics-pt news sources" in result.stdout
    tree = TopicTree.from_topics(read_taxonomy(desk))
    assert [root.name for root in tree.roots] == ["Política"]
    # The site speaks the beat's language: its pages, feeds and sitemaps say pt-br.
    written = (desk / "newsdesk.toml").read_text(encoding="utf-8")
    assert 'locale = "pt-br"' in written
    # ... and is named after its beat, in its language (the reader's words follow: tests/web/test_wording.py).
    assert 'title = "Política Todo Dia"' in written
    refused = runner.invoke(
        app, ["init", str(tmp_path / "x"), "--starter", "ai", "--lang", "pt"], env={"NEWSDESK_DESK": None}
    )
    assert refused.exit_code == 2
    assert "no starter beat 'ai' in that language" in refused.output
    assert "politics-pt" in refused.output
    assert not (tmp_path / "x").exists()


def test_a_portuguese_politics_article_is_on_the_portuguese_beat_and_a_football_report_off_it() -> None:
    judge = BeatJudge(TopicSpace(TopicTree.from_topics(starter_taxonomy("politics-pt")), HashingEmbedder()))
    on = judge.judge(
        "Senado aprova reforma e oposição promete recorrer ao STF",
        "Os senadores aprovaram o projeto de lei por 48 votos a 25; a oposição diz que vai ao Supremo.",
    )
    off = judge.judge("Santos vence o Grêmio e conquista a Copa", "O atacante marcou dois gols no segundo tempo.")
    assert on.on_beat
    assert not off.on_beat


# --------------------------------------------------------------------------- the politics set, built at eval time


def _shared(root: Path) -> Path:
    """A miniature of the shared data folder, in the shapes of the real files (made-up articles)."""
    data = root / "data"
    bbc = data / "topics" / "bbc-news" / "bbc"
    for section, title, body in [
        ("politics", "Ministers agree a budget deal", "The cabinet agreed the budget after a long night of talks."),
        ("sport", "Club wins the cup", "A late goal won the cup final."),
        ("entertainment", "Singer tops the charts", "The new single went straight to number one."),
    ]:
        (bbc / section).mkdir(parents=True)
        (bbc / section / "001.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    ag = data / "topics" / "ag-news"
    ag.mkdir(parents=True)
    (ag / "classes.txt").write_text("World\nSports\nBusiness\nSci/Tech\n", encoding="utf-8")
    (ag / "test.csv").write_text('"2","Striker scores twice","A brace in the derby."\n"1","Talks","Talks."\n')
    clustering = data / "clustering"
    clustering.mkdir()
    rows = {
        "ecbplus.jsonl": [
            {"id": "a", "cluster": "T34_ecb", "title": "", "text": "The president picked a surgeon general."},
            {"id": "b", "cluster": "T1_ecb", "title": "", "text": "An actress checked into rehab."},
        ],
        "gva_longtail.jsonl": [{"id": "c", "cluster": "g1", "title": "Man shot", "text": "A man was shot."}],
        "giveme5w1h.jsonl": [
            {"id": "d", "cluster": "1", "category": "sports", "title": "Cubs win", "text": "The Cubs won."},
            {"id": "e", "cluster": "2", "category": "world", "title": "Quake", "text": "A quake struck."},
        ],
    }
    for name, lines in rows.items():
        (clustering / name).write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return data


def test_the_politics_set_is_assembled_from_the_shared_folder_by_its_own_labels(tmp_path: Path) -> None:
    items = politics_items(_shared(tmp_path))
    labelled = {(item.origin, item.on_beat) for item in items}
    assert labelled == {
        ("bbc politics", True),
        ("ecbplus US politics", True),
        ("bbc sport", False),
        ("bbc entertainment", False),
        ("ag-news Sports", False),
        ("gva_longtail crime", False),
        ("giveme5w1h sports", False),
    }
    assert [item.line for item in items] == list(range(1, len(items) + 1))
    report = run_relevance_eval(tmp_path, taxonomy=Path("politics"), embedder=HashingEmbedder())
    assert report.counts.tp + report.counts.fn == 2
    assert report.taxonomy == "politics"


def test_the_portuguese_politics_set_is_cstnews_by_its_sections(tmp_path: Path) -> None:
    from newsdesk.evaluation.beatsets import politics_pt_items

    clustering = tmp_path / "data" / "clustering"
    clustering.mkdir(parents=True)
    rows = [
        {"id": "a", "cluster": "C2_Politica_Reeleicao", "title": "Lula lidera", "text": "Pesquisa mostra Lula."},
        {"id": "b", "cluster": "C43_Política_Renan", "title": "Senado", "text": "O Senado votou."},
        {"id": "c", "cluster": "C5_Esportes_Pan", "title": "Ouro", "text": "O Brasil ganhou o ouro."},
        {"id": "d", "cluster": "C7_Mundo_Congo", "title": "Avião cai", "text": "Um avião caiu no Congo."},
        {"id": "e", "cluster": "C8_Cotidiano_Chuva", "title": "Chuva", "text": "A chuva alagou ruas."},
    ]
    (clustering / "cstnews.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = politics_pt_items(tmp_path)
    assert [(item.id, item.on_beat) for item in items] == [("a", True), ("b", True), ("c", False), ("e", False)]
    report = run_relevance_eval(tmp_path, taxonomy=Path("politics-pt"), embedder=HashingEmbedder())
    assert report.counts.tp + report.counts.fn == 2


def test_a_shared_folder_without_its_parts_is_named(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="bbc-news"):
        politics_items(tmp_path)
