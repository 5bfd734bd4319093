"""Issue 11's figures side by side, in one command: the plugin site against the bare pages.

For each size N it generates one synthetic site (bench_build.py's realistic ~9.4 KB post-mortems)
and builds it, each build a separate `mkdocs build` process, in these variants:

- plugin:      theme material, plugins search + postmortem, no nav (the plugin adds its section);
- floor:       the same pages, no plugin, a one-entry nav (index.md): what MkDocs, Python-Markdown,
               the theme and search cost for these pages alone;
- default nav: the same pages, no plugin, no nav: MkDocs lists every page in the nav of every page
               (quadratic, so only at N <= 2,000);
- blog:        Material's blog plugin (posts with categories = severity, the tags plugin, archive):
               the way a site would list post-mortems without this plugin (only at N <= 2,000).

Builds are interleaved (every variant once, then every variant again, in a rotating order) and the
minimum of the repeats counts. Each build's wall time, CPU time (user + system of the process) and
peak memory (its maximum resident set size, from os.wait4) are measured; ratios are taken within
this run. The machine is shared: CPU time is the steadier figure, wall time shows the waiting.

    python bench/run.py                       # N = 500, 1,000, 2,000, 5,000 (the 5,000 runs once)
    python bench/run.py --n 500,2000          # only these sizes
    python bench/run.py --n 200 --repeat 1    # a quick look
    ./dev bench --full [same options]

Exits 1 when a target of issue 11 that this run measured is missed: plugin <= 1.2x the floor
(CPU time) and peak memory <= 1.3x the floor's, at N = 1,000 and 5,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_build import AS_OF, MKDOCS_YML, SEED, make_site

DEFAULT_SIZES = (500, 1000, 2000, 5000)
#: Where the other approaches are built too: the default nav grows with the square of N.
COMPARED_UP_TO = 2000
#: Sizes at which issue 11 sets its targets for the plugin against the floor.
TARGET_SIZES = (1000, 5000)
TARGET_TIME = 1.2
TARGET_MEMORY = 1.3

FLOOR_YML = """\
site_name: Benchmark
theme: material
plugins:
  - search
nav:
  - index.md
"""

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


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system of the build process
    rss: float  # MiB, the process's peak resident set size


@dataclass
class Measured:
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return min(r.cpu for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss for r in self.runs)  # the worst peak: memory is what a CI runner must have

    def spread(self) -> float:
        """Slowest over fastest wall time: how noisy the machine was for this variant."""
        walls = [r.wall for r in self.runs]
        return max(walls) / min(walls)


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
    configs = {"plugin": plugin}
    for name, text in (("floor", FLOOR_YML), ("default nav", NAV_YML)):
        configs[name] = plugin.with_name(f"mkdocs-{name.replace(' ', '-')}.yml")
        configs[name].write_text(text)
    if n <= COMPARED_UP_TO:
        configs["blog"] = blog_site(root / "site", root / "blog")
    return configs


# --- one measured process --------------------------------------------------------------------


def measure(command: list[str], cwd: Path) -> Run:
    """Run a command to its end; its wall time, CPU time and peak memory (of that process alone)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-4000:]
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{message}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def mkdocs_build(config: Path, out: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    run = measure([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)], config.parent)
    shutil.rmtree(out, ignore_errors=True)
    return run


def build_all(
    configs: dict[str, Path], out: Path, repeat: int, log: bool, results: dict[str, Measured], built: Callable[[], None]
) -> None:
    """Every variant `repeat` times, interleaved, each round starting one variant later (no variant
    always runs first, on a cold cache, or right after the heaviest one); `built` after each build."""
    names = list(configs)
    for round_ in range(repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            run = mkdocs_build(configs[name], out)
            results.setdefault(name, Measured()).runs.append(run)
            built()
            if log:
                print(f"    {name:12s} {run.wall:7.2f} s wall {run.cpu:7.2f} s CPU {run.rss:6.0f} MiB", flush=True)


# --- the machine -----------------------------------------------------------------------------


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    import yaml

    model = ""
    with open("/proc/cpuinfo") if Path("/proc/cpuinfo").exists() else open(os.devnull) as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{len(os.sched_getaffinity(0))} ({model})" if model else str(len(os.sched_getaffinity(0))),
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "Markdown": version("markdown"),
        "PyYAML": version("pyyaml") + (" (libyaml)" if getattr(yaml, "__with_libyaml__", False) else " (no libyaml)"),
        "jsonschema": version("jsonschema"),
        "mkdocs-postmortem": f"{version('mkdocs-postmortem')} ({commit})",
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


# --- the report ------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def report(results: dict[int, dict[str, Measured]]) -> list[str]:
    """The lines that print the figures: per N, every variant, then the plugin against the others."""
    lines = []
    for n, measured in results.items():
        lines.append(f"\nN = {n:,} (minimum of {len(measured['plugin'].runs)} run(s); spread = slowest/fastest wall time)")
        for name, m in measured.items():
            lines.append(f"  {name:12s} {m.wall:8.2f} s wall {m.cpu:8.2f} s CPU {m.rss:7.0f} MiB peak   spread {m.spread():.2f}")
        plugin, floor = measured["plugin"], measured["floor"]
        lines.append(
            f"  {'plugin / floor:':21s} {ratio(plugin.cpu, floor.cpu)} CPU, {ratio(plugin.wall, floor.wall)} wall, "
            f"{ratio(plugin.rss, floor.rss)} memory"
        )
        for other in ("default nav", "blog"):
            if other in measured:
                o = measured[other]
                speedup = f"{ratio(o.cpu, plugin.cpu)} CPU, {ratio(o.wall, plugin.wall)} wall"
                lines.append(f"  {other + ' / plugin:':21s} {speedup} (how much faster the plugin is)")
    return lines


def targets(results: dict[int, dict[str, Measured]]) -> list[str]:
    """Issue 11's targets for the sizes this run measured: 'OK ...' or 'MISSED ...' lines."""
    lines = []
    for n in TARGET_SIZES:
        if n not in results:
            continue
        plugin, floor = results[n]["plugin"], results[n]["floor"]
        for what, value, limit in (
            ("time (CPU)", plugin.cpu / floor.cpu, TARGET_TIME),
            ("memory", plugin.rss / floor.rss, TARGET_MEMORY),
        ):
            verdict = "OK" if value <= limit else "MISSED"
            lines.append(f"{verdict}: N = {n:,}: plugin {what} {value:.2f}x the floor (target <= {limit}x)")
    return lines


# --- the performance page's tables, from one or more --json files -----------------------------


def load_runs(paths: list[Path]) -> tuple[list[dict[str, str]], dict[int, dict[str, Measured]]]:
    """The machines and the builds of several runs' --json files (a size measured twice: the later file's)."""
    machines, builds = [], {}
    for path in paths:
        data = json.loads(path.read_text())
        machines.append(data["machine"])
        for n, variants in data["builds"].items():
            builds[int(n)] = {k: Measured([Run(**r) for r in runs]) for k, runs in variants.items()}
    return machines, dict(sorted(builds.items()))


def markdown_tables(builds: dict[int, dict[str, Measured]]) -> list[str]:
    """Markdown tables of the figures (seconds of CPU time, then of wall time; peak memory in MiB)."""

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
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", default=",".join(map(str, DEFAULT_SIZES)), help="sizes, comma-separated (default 500,1000,2000,5000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="builds per variant up to N = 2,000; the fastest counts (default 2)"
    )
    parser.add_argument("--repeat-large", type=int, default=1, help="builds per variant above N = 2,000 (default 1)")
    parser.add_argument("--only", default=",".join(VARIANTS), help=f"variants, comma-separated (default {','.join(VARIANTS)})")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the synthetic sites")
    parser.add_argument("--json", type=Path, help="also write every run's figures to this file")
    parser.add_argument("--quiet", action="store_true", help="print only the summary, not each build as it ends")
    parser.add_argument(
        "--table", type=Path, nargs="+", metavar="JSON", help="print the Markdown tables of --json files, and stop"
    )
    args = parser.parse_args(argv)
    if args.table:
        machines, builds = load_runs(args.table)
        for about in machines:
            print(", ".join(f"{k}: {v}" for k, v in about.items()))
        print("\n".join(["", *markdown_tables(builds)]))
        return 0
    try:
        sizes = sorted({int(s) for s in args.n.split(",")})
    except ValueError:
        parser.error(f"--n: comma-separated numbers expected, got {args.n!r}")
    only = [v.strip() for v in args.only.split(",")]
    unknown = [v for v in only if v not in VARIANTS]
    if unknown or not {"plugin", "floor"} <= set(only):
        parser.error(f"--only: plugin and floor, and any of {', '.join(VARIANTS[2:])} (got {args.only!r})")
    if min(sizes) < 1 or args.repeat < 1 or args.repeat_large < 1:
        parser.error("sizes and repeats must be at least 1")

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    about = machine()
    for key, value in about.items():
        print(f"{key + ':':20s}{value}")
    print(f"{'report as of:':20s}{AS_OF} (the plugin's as_of)")
    started = time.perf_counter()
    results: dict[int, dict[str, Measured]] = {}

    def save() -> None:
        """The --json file as it stands: written after every build, so an interrupted run keeps what it measured."""
        if args.json:
            builds = {n: {k: [asdict(r) for r in m.runs] for k, m in v.items()} for n, v in results.items()}
            args.json.write_text(json.dumps({"machine": about, "builds": builds}, indent=2) + "\n")

    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / str(n)
            configs = {k: v for k, v in make_sites(root, n, args.seed).items() if k in only}
            repeat = args.repeat if n <= COMPARED_UP_TO else args.repeat_large
            print(f"\nN = {n:,}: building {', '.join(configs)}, {repeat} time(s) each, interleaved", flush=True)
            results[n] = {}
            build_all(configs, Path(tmp) / "out", repeat, not args.quiet, results[n], save)
            shutil.rmtree(root)
    print("\n".join(report(results)))
    verdicts = targets(results)
    print()
    print("\n".join(verdicts) if verdicts else f"(no target size {TARGET_SIZES} in this run)")
    print(
        f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; took {time.perf_counter() - started:.0f} s"
    )
    return 1 if any(v.startswith("MISSED") for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
