"""Does a site's build time grow linearly with its number of post-mortems?

Generates two synthetic sites, of N and 4N valid post-mortems (theme: material,
no nav), builds each with `mkdocs build` in this process and reports the time
per post-mortem at both sizes and their ratio; linear growth gives a ratio
near 1 (a little under, as fixed costs such as copying the theme's assets are
shared by more pages). The same is measured for the plugin's own share: the
core pipeline (load, check, collect, render every page and decoration) without
MkDocs. Exits 1 when either ratio exceeds --max-ratio.

    python bench/bench_build.py [--n 250] [--repeat 3] [--max-ratio 1.5]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import logging
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import CombinedEvent

from mkdocs_postmortem import pipeline
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.plugin import PostmortemPlugin
from mkdocs_postmortem.render import Renderer
from mkdocs_postmortem.schema import effective_schema, make_validator

SEED = 20251202
AS_OF = "2026-11-29"
SEVERITIES = ["P0", "P1", "P2", "P3", "P4"]
# no drafts: the plugin leaves them out of the site, and the floor must build the same pages
STATUSES = ["in-review", "approved", "actions-tracked", "lessons-shared"]
ACTION_STATUSES = ["not-started", "in-progress", "done", "done", "cancelled"]
RELATIONS = ["related", "recurrence-of", "caused-by", "duplicate-of"]
SERVICES = [
    f"{a}-{b}" for a in ("checkout", "search", "auth", "payments", "maps", "billing") for b in ("api", "worker", "db", "cache")
]
TAGS = [
    "memory-leak",
    "deployment",
    "config-change",
    "dns",
    "capacity",
    "third-party",
    "process",
    "certificate",
    "database",
    "network",
]
PEOPLE = ["Jane Smith", "John Doe", "Priya Raman", "Tom Becker", "Lena Fischer", "Marco Rossi", "Omar Haddad", "Aisha Bello"]
OWNERS = ["DevOps", "Dev Team", "QA Team", "Platform Team", "Payments Team", "Search Team", "Security Team", *PEOPLE]
# A vocabulary wide enough that the search index and the Markdown parser see text like a real report's.
WORDS = """the a service cache request deploy alert latency error timeout rollback config resolver queue customer
region capacity memory disk network certificate database replica shard load balancer upstream retry backoff pool
connection thread worker scheduler pipeline release canary traffic dashboard pager runbook on-call engineer team
storage index query lock transaction migration schema version dependency vendor provider endpoint gateway proxy
limit quota burst throughput saturation failover primary secondary restart restore backup snapshot checkpoint
latch heartbeat probe health check threshold metric trace log span spike drop peak baseline window hour minute
after before during while because when then again slowly quickly every some most few many several all""".split()  # noqa: SIM905 - a text, not a list to edit

PLUGIN_EVENTS = ("on_config", "on_files", "on_page_markdown", "on_page_content", "on_serve")

MKDOCS_YML = f"""\
site_name: Benchmark
theme: material
plugins:
  - search
  - postmortem:
      as_of: "{AS_OF}"
"""


# --- a synthetic site ------------------------------------------------------------------------


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randrange(9, 22)) for _ in range(sentences))


def postmortem(rng: random.Random, number: int, earlier: list[str]) -> tuple[str, str]:
    """One valid post-mortem, a full report of the classic template (~9.5 KB, like the example site's),
    with references to earlier ids that its body mentions; returns (id, text)."""
    day = dt.date(2020, 1, 1) + dt.timedelta(days=number // 2)
    ident = f"INC-{day.year}-{number:04d}"
    start = dt.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=dt.UTC)
    moments, at = [], start
    for name in ("started", "detected", "acknowledged", "root_caused", "mitigated", "resolved"):
        moments.append(f"  {name}: {at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        at += dt.timedelta(minutes=rng.randrange(1, 90))
    refs = rng.sample(earlier[-200:], min(len(earlier), rng.choice([0, 1, 1, 2, 3])))
    ref_lines = [f"  - {{id: {r}, relation: {rng.choice(RELATIONS)}}}" if rng.random() < 0.5 else f"  - {r}" for r in refs]
    actions = []
    for _ in range(rng.randrange(2, 8)):
        due = day + dt.timedelta(days=rng.randrange(0, 400))
        actions += [
            f"  - title: {_sentence(rng, 7)}",
            f"    owner: {rng.choice(OWNERS)}",
            f"    due: {due.isoformat()}",
            f"    priority: {rng.choice(SEVERITIES)}",
            f"    status: {rng.choice(ACTION_STATUSES)}",
            f"    term: {rng.choice(['immediate', 'short', 'medium', 'long'])}",
            f"    type: {rng.choice(['investigate', 'mitigate', 'repair', 'detect', 'prevent', 'process'])}",
            f"    ticket: {rng.choice(['OPS', 'PROJ', 'SEC'])}-{rng.randrange(1, 9999)}"
            if rng.random() < 0.7
            else f"    ticket: https://tracker.example/browse/OPS-{rng.randrange(1, 9999)}",
        ]
    mentions = " ".join(f"See {r}." for r in refs)
    people = rng.sample(PEOPLE, 3)
    review = day + dt.timedelta(days=rng.randrange(2, 10))
    front = [
        "---",
        f"id: {ident}",
        f"title: {_sentence(rng, 6)[:-1]}",
        f"date: {day.isoformat()}",
        f"severity: {rng.choice(SEVERITIES)}",
        f"status: {rng.choice(STATUSES)}",
        f"summary: >-\n  {_sentence(rng, 20)} {_sentence(rng, 15)}",
        f"commander: {people[0]}",
        f"participants: [{', '.join(people)}]",
        f"services: [{', '.join(rng.sample(SERVICES, rng.randrange(1, 3)))}]",
        f"tags: [{', '.join(rng.sample(TAGS, rng.randrange(1, 4)))}]",
        "detection:\n  source: monitoring\n  method: Prometheus alert",
        "timing:",
        *moments,
        "impact:",
        f"  type: {rng.choice(['complete-outage', 'degraded-performance', 'feature-unavailable'])}",
        f"  users_affected: {rng.randrange(1, 100000)}",
        f"  regions: [{', '.join(rng.sample(['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'], 2))}]",
        f"  requests_failed: {rng.randrange(0, 100000)}",
        f"  peak_error_rate: {rng.randrange(0, 101)}",
        f"  revenue_usd: {rng.randrange(0, 50000)}",
        f"  sla_breach: {rng.choice(['true', 'false'])}",
        f"  customer_tickets: {rng.randrange(0, 80)}",
        f"  reputation: {rng.choice(['none', 'minor', 'moderate', 'significant'])}",
        "  data_loss: false",
        "root_cause:",
        f"  primary: {_sentence(rng, 9)}",
        f"  trigger: {_sentence(rng, 5)}",
        "  contributing:",
        *(f"    - {_sentence(rng, 7)}" for _ in range(rng.randrange(2, 5))),
        *(["references:", *ref_lines] if refs else []),
        "actions:",
        *actions,
        "review:",
        f"  date: {review.isoformat()}",
        f"  attendees: [{', '.join(people[:2])}]",
        "  sign_off:",
        f"    - {{role: Incident Commander, name: {people[0]}, date: {review.isoformat()}}}",
        f"follow_up: {(day + dt.timedelta(days=30)).isoformat()}",
        "---",
    ]
    events = sorted((rng.randrange(24), rng.randrange(60)) for _ in range(rng.randrange(10, 15)))
    body = [
        "",
        "## Executive Summary",
        "",
        f"{_paragraph(rng, 3)} {mentions}",
        "",
        _paragraph(rng, 3),
        "",
        "## Timeline",
        "",
        "| Time (UTC) | Event | Actor |",
        "|------------|-------|-------|",
        *(f"| {h:02d}:{m:02d} | {_sentence(rng, rng.randrange(5, 12))} | {rng.choice(PEOPLE)} |" for h, m in events),
        "",
        "## Root Cause Analysis",
        "",
        "### What Happened",
        "",
        _paragraph(rng, 5),
        "",
        "### Why It Happened",
        "",
        f"**Primary cause:** {_sentence(rng, 12)}",
        "",
        "**Contributing factors:**",
        "",
        *(f"{n}. {_sentence(rng, 14)}" for n in range(1, 5)),
        "",
        "### Why It Wasn't Caught Earlier",
        "",
        f"{_paragraph(rng, 3)} {mentions}",
        "",
        "## Impact",
        "",
        _paragraph(rng, 5),
        "",
        "## What Went Well",
        "",
        *(f"- {_sentence(rng, 12)}" for _ in range(4)),
        "",
        "## What Went Wrong",
        "",
        *(f"- {_sentence(rng, 14)}" for _ in range(3)),
        "",
        "## Prevention Measures",
        "",
        *(f"- **{w}:** {_sentence(rng, 14)}" for w in ("Testing", "Monitoring", "Process")),
        "",
        "## Lessons Learned",
        "",
        *(f"{n}. **{_sentence(rng, 5)}** {_sentence(rng, 12)}" for n in range(1, 6)),
        "",
        "## Supporting Data",
        "",
        "```",
        *(
            f"{h:02d}:{m:02d}:{rng.randrange(60):02d} [{rng.choice(['INFO', 'WARN', 'ERROR'])}] {_sentence(rng, 8)}"
            for h, m in events[:6]
        ),
        "```",
        "",
        _paragraph(rng, 3),
        "",
        "## Communication",
        "",
        f"- **Internal:** {_sentence(rng, 10)}",
        f"- **Status page:** {_sentence(rng, 10)}",
        f"- **Customers:** {_sentence(rng, 10)}",
        "",
    ]
    return ident, "\n".join(front + body)


def make_site(root: Path, count: int, seed: int = SEED) -> Path:
    """A site of `count` post-mortems under root; returns its mkdocs.yml."""
    rng = random.Random(seed)
    folder = root / "docs" / "postmortems"
    folder.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Benchmark\n\nSynthetic post-mortems.\n")
    ids: list[str] = []
    for number in range(1, count + 1):
        ident, text = postmortem(rng, number, ids)
        (folder / f"{ident.lower()}.md").write_text(text, encoding="utf-8")
        ids.append(ident)
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_YML)
    return config


# --- what is timed ---------------------------------------------------------------------------


@contextlib.contextmanager
def plugin_clock() -> Iterator[list[float]]:
    """Time spent inside the plugin's MkDocs event handlers while the block runs (seconds, in [0])."""
    spent = [0.0]
    originals = {name: getattr(PostmortemPlugin, name) for name in PLUGIN_EVENTS}

    def timed(method: Any) -> Any:
        if isinstance(method, CombinedEvent):  # several handlers under one event name, each with its priority
            return CombinedEvent(*(timed(m) for m in method.methods))

        @functools.wraps(method)  # keeps the event priority MkDocs reads from the function
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    for name, method in originals.items():
        setattr(PostmortemPlugin, name, timed(method))
    try:
        yield spent
    finally:
        for name, method in originals.items():
            setattr(PostmortemPlugin, name, method)


def mkdocs_build(config: Path) -> float:
    """One build; returns the seconds spent in the plugin's event handlers."""
    with plugin_clock() as spent:
        build(load_config(str(config), site_dir=str(config.parent / "site")))
    return spent[0]


def core_pipeline(config: Path) -> float | None:
    """The plugin's own work, without MkDocs: load, check, collect, render every page and decoration."""
    settings = default_settings()
    loaded = pipeline.load_folder(config.parent / "docs" / settings.dir, settings.dir)
    validator = make_validator(effective_schema(settings))
    result = pipeline.build(loaded.entries, settings, validator, problems=loaded.problems, as_of=dt.date.fromisoformat(AS_OF))
    assert not result.problems, result.problems[:5]
    catalog = result.catalog
    renderer = Renderer.create(catalog, settings.dir, result.as_of)
    renderer.pages(settings.nav_title)
    for incident in catalog.incidents.values():
        renderer.header(incident)
        renderer.footer(incident)
    return None


def best_of(repeat: int, run: Callable[[Path], float | None], config: Path) -> tuple[float, float | None]:
    """The fastest of `repeat` runs: its seconds, and what the run reported (the plugin's share)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        inner = run(config)
        runs.append((time.perf_counter() - start, inner))
    return min(runs, key=lambda r: r[0])


def measure(name: str, run: Callable[[Path], float | None], sites: dict[int, Path], repeat: int) -> float:
    small, large = sorted(sites)
    results = {n: best_of(repeat, run, sites[n]) for n in (small, large)}
    seconds = {n: results[n][0] for n in results}
    per_doc = {n: seconds[n] / n for n in seconds}
    ratio = per_doc[large] / per_doc[small]
    marginal = (seconds[large] - seconds[small]) / (large - small)
    print(f"\n{name} (best of {repeat})")
    for n in (small, large):
        plugin = results[n][1]
        share = "" if plugin is None else f"  (plugin events {plugin:.2f} s, {100 * plugin / seconds[n]:.0f}%)"
        print(f"  {n:6d} post-mortems: {seconds[n]:8.2f} s  {per_doc[n] * 1000:7.2f} ms per post-mortem{share}")
    print(f"  marginal cost: {marginal * 1000:.2f} ms per added post-mortem")
    print(f"  ratio (time per post-mortem at {large}) / (at {small}): {ratio:.2f}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=250, help="the smaller site's number of post-mortems (default 250)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts (default 3)")
    parser.add_argument("--max-ratio", type=float, default=1.5, help="fail above this per-post-mortem ratio (default 1.5)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the synthetic sites")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")

    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # one INFO line per build would drown the figures
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        sites = {n: make_site(Path(tmp) / f"site-{n}", n, args.seed) for n in (args.n, 4 * args.n)}
        ratios = {
            "mkdocs build": measure("mkdocs build (theme: material, no nav)", mkdocs_build, sites, args.repeat),
            "core": measure("plugin core: load + check + collect + render", core_pipeline, sites, args.repeat),
        }
    failed = [name for name, ratio in ratios.items() if ratio > args.max_ratio]
    if failed:
        print(f"\nFAIL: {', '.join(failed)}: time per post-mortem grows faster than linearly (ratio > {args.max_ratio})")
        return 1
    print(f"\nOK: both ratios at most {args.max_ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
