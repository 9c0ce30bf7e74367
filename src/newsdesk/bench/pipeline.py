"""The whole desk as a user runs it, timed (``newsdesk bench pipeline FILE.jsonl...``): articles/s end to end.

Real articles (the full-text clustering sets of ``../shared/data``: title, lead, text, time, outlet) are
written as a static news site: each article a page (``<title>``, Open Graph and ``article:published_time``
metadata, the text in ``<article>`` paragraphs) and each outlet an RSS feed of its articles with a teaser,
so every page must be fetched and read. The outlets are spread over ``hosts`` loopback addresses
(127.0.0.10 onwards), served by a child process (``servedsite``), so the desk fetches from many hosts at
once as it would from the web. A new desk in a temporary directory (SQLite, the politics starter's beat,
every outlet's feed as a source; fetch spacing 0, since the bench measures the desk and not the politeness
waits) then runs, timed stage by stage:

1. **fetch and read**: one round over every feed (``newsdesk fetch --all --once``): feeds, pages, reading,
   storing;
2. **form**: ``stories form``: embedding (batched), judging each article, placing it, writing its story;
3. **judge again**: ``stories judge``;
4. **publish**: ``export``: records, API pages, feeds and sitemaps.

The figure is articles stored per second from the start of fetching to the end of publishing; loading the
model (once per process in ``newsdesk run``) is timed apart. Beside it, the anchor: plain MiniLM at float32
embedding ``anchor_sample`` of the same articles alone (outside the timed stages), and the ratio of the two,
which the machine's speed moves far less than either (sessions run on different processors: the same code
gave 14.3 articles/s on one and 10.6 on another). Peak memory is this process's peak
resident set plus the largest page-reading worker's (``fetch.read_workers``, as the workers report it); the
served site runs in its own process and is not counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

from newsdesk.evaluation.clustering import read_articles
from newsdesk.record import StoryArticle

#: The first loopback address the served outlets use (127.0.0.10, .11, ...).
_FIRST_ADDRESS = 10
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    seconds: float


@dataclass(frozen=True, slots=True)
class PipelineBenchReport:
    articles: int
    outlets: int
    hosts: int
    stored: int
    placed: int
    off_beat: int
    copies: int
    stories: int
    published_records: int
    model_seconds: float
    encoder: str
    stages: tuple[Stage, ...]
    #: Of the form stage: embedding, judging articles, clustering.
    embed_seconds: float
    judge_seconds: float
    cluster_seconds: float
    peak_memory_mb: float
    #: Plain MiniLM (float32) alone on a sample of the same articles: articles a second.
    anchor_articles_per_second: float = 0.0
    #: Of ``off_beat``: settled at a glance (title and lead), never embedded in full.
    glanced: int = 0

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)

    @property
    def articles_per_second(self) -> float:
        return self.stored / self.seconds if self.seconds > 0 else 0.0

    @property
    def encoder_ratio(self) -> float:
        """End-to-end articles a second for each one the encoder alone embeds."""
        anchor = self.anchor_articles_per_second
        return self.articles_per_second / anchor if anchor > 0 else 0.0


def _page(article: StoryArticle, outlet: str) -> str:
    published = article.published.isoformat() if article.published else ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", article.text) if p.strip()] or [article.lead]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f'<!doctype html>\n<html lang="{html.escape(article.language or "en")}"><head><meta charset="utf-8">'
        f"<title>{html.escape(article.title)}</title>"
        f'<meta property="og:title" content="{html.escape(article.title)}">'
        f'<meta property="og:site_name" content="{html.escape(outlet)}">'
        f'<meta name="description" content="{html.escape(article.lead[:300])}">{meta}</head>'
        f'<body><header><a href="/">{html.escape(outlet)}</a></header><main><article>'
        f"<h1>{html.escape(article.title)}</h1>\n{body}\n</article></main>"
        "<footer>Copyright the outlet.</footer></body></html>\n"
    )


def _feed(outlet: str, base: str, items: Sequence[tuple[StoryArticle, str]]) -> str:
    entries = []
    for article, link in items:
        when = f"<pubDate>{format_datetime(article.published)}</pubDate>" if article.published else ""
        entries.append(
            f"<item><title>{html.escape(article.title)}</title><link>{html.escape(link)}</link>"
            f"<guid>{html.escape(link)}</guid>{when}<description>{html.escape(article.lead[:200])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(outlet)}</title><link>{html.escape(base)}/</link><description>News</description>"
        + "".join(entries)
        + "</channel></rss>\n"
    )


def write_site(articles: Sequence[StoryArticle], root: Path, hosts: int, port: int) -> tuple[list[str], list[str]]:
    """Write the articles as pages and per-outlet feeds under ``root/<address>/``; the feeds' URLs and the
    addresses used. Articles without a title, text or outlet are left out."""
    by_outlet: dict[str, list[StoryArticle]] = {}
    for article in articles:
        if article.title and article.text:
            by_outlet.setdefault(article.source or "news.example", []).append(article)
    feeds, addresses = [], []
    for number, (outlet, items) in enumerate(sorted(by_outlet.items())):
        address = f"127.0.0.{_FIRST_ADDRESS + number % hosts}"
        if address not in addresses:
            addresses.append(address)
            (root / address).mkdir(parents=True, exist_ok=True)
            (root / address / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
        slug = _SLUG.sub("-", outlet.lower()).strip("-") or "news"
        folder = root / address / slug
        folder.mkdir(parents=True, exist_ok=True)
        base = f"http://{address}:{port}/{slug}"
        linked = []
        for article in items:
            (folder / f"{article.id}.html").write_text(_page(article, outlet), encoding="utf-8")
            linked.append((article, f"{base}/{article.id}.html"))
        (folder / "feed.xml").write_text(_feed(outlet, base, linked), encoding="utf-8")
        feeds.append(f"{base}/feed.xml")
    return feeds, addresses


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _served(root: Path, port: int, addresses: Sequence[str]) -> Iterator[None]:
    child = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.bench.servedsite", str(root), str(port), *addresses],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the bench's news site did not start")
        yield
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def _desk_settings(text: str, precision: str) -> str:
    """A new desk's settings with loopback fetching allowed, no spacing between requests to a host, and the
    encoder's precision."""
    replaced = {
        "allow_private_addresses": "true",
        "host_interval": "0.0",
        "max_pages_per_source": "100000",
        "max_connections": "32",
        "precision": f'"{precision}"',
    }
    for key, value in replaced.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if found != 1:
            raise RuntimeError(f"newsdesk.toml has no single {key} to set")
    return text


def run_pipeline_bench(
    paths: Sequence[Path], articles: int = 600, hosts: int = 16, precision: str = "auto", anchor_sample: int = 200
) -> PipelineBenchReport:
    """Serve the first ``articles`` full-text articles of ``paths`` as a news site and run the desk over it."""
    from newsdesk.clock import SystemClock
    from newsdesk.desk import init_desk, open_desk
    from newsdesk.desk.transfer import export_tree
    from newsdesk.encoder.embed import MiniLM, desk_encoder
    from newsdesk.encoder.text import embedding_text
    from newsdesk.ingest.fetch.client import Fetcher
    from newsdesk.ingest.stage import RunReport, fetch_sources, sources_to_fetch
    from newsdesk.judge.stage import DeskJudge
    from newsdesk.record import Source
    from newsdesk.settings import SETTINGS_FILE
    from newsdesk.starter import furnish
    from newsdesk.store.sources import add_source
    from newsdesk.store.stats import counts
    from newsdesk.stories.stage import StoryFormation, cluster_config

    chosen: list[StoryArticle] = []
    for path in paths:
        found, _gold = read_articles(path)
        chosen += [a for a in found if a.title and a.text and a.source][: articles - len(chosen)]
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-pipeline-") as scratch:
        root = Path(scratch)
        port = _free_port(f"127.0.0.{_FIRST_ADDRESS}")
        feeds, addresses = write_site(chosen, root / "site", hosts, port)
        environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
        desk_path = root / "desk"
        desk, _ = init_desk(desk_path, environ, title="Bench Desk")
        desk.close()
        settings_file = desk_path / SETTINGS_FILE
        settings_file.write_text(_desk_settings(settings_file.read_text(encoding="utf-8"), precision), encoding="utf-8")
        clock = SystemClock()
        with open_desk(desk_path, environ) as opened, _served(root / "site", port, addresses):
            with opened.store.transaction() as conn:
                for url in feeds:
                    add_source(conn, Source(url=url, kind="feed"), now=clock.now())
            furnish(opened, clock.now(), beat="politics")
            started = time.perf_counter()
            embedder = desk_encoder(opened.settings.embedding)
            embedder.embed(["warm up"])
            with opened.store.transaction() as conn:
                judge = DeskJudge.load(conn, opened.settings.judge, embedder)
            formation = StoryFormation(opened.store, embedder, cluster_config(opened.settings.stories), judge=judge)
            model_seconds = time.perf_counter() - started
            # The anchor, before the timed stages: the desk's own encoder when it is plain float32 MiniLM.
            anchor = embedder if embedder.precision == "float32" else MiniLM(embedder.batch_size, precision="float32")
            sample = [embedding_text(a.title, a.lead, a.text) for a in chosen[:anchor_sample]]
            anchor.embed(sample[:4])
            began = time.perf_counter()
            anchor.embed(sample)
            anchor_rate = len(sample) / (time.perf_counter() - began) if sample else 0.0
            stages = []

            async def fetch_all() -> RunReport:
                async with Fetcher(opened.settings.fetch) as fetcher:
                    return await fetch_sources(
                        opened.store, fetcher, sources_to_fetch(opened.store, fetcher, every=True)
                    )

            began = time.perf_counter()
            fetched = asyncio.run(fetch_all())
            stages.append(Stage("fetch and read", time.perf_counter() - began))
            began = time.perf_counter()
            formed = formation.run(clock)
            stages.append(Stage("form stories", time.perf_counter() - began))
            began = time.perf_counter()
            formation.rejudge(clock.now())
            stages.append(Stage("judge again", time.perf_counter() - began))
            began = time.perf_counter()
            exported = export_tree(opened.store, opened.settings.site, root / "export", now=clock.now())
            stages.append(Stage("publish", time.perf_counter() - began))
            with opened.store.transaction() as conn:
                totals = counts(conn)
        peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + fetched.worker_peak_kb) / 1024
        return PipelineBenchReport(
            articles=len(chosen),
            outlets=len(feeds),
            hosts=len(addresses),
            stored=int(totals.get("articles", 0)),
            placed=formed.placed,
            off_beat=formed.off_beat,
            copies=formed.copies,
            stories=int(totals.get("stories", 0)),
            published_records=exported.records,
            model_seconds=model_seconds,
            encoder=embedder.name,
            stages=tuple(stages),
            embed_seconds=formed.embed_seconds,
            judge_seconds=formed.judge_seconds,
            cluster_seconds=formed.cluster_seconds,
            peak_memory_mb=peak,
            anchor_articles_per_second=anchor_rate,
            glanced=formed.glanced,
        )


def format_pipeline_bench(report: PipelineBenchReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    import json

    total = report.seconds
    lines = [
        f"served {report.articles} articles from {report.outlets} outlets on {report.hosts} loopback hosts",
        f"stored {report.stored}; placed {report.placed} ({report.copies} copies), {report.off_beat} judged off "
        f"the beat ({report.glanced} at a glance); {report.stories} stories; {report.published_records} records "
        "published",
        f"loading the model, {report.encoder} (once per process, not counted): {report.model_seconds:.1f} s",
    ]
    for stage in report.stages:
        share = stage.seconds / total if total > 0 else 0.0
        lines.append(f"  {stage.name:<15} {stage.seconds:7.1f} s  {share:6.1%}")
        if stage.name == "form stories":
            for name, seconds in (
                ("embedding", report.embed_seconds),
                ("judging", report.judge_seconds),
                ("clustering", report.cluster_seconds),
            ):
                lines.append(f"    {name:<13} {seconds:7.1f} s  {seconds / total if total > 0 else 0.0:6.1%}")
    lines += [
        f"end to end: {report.stored} articles in {total:.1f} s: {report.articles_per_second:.1f} articles/s",
        f"the encoder alone (all-MiniLM-L6-v2, float32, the anchor): {report.anchor_articles_per_second:.1f} "
        f"articles/s; end to end keeps {report.encoder_ratio:.2f} of it",
        f"peak memory (ru_maxrss, this process and its largest page-reading worker): {report.peak_memory_mb:.0f} MB",
    ]
    figures = {
        "articles": report.stored,
        "articles_per_second": round(report.articles_per_second, 2),
        "anchor_articles_per_second": round(report.anchor_articles_per_second, 2),
        "encoder_ratio": round(report.encoder_ratio, 3),
        "seconds": round(total, 2),
        "peak_memory_mb": round(report.peak_memory_mb),
        "placed": report.placed,
        "glanced": report.glanced,
        "stories": report.stories,
        **{f"{s.name.replace(' ', '_')}_share": round(s.seconds / total, 4) if total > 0 else 0.0
           for s in report.stages},
        "embed_share": round(report.embed_seconds / total, 4) if total > 0 else 0.0,
    }  # fmt: skip
    lines.append(json.dumps(figures))
    return lines
