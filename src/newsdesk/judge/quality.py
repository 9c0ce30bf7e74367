"""An article's quality, 0-100, from named signals an editor can read and argue with.

Pure: an :class:`ArticleEvidence` in, a :class:`Quality` out. Each signal is a
value in [0, 1] with a weight from the settings; the score is the weighted mean
of the signals times 100, less the penalties (press release, market research,
SEO spam), clamped to 0-100 and rounded. A signal the desk cannot know yet
(no body text, an outlet with no history, an article in no story) takes its
neutral value, 0.5, and says so, rather than dragging the score either way.

The signals:

- **originality**: broke the story (1.0), followed it with its own text (0.7),
  a rewrite of another member's story (0.35: it links to one and is short), a
  syndicated copy (0.1).
- **substance**: length (log-scaled to ``full_length_words``), direct quotes,
  named sources ("said", "according to"), links to primary documents (papers,
  filings, government and court sites, code), figures.
- **track record**: the outlet's record on this desk (editors' publish and
  unpublish decisions and its past quality), 0.5 until it has one.
- **headline honesty**: clickbait phrases, all-caps words, listicle numbers,
  shouting punctuation each take a share off 1.0.

The penalties are subtracted as points: ``press_release`` (wire-service hosts
and press-release boilerplate: "announced today", "achieves ... competency",
"named a leader in ... Magic Quadrant", "forward-looking statements") and
``market_research`` ("CAGR", "forecast period", "market size", "global ... market
to 2027"), and ``seo_spam`` (keyword-stuffed headlines, "best ... in 2024"
roundups, coupon and casino words).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsdesk.settings import JudgeSettings

NEUTRAL = 0.5

#: Where an article stands in its story.
BROKE = "broke"
FOLLOWED = "followed"
REWRITE = "rewrite"
COPY = "copy"
_ORIGINALITY = {BROKE: 1.0, FOLLOWED: 0.7, REWRITE: 0.35, COPY: 0.1}


#: The desk's default judgment: where the pure judge's defaults come from.
_DESK = JudgeSettings()


@dataclass(frozen=True, slots=True)
class QualityWeights:
    """How much each signal counts, and the penalties in points: the desk's ``[judge]`` settings, whose defaults
    are these defaults (written once, in :class:`~newsdesk.settings.JudgeSettings`)."""

    originality: float = _DESK.originality
    substance: float = _DESK.substance
    track_record: float = _DESK.track_record
    headline: float = _DESK.headline
    press_release: float = _DESK.press_release
    market_research: float = _DESK.market_research
    seo_spam: float = _DESK.seo_spam
    #: Words of body text at which length counts in full.
    full_length_words: int = _DESK.full_length_words

    @classmethod
    def of(cls, settings: JudgeSettings) -> QualityWeights:
        """The weights a desk's ``[judge]`` settings give."""
        return cls(
            originality=settings.originality,
            substance=settings.substance,
            track_record=settings.track_record,
            headline=settings.headline,
            press_release=settings.press_release,
            market_research=settings.market_research,
            seo_spam=settings.seo_spam,
            full_length_words=settings.full_length_words,
        )

    def __post_init__(self) -> None:
        signal_weights = (self.originality, self.substance, self.track_record, self.headline)
        if any(w < 0 for w in signal_weights) or sum(signal_weights) <= 0:
            raise ValueError("quality weights must be non-negative and not all zero")
        if any(p < 0 or p > 100 for p in (self.press_release, self.market_research, self.seo_spam)):
            raise ValueError("quality penalties are points from 0 to 100")
        if self.full_length_words < 1:
            raise ValueError("full_length_words must be at least 1")


@dataclass(frozen=True, slots=True)
class ArticleEvidence:
    """What the desk knows of an article when it judges it."""

    title: str
    lead: str = ""
    text: str = ""
    url: str = ""
    #: The outlet's host (``provider.domain``).
    outlet: str = ""
    links: tuple[str, ...] = ()
    #: BROKE, FOLLOWED, REWRITE or COPY; ``None`` while the article is in no story.
    role: str | None = None
    #: The outlet's record on this desk in [0, 1]; ``None`` without one.
    track_record: float | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    value: float
    weight: float
    why: str


@dataclass(frozen=True, slots=True)
class Penalty:
    name: str
    points: float
    why: str


@dataclass(frozen=True, slots=True)
class Quality:
    score: int
    signals: tuple[Signal, ...]
    penalties: tuple[Penalty, ...] = field(default=())

    def lines(self) -> list[str]:
        """Each signal and penalty on a line, then the score."""
        out = [f"{s.name:<16} {s.value:4.2f} x {s.weight:.2f}  {s.why}" for s in self.signals]
        out += [f"{p.name:<16} -{p.points:4.1f} points  {p.why}" for p in self.penalties]
        out.append(f"quality          {self.score}")
        return out


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_WIRE_HOSTS = frozenset(
    {
        "prnewswire.com",
        "businesswire.com",
        "globenewswire.com",
        "accesswire.com",
        "einpresswire.com",
        "prweb.com",
        "newswire.com",
        "openpr.com",
        "newsfilecorp.com",
        "financialbuzz.com",
        "acrofan.com",
    }
)
_PRESS_RELEASE = _words(
    r"\b(?:announced today|today announced|(?:achieves|achieved|earns|attains) [\w\s]{0,60}?"
    r"(?:competency|certification|status|designation)|(?:named|positioned) (?:as )?a leader in|magic quadrant|"
    r"forward-looking statements|press release|prnewswire|business wire|globe ?newswire|"
    r"for (?:more|further) information,? (?:contact|visit)|about [A-Z][\w.]+ (?:inc|ltd|llc)\b)"
)
_MARKET_RESEARCH = _words(
    r"\b(?:cagr|compound annual growth rate|forecast period|market (?:size|share|research|report|analysis|"
    r"insights?|to (?:reach|hit|grow))|(?:global|worldwide) [\w\s,-]{0,60}?(?:market|industry)"
    r"(?: report| to 20\d\d| by (?:component|type|application|region|end[- ]use))|"
    r"(?:market|industry) (?:to|by) 20\d\d|key (?:market )?players|"
    r"research ?and ?markets|valuates|market\.us|marketsandmarkets)\b"
)
_SEO_SPAM = _words(
    r"\b(?:best [\w\s]{1,40} in 20\d\d|top \d+ [\w\s]{1,30} (?:tools|apps|software|sites) (?:in|for) 20\d\d|"
    r"coupon|promo code|casino|betting tips|buy (?:followers|likes)|free download|crack(?:ed)? version|"
    r"review and (?:download|discount))\b"
)
_CLICKBAIT = _words(
    r"\b(?:you won'?t believe|will (?:blow your mind|shock you)|this one (?:trick|thing)|here'?s (?:why|how|what)|"
    r"what happens next|the reason (?:why )?will|shocking|jaw-dropping|mind-blowing|everything you need to know|"
    r"goes viral|internet is (?:losing it|freaking out)|bad timing)\b"
)
_LISTICLE = re.compile(
    r"^\s*(?:the\s+)?(?:top\s+)?\d{1,3}\s+(?:\w+\s+){0,3}?(?:ways|things|reasons|tips|tricks|"
    r"facts|signs|apps|tools|examples|ideas|questions)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“][^\"“”]{20,400}[\"”]")
_SOURCED = _words(r"\b(?:said|says|told|according to|wrote|testified|confirmed|spokesperson|spokeswoman|spokesman)\b")
_FIGURE = re.compile(r"(?:\$|€|£)\s?\d|\d+(?:\.\d+)?\s?(?:%|percent|million|billion|people|users)\b", re.IGNORECASE)
_PRIMARY_HOSTS = (
    ".gov",
    ".gov.uk",
    ".europa.eu",
    ".edu",
    ".ac.uk",
    "arxiv.org",
    "doi.org",
    "nature.com",
    "science.org",
    "ssrn.com",
    "github.com",
    "courtlistener.com",
    "sec.gov",
    "openreview.net",
    "aclanthology.org",
    "pubmed.ncbi.nlm.nih.gov",
)


def judge_quality(article: ArticleEvidence, weights: QualityWeights | None = None) -> Quality:
    """The article's quality with every signal and penalty named."""
    w = weights or QualityWeights()
    signals = (
        _originality(article, w.originality),
        _substance(article, w.substance, w.full_length_words),
        _track_record(article, w.track_record),
        _headline(article, w.headline),
    )
    total_weight = sum(s.weight for s in signals)
    base = 100.0 * sum(s.value * s.weight for s in signals) / total_weight
    penalties = _penalties(article, w)
    score = base - sum(p.points for p in penalties)
    return Quality(score=round(min(100.0, max(0.0, score))), signals=signals, penalties=penalties)


def _originality(article: ArticleEvidence, weight: float) -> Signal:
    if article.role is None:
        return Signal("originality", NEUTRAL, weight, "in no story yet")
    value = _ORIGINALITY.get(article.role)
    if value is None:
        raise ValueError(f"unknown story role {article.role!r} (expected one of {', '.join(_ORIGINALITY)})")
    why = {
        BROKE: "broke the story",
        FOLLOWED: "followed the story with its own text",
        REWRITE: "a short rewrite of another outlet's story it links to",
        COPY: "a syndicated copy",
    }[article.role]
    return Signal("originality", value, weight, why)


def _substance(article: ArticleEvidence, weight: float, full_length: int) -> Signal:
    text = article.text.strip()
    if not text:
        return Signal("substance", NEUTRAL, weight, "no body text to judge")
    words = len(text.split())
    length = min(1.0, math.log1p(words) / math.log1p(full_length))
    quotes = len(_QUOTE.findall(text))
    sourced = len(_SOURCED.findall(text))
    figures = len(_FIGURE.findall(text))
    primary = sum(1 for link in article.links if _is_primary(link))
    extras = min(1.0, 0.25 * min(quotes, 2) + 0.1 * min(sourced, 3) + 0.1 * min(figures, 2) + 0.2 * min(primary, 2))
    value = min(1.0, 0.6 * length + 0.4 * extras)
    why = f"{words} words, {quotes} quotes, {sourced} attributions, {figures} figures, {primary} primary-source links"
    return Signal("substance", round(value, 4), weight, why)


def _is_primary(link: str) -> bool:
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.path.lower().endswith(".pdf"):
        return True
    return any(host == h.lstrip(".") or host.endswith(h if h.startswith(".") else "." + h) for h in _PRIMARY_HOSTS)


def _track_record(article: ArticleEvidence, weight: float) -> Signal:
    if article.track_record is None:
        return Signal("track_record", NEUTRAL, weight, f"no record yet for {article.outlet or 'this outlet'}")
    value = min(1.0, max(0.0, article.track_record))
    return Signal("track_record", value, weight, f"{article.outlet or 'the outlet'}'s record on this desk")


def _headline(article: ArticleEvidence, weight: float) -> Signal:
    title = article.title.strip()
    faults: list[str] = []
    value = 1.0
    if _CLICKBAIT.search(title):
        value -= 0.5
        faults.append("clickbait phrase")
    words = re.findall(r"[A-Za-z]{4,}", title)
    shouting = [word for word in words if word.isupper()]
    if words and len(shouting) >= 2 and len(shouting) / len(words) >= 0.3:
        value -= 0.4
        faults.append("all caps")
    if _LISTICLE.search(title):
        value -= 0.3
        faults.append("listicle")
    if re.search(r"[!?]{2,}|!\s*$", title):
        value -= 0.2
        faults.append("shouting punctuation")
    value = max(0.0, value)
    return Signal("headline", value, weight, ", ".join(faults) if faults else "plain, informative headline")


def _penalties(article: ArticleEvidence, w: QualityWeights) -> tuple[Penalty, ...]:
    head = f"{article.title}\n{article.lead}"
    body = article.text[:4000]
    host = (urlsplit(article.url).hostname or article.outlet or "").lower().removeprefix("www.")
    out: list[Penalty] = []
    wire = next((h for h in _WIRE_HOSTS if host == h or host.endswith("." + h)), None)
    press = _PRESS_RELEASE.search(head) or _PRESS_RELEASE.search(body)
    if wire:
        out.append(Penalty("press_release", w.press_release, f"published on {wire}, a press-release site"))
    elif press:
        out.append(Penalty("press_release", w.press_release, f"press-release wording: {press.group(0)!r}"))
    market = _MARKET_RESEARCH.search(head) or _MARKET_RESEARCH.search(body[:1500])
    if market:
        out.append(Penalty("market_research", w.market_research, f"market-research wording: {market.group(0)!r}"))
    seo = _SEO_SPAM.search(head)
    if seo:
        out.append(Penalty("seo_spam", w.seo_spam, f"SEO-spam wording: {seo.group(0)!r}"))
    return tuple(out)


def role_of(
    article_id: int, primary_id: int, copies: dict[int, int], links_to_members: Sequence[int], words: int
) -> str:
    """An article's role in its story: the primary broke it; a copy is a copy; a short text that links to another
    member is a rewrite; anything else followed with its own text."""
    if article_id == primary_id:
        return BROKE
    if article_id in copies:
        return COPY
    if links_to_members and words < 400:
        return REWRITE
    return FOLLOWED
