"""The story stage on a real store: copies, stories, primaries, merges, restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from newsdesk.clock import SystemClock
from newsdesk.record import FetchedArticle
from newsdesk.settings import StoriesSettings
from newsdesk.store import Store, schema
from newsdesk.store.placements import move_story, resolve_key
from newsdesk.store.stories import load_stories
from newsdesk.stories.stage import StoryFormation, cluster_config, explain
from tests.support.embedders import HashingEmbedder
from tests.support.formeddesk import ROBOTS, ROBOTS_RETOLD, T0, article, memberships, stored

WIRE = (
    "Regulators in Brussels on Tuesday fined the chipmaker Nortek 1.2 billion euros for abusing its dominance "
    "in the market for data-centre accelerators, the largest penalty the European Commission has imposed on a "
    "technology company this year. The commission said Nortek paid server makers rebates on condition that they "
    "buy almost all of their accelerators from it, shutting rivals out of a market that has grown tenfold since "
    "2021. Nortek said it would appeal. The company's shares fell four percent in early trading in Frankfurt. "
    "Competition commissioner Elena Varga told reporters that the rebates had cost European cloud customers "
    "hundreds of millions of euros in higher prices and slower innovation. Rival designers Arcturus and Helion "
    "had complained to the commission in 2022. The fine equals about six percent of Nortek's annual revenue, "
    "below the ten percent cap the rules allow. Nortek must end the rebate scheme within ninety days or face "
    "daily penalties of up to five percent of its average daily turnover, the commission said in its decision."
)


def wire_copies() -> list[FetchedArticle]:
    outlets = ["wire-service.example", "daily-a.example", "herald-b.example", "times-c.example", "post-d.example"]
    versions = []
    for i, outlet in enumerate(outlets):
        text = WIRE if i == 0 else WIRE.replace("Nortek said it would appeal.", f"Nortek said it would appeal. ({i})")
        if i == 3:
            text = text + " Reporting by the wire service; editing by the desk."
        versions.append(article(i + 1, f"EU fines chipmaker Nortek 1.2 billion euros ({outlet})", text, outlet, 10 * i))
    return versions


def test_a_wire_story_syndicated_by_five_outlets_is_one_article_and_four_copies(store: Store) -> None:
    stored(store, wire_copies())
    report = StoryFormation(store, HashingEmbedder()).run(SystemClock())
    assert (report.placed, report.copies, report.new_stories) == (5, 4, 1)
    assert list(memberships(store).values()) == [[1]]
    explanation = explain(store, 1)
    assert explanation is not None
    assert sum("copy of #1" in line for line in explanation.lines) == 4


def test_the_outlet_the_others_link_to_is_primary_even_when_later(store: Store) -> None:
    source = article(3, "Zurich lab's arm learns a grasp in three tries", ROBOTS, "lab-news.example", 90)
    follow = [
        article(1, "Warehouse arm learns new grasps fast", ROBOTS[:300] + " Buyers are keen.", "gadgets.example", 0,
                links=("https://lab-news.example/news/3",)),
        article(2, "Grip: the robot arm that learns by watching", ROBOTS[100:] + " It costs money.", "tech.example", 30,
                links=("https://lab-news.example/news/3?utm_source=x",)),
    ]  # fmt: skip
    stored(store, [follow[0], follow[1], source])
    StoryFormation(store, HashingEmbedder()).run(SystemClock())
    with store.transaction() as conn:
        [story] = [s for s in load_stories(conn) if s.related is not None]
    assert story.primary.web_url == "https://lab-news.example/news/3"
    assert [a.web_url for a in story.related or ()] == ["https://gadgets.example/news/1", "https://tech.example/news/2"]


def test_a_restart_mid_backfill_gives_the_same_stories(database_url: str, tmp_path: object) -> None:
    fetched = [
        *wire_copies(),
        *(article(10 + i, f"Robot arm story {i}", ROBOTS, f"o{i}.example", 60 + i) for i in range(4)),
    ]
    with Store.open(database_url) as store:
        stored(store, fetched)
        first = StoryFormation(store, HashingEmbedder())
        assert first.run(SystemClock(), limit=3).placed == 3
        # A new process: the memory is rebuilt from the store and the backfill continues.
        assert StoryFormation(store, HashingEmbedder()).run(SystemClock()).placed == len(fetched) - 3
        resumed = memberships(store)
    other = f"sqlite:///{tmp_path}/whole.db"
    with Store.open(other) as store:
        stored(store, fetched)
        StoryFormation(store, HashingEmbedder()).run(SystemClock())
        assert memberships(store) == resumed


def test_a_merged_story_keeps_the_older_id_and_the_other_leads_to_it(store: Store) -> None:
    stored(store, [article(1, "A", WIRE, "a.example", 0), article(2, "B", ROBOTS, "b.example", 5)])
    StoryFormation(store, HashingEmbedder()).run(SystemClock())
    with store.transaction() as conn:
        move_story(conn, 2, 1, by_article=2, now=T0)
        assert resolve_key(conn, 2) == 1
        assert resolve_key(conn, 1) == 1
    explanation = explain(store, 2)
    assert explanation is not None
    assert explanation.key == 1


def test_the_commands_form_stories_with_the_real_model_and_explain_them(tmp_path: object) -> None:
    """One end-to-end run through `newsdesk stories form` (all-MiniLM-L6-v2, offline) and `newsdesk story`."""
    from tests.support.commandline import newsdesk

    desk = f"{tmp_path}/desk"
    assert newsdesk("init", desk)[0] == 0
    robots = [
        article(10, "Zurich lab's robot arm learns to grasp in three tries", ROBOTS, "o1.example", 60),
        article(11, "Robot arm from Zurich lab learns grasps by watching", ROBOTS_RETOLD, "o2.example", 75),
    ]
    with Store.open(f"sqlite:///{desk}/newsdesk.db") as store:
        stored(store, [*wire_copies(), *robots])
    code, out, err = newsdesk("stories", "form", "--desk", desk)
    assert code == 0, err
    assert out.startswith("placed 7 articles: 4 copies, 2 new stories, 0 merges"), out
    code, out, _ = newsdesk("story", "1", "--desk", desk)
    assert code == 0
    lines = out.splitlines()
    assert "EU fines chipmaker Nortek" in lines[0]
    assert lines[2].startswith("open: closes if nothing joins by 2024-05-05 08:00 UTC and 1000 articles pass"), lines
    assert sum("copy of #1" in line for line in lines) == 4
    code, out, _ = newsdesk("story", "6", "--desk", desk)
    assert any("#7" in line and "joined via #6" in line for line in out.splitlines())
    assert newsdesk("story", "999", "--desk", desk)[0] == 1


def test_editors_decisions_on_an_absorbed_story_go_with_it(store: Store) -> None:
    from newsdesk.store.judgements import decide, decisions

    stored(store, [article(1, "A", WIRE, "a.example", 0), article(2, "B", ROBOTS, "b.example", 5)])
    StoryFormation(store, HashingEmbedder()).run(SystemClock())
    with store.transaction() as conn:
        decide(conn, 2, "published", False, actor="ada", now=T0)
        decide(conn, 2, "title", "Ada's headline", actor="ada", now=T0)
        decide(conn, 1, "title", "Bo's headline", actor="bo", now=T0)
        move_story(conn, 2, 1, by_article=2, now=T0)
        kept = decisions(conn, 1)
        assert decisions(conn, 2) == {}
    assert (kept["published"].value, kept["published"].actor) == (False, "ada")
    assert kept["title"].value == "Bo's headline"  # the kept story's own decision wins


def test_a_closed_story_stays_closed_across_a_restart_and_says_why(store: Store) -> None:
    """The wire story closes after its quiet days; a restart replays only what is open; a late follow-up on the
    same subject starts its own story, and `story` says why the first one closed."""
    quick = cluster_config(StoriesSettings(quiet_articles=0))
    robots = article(10, "Zurich lab's robot arm learns to grasp in three tries", ROBOTS, "o1.example", 0)
    later = [
        article(11, "Robot arm from Zurich lab learns grasps by watching", ROBOTS_RETOLD, "o2.example", 40 * 24 * 60),
        article(
            12, "EU fines chipmaker Nortek again", WIRE.replace("1.2 billion", "2 billion"), "a.example", 41 * 1440
        ),
    ]
    stored(store, [*wire_copies()[:1], robots])
    StoryFormation(store, HashingEmbedder(), quick).run(SystemClock())
    stored(store, later[:1])
    StoryFormation(store, HashingEmbedder(), quick).run(SystemClock())
    # Forty days on, the first two stories are closed: a restart holds only the robot arm's second story.
    restarted = StoryFormation(store, HashingEmbedder(), quick)
    assert restarted.clusterer.open_story_count == 1
    stored(store, later[1:])
    restarted.run(SystemClock())
    assert sorted(memberships(store)) == [1, 2, 3, 4]
    closed = explain(store, 1, quick.life)
    assert closed is not None
    assert closed.lines[2].startswith("closed 2024-05-05 08:00 UTC: no coverage for 3.0 d"), closed.lines
    opened = explain(store, 4, quick.life)
    assert opened is not None
    assert opened.lines[2].startswith("open: closes if nothing joins by 2024-06-15"), opened.lines


def test_a_restart_replays_the_stories_that_may_still_be_open_or_recalled() -> None:
    from newsdesk.settings import LifeConfig
    from newsdesk.store.placements import PlacementRow
    from newsdesk.stories.stage import replayed_stories

    def at(days: float) -> datetime:
        return T0 + timedelta(days=days)

    # Story 1 last heard of 60 days before the desk's latest, story 2 20 days before, story 3 undated.
    rows = [PlacementRow(i, i, key, True) for i, key in enumerate([1, 1, 2, 3, 4], start=1)]
    published = {1: at(0), 2: at(1), 3: at(41), 4: None, 5: at(61)}
    life = LifeConfig(quiet_max_days=14, recall_days=30, quiet_articles=0)
    assert replayed_stories(rows, published, life) == {2, 4}
    # With a count rule, the stories of the last 10 × quiet_articles placements come back too.
    assert replayed_stories(rows, published, LifeConfig(quiet_articles=1)) == {1, 2, 3, 4}
    assert replayed_stories(rows[:4], published, LifeConfig(quiet_articles=0, recall_days=100)) == {1, 2}


def test_a_story_that_swallows_a_runs_articles_is_reported_as_suspicious(store: Store) -> None:
    from newsdesk.stories.cluster import ClusterConfig
    from newsdesk.stories.languages import StreamsConfig
    from newsdesk.stories.stage import suspicious_stories

    # A broken representation (every score passes) collapses twelve unrelated articles into one story.
    collapsing = StreamsConfig(dense=ClusterConfig(threshold=-10.0), lexical=ClusterConfig(threshold=-10.0))
    topics = ["rocket", "election", "harvest", "opera", "tennis", "glacier", "bank", "vaccine", "museum", "ferry"]
    fetched = [
        article(
            i,
            f"Daily report on the {topic}",
            f"Our desk's daily report looks at the {topic} today. " + " ".join(f"w{i}x{j}" for j in range(60)),
            "o.example",
            i,
        )
        for i, topic in enumerate(topics + topics[:2], start=1)
    ]
    stored(store, fetched[:12])
    report = StoryFormation(store, HashingEmbedder(), collapsing).run(SystemClock())
    assert report.copies == 0
    assert report.suspicious == ((1, 12, 12),)
    assert report.warnings()[0].startswith("suspicious: story 1 took")
    # Editors see it: the audit log holds it, the review queue flags the story, its page tells why.
    from newsdesk.store.review import desk_story, review_queue

    with store.transaction() as conn:
        items, _more = review_queue(conn)
        flagged = desk_story(conn, 1)
    assert [(item.key, item.suspicious) for item in items] == [(1, True)]
    assert flagged is not None
    assert [(e.actor, e.action, e.detail) for e in flagged.audit] == [
        ("formation", "suspicious", {"articles": 12, "of": 12})
    ]
    # A run that places nothing has nothing to report.
    assert StoryFormation(store, HashingEmbedder()).run(SystemClock()).suspicious == ()
    assert suspicious_stories([1] * 9 + [2] * 30) == ((2, 30, 39),)
    assert suspicious_stories([1] * 10 + list(range(2, 40))) == ()


def test_the_collapse_guard_keeps_a_story_from_swallowing_a_run_and_tells_the_editors(store: Store) -> None:
    from newsdesk.store.review import desk_story, review_queue
    from newsdesk.stories.cluster import ClusterConfig
    from newsdesk.stories.languages import StreamsConfig

    # Every score passes, none is strong evidence; a story holding 3 of the latest 12 articles is guarded.
    broken = ClusterConfig(threshold=-10.0, merge_threshold=10.0, guard_window=12, guard_share=0.25)
    fetched = [
        article(i, f"Daily report number {i}", f"Our desk's daily report. {' '.join(f'w{i}x{j}' for j in range(60))}",
                "o.example", i)
        for i in range(1, 13)
    ]  # fmt: skip
    stored(store, fetched)
    formation = StoryFormation(store, HashingEmbedder(), StreamsConfig(dense=broken, lexical=broken))
    report = formation.run(SystemClock())
    # Articles 1-3 fill story 1; 4 is refused and starts story 4, which fills in turn; and so on.
    assert [formation.clusterer.story_of(i) for i in range(1, 13)] == [1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10]
    refused = dict(report.guarded)
    assert sorted(refused) == [1, 4, 7]
    assert refused[1] >= 3
    assert any(w.startswith(f"guarded: story 1 refused {refused[1]} articles") for w in report.warnings())
    with store.transaction() as conn:
        items, _more = review_queue(conn)
        flagged = desk_story(conn, 1)
    assert {item.key: item.suspicious for item in items}[1]
    assert flagged is not None
    assert ("formation", "guarded", {"refused": refused[1]}) in [(e.actor, e.action, e.detail) for e in flagged.audit]


def test_a_restart_restores_the_idf_of_every_article_not_only_the_replayed_ones(store: Store) -> None:
    """The lexical IDF counts every article a stream read; a restart replays only the open stories and restores
    the rest from the stored counts, also after a run that stopped before saving them, and from the articles
    themselves when the stored counts are lost or damaged."""
    from newsdesk.store.vocabularies import load_vocabularies, save_vocabularies

    quick = cluster_config(StoriesSettings(quiet_articles=0))
    first = [*wire_copies()[:1], article(10, "Zurich lab's robot arm learns to grasp in three tries", ROBOTS,
                                         "o1.example", 0)]  # fmt: skip
    second = [
        article(11, "Robot arm from Zurich lab learns grasps by watching", ROBOTS_RETOLD, "o2.example", 40 * 1440),
        article(12, "EU fines chipmaker Nortek again", WIRE.replace("1.2", "2"), "a.example", 41 * 1440),
    ]
    stored(store, first)
    StoryFormation(store, HashingEmbedder(), quick).run(SystemClock())
    with store.transaction() as conn:
        after_first = load_vocabularies(conn)
    assert after_first[0] == 2
    assert after_first[1]["en"][0] == 2
    stored(store, second)
    uninterrupted = StoryFormation(store, HashingEmbedder(), quick)
    uninterrupted.run(SystemClock())
    everything = uninterrupted.clusterer.document_counts()["en"]
    assert everything.documents == 3  # the second Nortek fine is a copy of the first: never clustered

    def restarted() -> dict[str, int]:
        formation = StoryFormation(store, HashingEmbedder(), quick)
        assert formation.clusterer.open_story_count == 1  # the first stories closed: they are not replayed
        counts = formation.clusterer.document_counts()["en"]
        assert counts.documents == 3
        return dict(counts.counts)

    assert restarted() == dict(everything.counts)
    # A run that stopped before saving: the stored counts run through placement 2 only.
    with store.transaction() as conn:
        save_vocabularies(conn, after_first[1], through_seq=after_first[0], now=T0)
    assert restarted() == dict(everything.counts)
    # Lost, or damaged: rebuilt from the articles.
    with store.transaction() as conn:
        conn.execute(schema.stream_vocabularies.delete())
    assert restarted() == dict(everything.counts)
    with store.transaction() as conn:
        save_vocabularies(conn, after_first[1], through_seq=after_first[0], now=T0)
        conn.execute(schema.stream_vocabularies.update().values(counts=b"not zlib"))
    assert restarted() == dict(everything.counts)
