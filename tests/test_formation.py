"""The story stage on a real store: copies, stories, primaries, merges, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newsdesk.fetch.clock import SystemClock
from newsdesk.formation import StoryFormation, explain
from newsdesk.record import Article, FetchedArticle, Provider
from newsdesk.store import Store, schema
from newsdesk.store.articles import save_fetched_article
from newsdesk.store.placements import move_story, resolve_key
from newsdesk.store.stories import load_stories

from .embedders import HashingEmbedder

T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)

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

ROBOTS = (
    "A robotics lab in Zurich showed a warehouse arm that learns to grasp an unfamiliar object after three "
    "demonstrations. The arm, called Grip, combines a vision model with tactile sensors in its fingertips and "
    "was trained on two million simulated grasps before it ever touched a real box. Logistics companies have "
    "struggled to automate picking because every warehouse stocks thousands of differently shaped goods. "
    "The lab's director said the arm would be sold to pilot customers in the autumn."
)


ROBOTS_RETOLD = (
    "Researchers in Zurich have built a robot arm for warehouses that needs only three demonstrations to pick "
    "up an object it has never seen. Grip, as the lab calls it, pairs a vision model with touch sensors and "
    "learned from two million simulated grasps. Picking remains the hardest job to automate in logistics, "
    "the lab said, and pilot customers will get the first arms in the autumn."
)


def article(n: int, title: str, text: str, outlet: str, minutes: int, links: tuple[str, ...] = ()) -> FetchedArticle:
    url = f"https://{outlet}/news/{n}"
    return FetchedArticle(
        article=Article(
            title=title,
            published=T0 + timedelta(minutes=minutes),
            excerpt=text[:200],
            original_url=url,
            web_url=url,
            provider=Provider(outlet.split(".")[0].title(), outlet),
        ),
        text=text,
        language="en",
        authors=(),
        links=links,
        entry_key=url,
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


def stored(store: Store, fetched: list[FetchedArticle]) -> None:
    with store.transaction() as conn:
        for item in fetched:
            save_fetched_article(conn, item, source_id=None, now=T0)


def memberships(store: Store) -> dict[int, list[int]]:
    with store.transaction() as conn:
        rows = conn.execute(
            select(schema.stories.c.cluster_key, schema.story_articles.c.article_id)
            .join(schema.story_articles, schema.story_articles.c.story_id == schema.stories.c.id)
            .order_by(schema.stories.c.cluster_key, schema.story_articles.c.position)
        )
        out: dict[int, list[int]] = {}
        for key, article_id in rows:
            out.setdefault(int(key), []).append(int(article_id))
    return out


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
    from .test_cli import newsdesk

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
