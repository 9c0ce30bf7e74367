"""Near-duplicate copies: MinHash signatures of word shingles, found through an LSH index."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.record import StoryArticle
from newsdesk.stories.dedup import DedupConfig, NearDuplicateIndex
from newsdesk.stories.model import CopyOf

WIRE = """\
BRUSSELS (AP) — European regulators on Tuesday opened a formal inquiry into whether three large call centre \
operators broke privacy law by using artificial intelligence to clone the voices of their own employees without \
clear consent.

The investigation, announced by the data protection authorities of Belgium, Ireland and the Netherlands, follows \
complaints from a union that represents about 40,000 customer service workers across the bloc. The union says staff \
were asked to record several hours of scripted speech during training, and that the recordings were later used to \
build synthetic voices that now answer routine calls.

"Workers were told the recordings were for quality control," said Ana Ferreira, the union's general secretary. \
"Nobody explained that their voice would keep working after their shift ended, or after they left the company."

The companies named in the inquiry did not respond to requests for comment on Tuesday. One of them said in a \
statement last month that it had "always complied with applicable rules" and that employees could ask for their \
recordings to be deleted.

Under the General Data Protection Regulation, a person's voice can count as biometric data when it is used to \
identify them, and processing such data generally requires explicit consent. Regulators can fine companies up to 4% \
of their global annual turnover for serious breaches.

The case is one of the first tests of how existing privacy law applies to voice cloning, a technology that has \
become cheap and convincing over the past two years. Lawmakers in several countries have proposed rules that would \
require companies to label synthetic voices and to pay people whose voices are reused.

Legal experts said the inquiry could take more than a year. "The question is not whether the technology is \
allowed," said Tomas Lindqvist, a law professor at Uppsala University. "It is whether a worker can meaningfully say \
no to their employer."
"""

LEAD = (
    "European regulators opened a formal inquiry into whether call centre operators broke privacy law "
    "by cloning their employees' voices with AI."
)
HEADLINE = "EU regulators open inquiry into AI voice cloning of call centre workers"

UNRELATED = """\
WASHINGTON — A bipartisan group of senators introduced a bill on Thursday that would give Americans a federal \
right to control digital replicas of their voice and likeness, the latest sign that Congress is trying to catch up \
with generative AI tools that can imitate anyone from a few seconds of audio.

The bill would let people sue companies that make or distribute an unauthorised replica, with damages of $5,000 per \
violation, and would require platforms to take such replicas down quickly once notified. Musicians, actors and \
voice performers have pushed for the measure for more than a year, after AI songs imitating famous singers spread \
on streaming services.

Unions for customer service staff have raised a related worry. "Workers were told the recordings were for quality \
control," a European union official said this week of a separate case, in which call centre staff say their voices \
were cloned without consent.

Technology industry groups said the bill's definitions were too broad and could chill parody and news reporting. \
Supporters said exemptions for commentary, criticism and satire were written into the text. The bill's sponsors \
said they hoped to hold a hearing before the summer recess, but it was not clear whether the House would take up a \
companion measure this year.
"""

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
#: The default signature of the first syndicated version; stored signatures depend on it staying the same.
PINNED_SIGNATURE_SHA256 = "1e4b72d9051784880992631fa5ac7e04c11fabf76db9328ce1a67f8cfd1e1311"


def article(
    article_id: int, title: str, text: str, *, lead: str = LEAD, minutes: int = 0, source: str = "wire.example"
) -> StoryArticle:
    return StoryArticle(
        id=article_id,
        title=title,
        lead=lead,
        text=text,
        published=T0 + timedelta(minutes=minutes),
        source=source,
        url=f"https://{source}/{article_id}",
    )


def syndicated() -> list[StoryArticle]:
    """The wire story as five outlets ran it, each lightly different, then an unrelated story on the same topic."""
    edited = WIRE.replace(
        "The union says staff were asked to record several hours of scripted speech during training,",
        "According to the union, employees had to record hours of scripted speech while they were being trained,",
    )
    assert edited != WIRE
    return [
        article(10, HEADLINE, "By Maria Keller, Associated Press\n\n" + WIRE, source="apnews.example"),
        article(
            11,
            "Call centres accused of cloning staff voices with AI; EU watchdogs investigate",
            "By The Associated Press\n\n" + WIRE,
            minutes=12,
            source="times-herald.example",
        ),
        article(
            12,
            HEADLINE,
            WIRE + "\nCopyright 2024 The Associated Press. All rights reserved. This material may not be published, "
            "broadcast, rewritten or redistributed without permission.",
            minutes=25,
            source="dailycourier.example",
        ),
        article(
            13, "Europe probes AI voice clones at call centres", edited, minutes=31, source="metro-gazette.example"
        ),
        article(
            14,
            HEADLINE,
            WIRE + "\nSign up for our free morning newsletter to get the day's top stories delivered to your inbox.\n"
            "Have a news tip? Email the newsroom.",
            lead="Three call centre operators are accused of using AI to clone the voices of their own staff.",
            minutes=48,
            source="valleynews.example",
        ),
        article(
            15,
            "Senators propose federal right to control AI voice and likeness replicas",
            UNRELATED,
            lead="A new bill would let people sue over unauthorised digital replicas of their voice.",
            minutes=60,
            source="capitolreport.example",
        ),
    ]


def test_a_wire_story_syndicated_by_five_outlets_becomes_one_article_and_four_copies() -> None:
    index = NearDuplicateIndex()
    outcomes = [index.add(a) for a in syndicated()]
    original, *copies, unrelated = outcomes
    assert original is None
    assert [c.original_id if c else None for c in copies] == [10, 10, 10, 10]
    assert [c.article_id if c else None for c in copies] == [11, 12, 13, 14]
    assert all(c is not None and 0.8 <= c.similarity <= 1.0 for c in copies)
    assert unrelated is None
    assert len(index) == 2  # the original and the unrelated story; copies are not indexed
    assert 10 in index
    assert 11 not in index


def test_an_unrelated_article_on_the_same_topic_is_not_a_copy_even_at_a_low_threshold() -> None:
    index = NearDuplicateIndex(DedupConfig(threshold=0.3))
    articles = syndicated()
    index.add(articles[0])
    assert index.check(articles[-1]) is None


def test_check_does_not_index() -> None:
    index = NearDuplicateIndex()
    first, second, *_ = syndicated()
    assert index.check(first) is None
    assert len(index) == 0
    assert index.check(second) is None
    index.add(first)
    assert index.check(second) == index.check(second)
    assert len(index) == 1


def test_case_punctuation_and_spacing_do_not_matter() -> None:
    index = NearDuplicateIndex()
    plain = article(1, HEADLINE, WIRE)
    shouted = article(2, HEADLINE.upper(), "  ".join(WIRE.upper().replace('"', "“").replace(",", " ,").split()))
    assert index.signature(plain)[8:] == index.signature(shouted)[8:]
    index.add(plain)
    copy = index.add(shouted)
    assert copy == CopyOf(article_id=2, original_id=1, similarity=1.0)


def test_accents_case_soft_hyphens_and_typographic_punctuation_do_not_matter() -> None:
    index = NearDuplicateIndex()
    plain = article(1, "", WIRE + ' Cafe owner Élise Müller said: "no comment" -- international.', lead="")
    fancy = article(2, "", WIRE + " CAFE OWNER ÉLISE MÜLLER SAID: «NO COMMENT» — inter\xadnational…", lead="")
    assert index.signature(plain)[8:] == index.signature(fancy)[8:]
    accented = article(3, "", WIRE + " Café owner Elise Muller said no comment, international.", lead="")
    assert index.signature(plain)[8:] != index.signature(accented)[8:]


def test_short_texts_are_never_copies_by_text_alone() -> None:
    index = NearDuplicateIndex()
    short = "OpenAI releases a new model for coding"
    assert index.add(article(1, short, "", lead="")) is None
    assert index.add(article(2, short, "", lead="")) is None
    assert len(index) == 0
    signature = index.signature(article(1, short, "", lead=""))
    index.add_signature(1, signature)
    assert len(index) == 0


def test_the_earliest_matching_original_is_chosen() -> None:
    rng = random.Random(7)
    words = WIRE.split()
    block_a = " ".join(rng.choice(words) for _ in range(90))
    block_b = " ".join(rng.choice(words) for _ in range(90))
    config = DedupConfig(threshold=0.7, num_perm=512, bands=128)
    index = NearDuplicateIndex(config)
    # Two originals that are not copies of each other, the later one with the smaller id.
    assert index.add(article(7, "", WIRE + block_a, lead="")) is None
    assert index.add(article(4, "", WIRE + block_b, lead="")) is None
    copy = index.add(article(9, "", WIRE, lead=""))
    assert copy is not None
    assert copy.original_id == 4


def test_adding_an_indexed_id_again_does_not_call_it_a_copy_of_itself() -> None:
    index = NearDuplicateIndex()
    first = syndicated()[0]
    assert index.add(first) is None
    assert index.add(first) is None
    assert index.check(first) is None
    assert len(index) == 1


def test_remove_forgets_an_original() -> None:
    index = NearDuplicateIndex()
    first, second, *_ = syndicated()
    index.add(first)
    index.remove(first.id)
    index.remove(first.id)
    assert len(index) == 0
    assert index.check(second) is None


def test_same_inputs_give_the_same_outputs() -> None:
    runs = []
    for _ in range(2):
        index = NearDuplicateIndex()
        runs.append(([index.add(a) for a in syndicated()], [index.signature(a) for a in syndicated()]))
    assert runs[0] == runs[1]


def test_the_signature_is_stable_across_processes_and_releases() -> None:
    """Stored signatures must stay valid: a change here needs a new format version in the fingerprint."""
    signature = NearDuplicateIndex().signature(syndicated()[0])
    assert len(signature) == 8 + 4 * 128
    assert hashlib.sha256(signature).hexdigest() == PINNED_SIGNATURE_SHA256


def test_signatures_rebuild_the_index_after_a_restart() -> None:
    articles = syndicated()
    before = NearDuplicateIndex()
    outcomes = [before.add(a) for a in articles]
    stored = {a.id: before.signature(a) for a in articles}

    after = NearDuplicateIndex()
    for a, outcome in zip(articles, outcomes, strict=True):
        if outcome is None:
            after.add_signature(a.id, stored[a.id])
    assert len(after) == len(before)
    assert [after.check(a) for a in articles] == [before.check(a) for a in articles]
    later = article(20, "Call centre voice cloning inquiry opens", WIRE, minutes=90, source="late.example")
    assert after.add(later) == before.add(later)


def test_a_signature_made_with_other_settings_is_refused() -> None:
    first = syndicated()[0]
    signature = NearDuplicateIndex(DedupConfig(shingle_words=4)).signature(first)
    with pytest.raises(ValueError, match="other settings"):
        NearDuplicateIndex().add_signature(first.id, signature)
    with pytest.raises(ValueError, match="bytes"):
        NearDuplicateIndex().add_signature(first.id, signature[:-1])


def test_estimated_similarity_follows_the_true_jaccard_similarity() -> None:
    rng = random.Random(3)
    vocabulary = sorted(set(WIRE.lower().split()))
    index = NearDuplicateIndex()
    for _ in range(20):
        base = [rng.choice(vocabulary) for _ in range(400)]
        edited = list(base)
        for _ in range(rng.randrange(0, 40)):
            edited[rng.randrange(len(edited))] = f"edit{rng.randrange(10**6)}"
        shingles_a = {tuple(base[i : i + 5]) for i in range(len(base) - 4)}
        shingles_b = {tuple(edited[i : i + 5]) for i in range(len(edited) - 4)}
        true = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
        estimate = index.similarity(
            index.signature(article(1, "", " ".join(base), lead="")),
            index.signature(article(2, "", " ".join(edited), lead="")),
        )
        assert abs(estimate - true) < 0.15


@pytest.mark.parametrize(
    "settings",
    [
        {"threshold": 0.0},
        {"threshold": 1.5},
        {"shingle_words": 0},
        {"num_perm": 100},
        {"num_perm": 4096},
        {"bands": 3},
        {"min_shingles": 0},
        {"seed": -1},
    ],
)
def test_bad_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="dedup"):
        DedupConfig(**settings)  # type: ignore[arg-type]


def test_the_index_stays_right_past_its_merge_size_and_forgets_removed_originals() -> None:
    rng = random.Random(11)
    vocabulary = [f"w{n}" for n in range(50_000)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(40)) for _ in range(1500)]
    index = NearDuplicateIndex()
    assert all(index.add(article(i, "", text, lead="")) is None for i, text in enumerate(texts))
    assert len(index) == 1500
    for original in (0, 700, 1499):
        copy = index.check(article(10_000 + original, "", texts[original], lead=""))
        assert copy == CopyOf(article_id=10_000 + original, original_id=original, similarity=1.0)
    index.remove(0)
    index.remove(1499)
    assert index.check(article(10_000, "", texts[0], lead="")) is None
    assert index.check(article(11_499, "", texts[1499], lead="")) is None
    assert index.add(article(0, "", texts[0], lead="")) is None
    for i in range(1500, 2600):  # past another merge, with 0 and 1499 removed and 0 back
        index.add(article(i, "", " ".join(rng.choice(vocabulary) for _ in range(40)), lead=""))
    copy = index.check(article(20_000, "", texts[0], lead=""))
    assert copy is not None
    assert copy.original_id == 0
    assert index.check(article(21_499, "", texts[1499], lead="")) is None
    assert len(index) == 2599


def test_a_prepared_batch_gives_the_same_signatures_as_one_article_at_a_time() -> None:
    rng = random.Random(7)
    words = (
        WIRE.split() + UNRELATED.split() + ["Zürich", "naïve", "straße", "ﬁnance", "—", "“quoted”", "soft\xadhyphen"]
    )
    texts = ["", "Three words only", "a b c d", "a b c d e", "x " * 40, WIRE, WIRE + " Updated."]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 260))) for _ in range(60)]
    batch = [
        article(i + 1, f"Headline {i % 3}" if i % 2 else "", text, lead="" if i % 3 else LEAD)
        for i, text in enumerate(texts)
    ]
    one_by_one, prepared = NearDuplicateIndex(), NearDuplicateIndex()
    expected = [one_by_one.signature(a) for a in batch]
    prepared.prepare(batch)
    assert [prepared.signature(a) for a in batch] == expected
    # The same copies are found either way, and a changed article with a prepared id is computed afresh.
    assert [one_by_one.add(a) for a in batch] == [prepared.add(a) for a in batch]
    changed = article(6, HEADLINE, UNRELATED)
    assert prepared.signature(changed) == NearDuplicateIndex().signature(changed)


def test_prepared_batches_find_the_same_copies_past_merges_removals_and_re_adds() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(20_000)]
    texts: list[str] = []
    stream: list[StoryArticle] = []
    for i in range(3000):
        if texts and rng.random() < 0.1:  # a copy of an earlier text, lightly edited
            text = rng.choice(texts) + " " + rng.choice(vocabulary)
        else:
            text = " ".join(rng.choice(vocabulary) for _ in range(40))
            texts.append(text)
        stream.append(article(i, "", text, lead=""))
    one_by_one, prepared = NearDuplicateIndex(), NearDuplicateIndex()
    expected: list[CopyOf | None] = []
    found: list[CopyOf | None] = []
    for start in range(0, len(stream), 256):
        batch = stream[start : start + 256]
        prepared.prepare(batch)
        for a in batch:
            expected.append(one_by_one.add(a))
            found.append(prepared.add(a))
        for index in (one_by_one, prepared):  # forget one original and index another again, mid-stream
            index.remove(start)
            index.add(article(start + 1, "", texts[(start // 256) % len(texts)], lead=""))
    assert found == expected
    assert sum(c is not None for c in found) > 200
    assert len(prepared) == len(one_by_one)
