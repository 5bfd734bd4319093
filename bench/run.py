"""Issue 11's figures side by side, in one command: site builds, validation and the serve loop.

For each size N it generates one synthetic site (bench_build.py's realistic ~9.4 KB post-mortems)
and measures, each as its own process:

1. site builds (`mkdocs build`), in these variants:
   - plugin:      theme material, plugins search + postmortem, no nav (the plugin adds its section);
   - floor:       the same pages, no plugin, a one-entry nav (index.md): what MkDocs, Python-Markdown,
                  the theme and search cost for these pages alone;
   - default nav: the same pages, no plugin, no nav: MkDocs lists every page in the nav of every page
                  (quadratic, so only at N <= 2,000);
   - blog:        Material's blog plugin (posts with categories = severity, the tags plugin, archive):
                  the way a site would list post-mortems without this plugin (only at N <= 2,000);
2. validation (bench_validate.py): the libyaml floor, `postmortem validate`, check-jsonschema;
3. at N = 2,000 (or the largest N <= 2,000 of the run), the serve edit loop (bench_serve.py):
   `mkdocs serve --dirty` body and title edits, and the default serve's full rebuild against the
   floor's build of step 1.

Builds and validation commands are interleaved (every one once, then every one again, in a rotating
order) and the minimum of the repeats counts. Each process's wall time, CPU time (user + system)
and peak memory (maximum resident set size) are measured; ratios are taken within this run. The
machine is shared: CPU time is the steadier figure, wall time shows the waiting.

    python bench/run.py                       # N = 500, 1,000, 2,000, 5,000 (the 5,000 runs once)
    python bench/run.py --n 500,2000          # only these sizes
    python bench/run.py --n 200 --repeat 1    # a quick look
    ./dev bench --full [same options]

Ends with every target of issue 11, judged at the sizes the issue sets it (plugin / floor time and
memory at 1,000 and 5,000; the blog and the default nav against the plugin at 2,000; validation at
5,000; serve at 2,000): met or MISSED. Exits 1 when a judged target is missed.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_serve
import bench_validate
import common
from bench_build import AS_OF, MKDOCS_YML, make_site
from common import Goal, Measured, Run

DEFAULT_SIZES = "500,1000,2000,5000"
#: Where the other approaches are built too: the default nav grows with the square of N.
COMPARED_UP_TO = 2000

NAV_YML = """\
site_name: Benchmark
theme: material
plugins:
  - search
"""

BLOG_YML = """\
site_name: Benchmark
theme: material
plugins:
  - search
  - blog:
      authors: false
  - tags
"""

VARIANTS = ("plugin", "floor", "default nav", "blog")

BUILD_GOALS = (
    Goal("build", "plugin-time", "site build: plugin / floor, CPU time", 1.2, True, (1000, 5000)),
    Goal("build", "plugin-memory", "site build: plugin / floor, peak memory", 1.3, True, (1000, 5000)),
    Goal("build", "blog-plugin", "site build: Material blog / plugin, CPU time", 3.0, False, (2000,)),
    Goal("build", "nav-plugin", "site build: default nav / plugin, CPU time", 5.0, False, (2000,)),
)
#: Every target of issue 11 this command judges.
GOALS = BUILD_GOALS + bench_validate.GOALS + bench_serve.GOALS

#: What a run measured: {part: {N: {variant or command or edit: its runs}}}.
PARTS = ("builds", "validate", "serve")
Results = dict[str, dict[int, dict[str, Measured]]]


# --- the sites -------------------------------------------------------------------------------


def blog_site(source: Path, root: Path) -> Path:
    """The same post-mortems as posts of Material's blog plugin: categories by severity, tags by tag,
    an excerpt (the executive summary) on the index, archive and category pages."""
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Benchmark\n\nSynthetic post-mortems.\n")
    (root / "docs" / "blog" / "index.md").write_text("# Post-mortems\n")
    (root / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    for path in sorted((source / "docs" / "postmortems").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front, _, body = text[4:].partition("\n---\n")
        severity = next(line.split(": ", 1)[1] for line in front.splitlines() if line.startswith("severity: "))
        summary_end = body.index("\n\n## Timeline")
        body = body[:summary_end] + "\n\n<!-- more -->" + body[summary_end:]
        (posts / path.name).write_text(f"---\n{front}\ncategories: [{severity}]\n---\n{body}", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(BLOG_YML)
    return config


def make_sites(root: Path, n: int, seed: int) -> dict[str, Path]:
    """Every variant's mkdocs.yml for N post-mortems (the plugin, floor and default nav share docs/)."""
    plugin = make_site(root / "site", n, seed)
    assert plugin.read_text() == MKDOCS_YML
    configs = {"plugin": plugin, "floor": common.floor_config(plugin.parent)}
    if n <= COMPARED_UP_TO:  # the default nav grows with the square of N: 11 minutes at 5,000
        configs["default nav"] = plugin.with_name("mkdocs-default-nav.yml")
        configs["default nav"].write_text(NAV_YML)
        configs["blog"] = blog_site(root / "site", root / "blog")
    return configs


# --- the figures -----------------------------------------------------------------------------


def build_ratios(builds: dict[str, Measured]) -> dict[str, float]:
    """The build targets' figures that these builds measured."""
    plugin, floor = builds["plugin"], builds["floor"]
    values = {"plugin-time": plugin.cpu / floor.cpu, "plugin-memory": plugin.rss / floor.rss}
    for name, key in (("blog", "blog-plugin"), ("default nav", "nav-plugin")):
        if name in builds:
            values[key] = builds[name].cpu / plugin.cpu
    return values


def figures_of(results: Results) -> common.Figures:
    """Every target's figure at every size measured."""
    figures: common.Figures = {}
    for n, builds in results["builds"].items():
        common.record(figures, n, build_ratios(builds))
    for n, commands in results["validate"].items():
        common.record(figures, n, bench_validate.ratios(commands))
    for n, edits in results["serve"].items():
        common.record(figures, n, bench_serve.ratios(edits, results["builds"][n]["floor"]))
    return figures


def report(results: Results, goals: Sequence[Goal]) -> list[str]:
    """The lines that print the figures: per N, the builds, the validation, the serve loop, each
    with its targets' figures."""
    lines = []
    for n, builds in results["builds"].items():
        lines.append(
            f"\nsite builds, N = {n:,} (minimum of {len(builds['plugin'].runs)} run(s); spread = slowest/fastest wall time)"
        )
        lines += common.rows(builds, "floor", n)
        lines += common.goal_lines(goals, build_ratios(builds))
        if n in results["validate"]:
            lines += bench_validate.report(n, results["validate"][n])
        if n in results["serve"]:
            lines += bench_serve.report(n, results["serve"][n], builds["floor"])
    return lines


# --- the performance page's tables, from one or more --json files -----------------------------


def to_json(about: dict[str, str], results: Results) -> str:
    parts = {
        part: {n: {k: [asdict(r) for r in m.runs] for k, m in v.items()} for n, v in results[part].items()} for part in PARTS
    }
    return json.dumps({"machine": about, **parts}, indent=2) + "\n"


def load_runs(paths: list[Path]) -> tuple[list[dict[str, str]], Results]:
    """The machines and the figures of several runs' --json files (a size measured twice: the later file's)."""
    machines, results = [], {part: {} for part in PARTS}
    for path in paths:
        data = json.loads(path.read_text())
        machines.append(data["machine"])
        for part in PARTS:  # files of earlier versions hold builds only
            for n, measured in data.get(part, {}).items():
                results[part][int(n)] = {k: Measured([Run(**r) for r in runs]) for k, runs in measured.items()}
    return machines, {part: dict(sorted(results[part].items())) for part in PARTS}


def markdown_tables(results: Results) -> list[str]:
    """Markdown tables of the figures (seconds of CPU time, then of wall time; peak memory in MiB)."""
    builds = results["builds"]

    def cell(measured: dict[str, Measured], name: str, what: str) -> str:
        return f"{getattr(measured[name], what):.1f} s" if name in measured else "–"

    def times(measured: dict[str, Measured], name: str, what: str) -> str:
        if name not in measured:
            return "–"
        return f"{getattr(measured[name], what) / getattr(measured['plugin'], what):.1f}x"

    lines = [
        "| N | plugin | floor | plugin / floor | default nav | blog | default nav / plugin | blog / plugin |"
        " peak memory: plugin, floor | memory: plugin / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, m in builds.items():
        plugin, floor = m["plugin"], m["floor"]
        lines.append(
            f"| {n:,} | {plugin.cpu:.1f} s | {floor.cpu:.1f} s | **{plugin.cpu / floor.cpu:.2f}x** "
            f"| {cell(m, 'default nav', 'cpu')} "
            f"| {cell(m, 'blog', 'cpu')} | {times(m, 'default nav', 'cpu')} | {times(m, 'blog', 'cpu')} "
            f"| {plugin.rss:.0f} MiB, {floor.rss:.0f} MiB | **{plugin.rss / floor.rss:.2f}x** |"
        )
    lines += [
        "",
        "Wall time of the same builds (minimum of the runs; spread = slowest / fastest run of the plugin site):",
        "",
        "| N | plugin | floor | plugin / floor | default nav | blog | runs | spread |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, m in builds.items():
        plugin, floor = m["plugin"], m["floor"]
        lines.append(
            f"| {n:,} | {plugin.wall:.1f} s | {floor.wall:.1f} s | {plugin.wall / floor.wall:.2f}x "
            f"| {cell(m, 'default nav', 'wall')} "
            f"| {cell(m, 'blog', 'wall')} | {len(plugin.runs)} | {plugin.spread():.2f} |"
        )
    floor_, validate, schema = bench_validate.FLOOR_NAME, bench_validate.VALIDATE, bench_validate.CHECK_JSONSCHEMA
    if results["validate"]:
        lines += [
            "",
            "Validation (CPU time; each command its own process, interpreter start-up included):",
            "",
            f"| N | {floor_} | {validate} | {schema} | validate / floor | {schema} / validate"
            " | per post-mortem: validate | peak memory: validate, floor |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, m in results["validate"].items():
            ratios = bench_validate.ratios(m)
            lines.append(
                f"| {n:,} | {m[floor_].cpu:.2f} s | {m[validate].cpu:.2f} s | {m[schema].cpu:.2f} s "
                f"| **{ratios['validate-floor']:.2f}x** | **{ratios['check-jsonschema-validate']:.2f}x** "
                f"| {m[validate].cpu / n * 1000:.2f} ms | {m[validate].rss:.0f} MiB, {m[floor_].rss:.0f} MiB |"
            )
    if results["serve"]:
        lines += [
            "",
            "`mkdocs serve` (wall time from saving the file until the served page shows the edit;"
            " CPU time of the serve process):",
            "",
            f"| N | {bench_serve.DIRTY_BODY} | {bench_serve.DIRTY_TITLE} | {bench_serve.FULL_BODY}"
            " | floor build | full rebuild / floor build (CPU) | peak memory of serve |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, m in results["serve"].items():
            floor = builds[n]["floor"]
            full = m[bench_serve.FULL_BODY]
            walls = [common.show(m[k].wall, " s") for k in (bench_serve.DIRTY_BODY, bench_serve.DIRTY_TITLE)]
            lines.append(
                f"| {n:,} | {walls[0]} | {walls[1]} | {full.wall:.2f} s wall, {full.cpu:.2f} s CPU "
                f"| {floor.wall:.2f} s wall, {floor.cpu:.2f} s CPU | **{full.cpu / floor.cpu:.2f}x** "
                f"| {max(r.rss for r in m.values()):.0f} MiB |"
            )
    return lines


# --- the command -----------------------------------------------------------------------------


def main(argv: list[str] | None = None, goals: Sequence[Goal] = GOALS) -> int:
    """The command; `goals` are the targets it judges (issue 11's unless given)."""
    parser = common.parser(__doc__, n=DEFAULT_SIZES, repeat=2, repeat_help="runs of each build and command up to N = 2,000")
    parser.add_argument("--repeat-large", type=common.positive, default=1, help="runs of each above N = 2,000 (default 1)")
    parser.add_argument(
        "--only", default=",".join(VARIANTS), help=f"site variants, comma-separated (default {','.join(VARIANTS)})"
    )
    parser.add_argument("--no-validate", action="store_true", help="skip the validation commands")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve edit loop")
    parser.add_argument("--json", type=Path, help="also write every run's figures to this file")
    parser.add_argument(
        "--table", type=Path, nargs="+", metavar="JSON", help="print the Markdown tables of --json files, and stop"
    )
    args = parser.parse_args(argv)
    if args.table:
        machines, loaded = load_runs(args.table)
        for about in machines:
            print(", ".join(f"{k}: {v}" for k, v in about.items()))
        print("\n".join(["", *markdown_tables(loaded)]))
        return 0
    only = [v.strip() for v in args.only.split(",")]
    unknown = [v for v in only if v not in VARIANTS]
    if unknown or not {"plugin", "floor"} <= set(only):
        parser.error(f"--only: plugin and floor, and any of {', '.join(VARIANTS[2:])} (got {args.only!r})")
    sizes: list[int] = args.n
    serve_at = None if args.no_serve else max((n for n in sizes if 2 <= n <= bench_serve.SIZE), default=None)

    about = common.machine()
    common.print_machine(about)
    print(f"{'report as of:':20s}{AS_OF} (the plugin's as_of)")
    started = time.perf_counter()
    results: Results = {part: {} for part in PARTS}

    def save() -> None:
        """The --json file as it stands: written after every run, so an interrupted run keeps what it measured."""
        if args.json:
            args.json.write_text(to_json(about, results))

    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / str(n)
            configs = {k: v for k, v in make_sites(root, n, args.seed).items() if k in only}
            repeat = args.repeat if n <= COMPARED_UP_TO else args.repeat_large
            print(f"\nN = {n:,}: building {', '.join(configs)}, {repeat} time(s) each, interleaved", flush=True)
            builds = results["builds"][n] = {}
            jobs: dict[str, Callable[[], Run]] = {
                name: functools.partial(common.mkdocs_build, config, Path(tmp) / "out") for name, config in configs.items()
            }
            common.rounds(jobs, repeat, builds, not args.quiet, save)
            site = configs["plugin"].parent
            if not args.no_validate:
                print(f"N = {n:,}: validating, {repeat} time(s) each command, interleaved", flush=True)
                results["validate"][n] = bench_validate.measure_site(site, repeat, not args.quiet)
                save()
            if n == serve_at:
                print(f"N = {n:,}: the mkdocs serve edit loop", flush=True)
                results["serve"][n] = bench_serve.edit_loop(configs["plugin"], not args.quiet, repeat)
                save()
            shutil.rmtree(root)
    print("\n".join(report(results, goals)))
    skipped = {"validate": " (--no-validate)" if args.no_validate else "", "serve": " (--no-serve)" if args.no_serve else ""}
    if serve_at is None and not args.no_serve:
        skipped["serve"] = f" (it runs at the largest N <= {bench_serve.SIZE:,} of the run)"
    for variant, key in (("blog", "blog-plugin"), ("default nav", "nav-plugin")):
        if variant not in only:
            skipped[key] = f" (--only leaves the {variant} out)"
        elif min(sizes) > COMPARED_UP_TO:
            skipped[key] = f" (the {variant} is built at N <= {COMPARED_UP_TO:,} only)"
    verdict, status = common.verdict(goals, figures_of(results), skipped)
    print("\n" + "\n".join(verdict))
    print(
        f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; took {time.perf_counter() - started:.0f} s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
