"""What the benchmarks of issue 11 share, one home for each: the floor site, how one process is
measured, interleaved rounds, the command line (--n, --repeat, --seed, --quiet), the machine, the
rows of figures, and the targets with their verdict.

run.py, bench_validate.py and bench_serve.py import it (after putting bench/ on sys.path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bench_build  # the one generator of synthetic sites

#: The floor: the same pages with no plugin and a one-entry nav, what MkDocs, Python-Markdown,
#: the theme and search cost for these pages alone.
FLOOR_YML = """\
site_name: Benchmark
theme: material
plugins:
  - search
nav:
  - index.md
"""

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# --- one measured process --------------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user + system of the process
    rss: float  # MiB, the process's peak resident set size


@dataclass
class Measured:
    """The runs of one thing; the fastest counts, the worst memory peak too."""

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
        """Slowest over fastest wall time: how noisy the machine was for this one."""
        walls = [r.wall for r in self.runs]
        return max(walls) / min(walls) if math.isfinite(max(walls)) else math.inf


#: Runs a command and writes its wall time, CPU time, peak memory (KiB) and exit status to a file.
#: A bare interpreter in between, because a child's peak memory (ru_maxrss) counts the memory of
#: the process it was forked from: measured straight from this one (40 MiB and more, with MkDocs
#: imported), every small command would show this process's size.
LAUNCHER = """
import os, sys, time
out, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(command[0], command, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(out, "w") as f:
    f.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {code}")
"""


def measure(command: Sequence[str], cwd: Path) -> Run:
    """Run a command to its end; its wall time, CPU time and peak memory (of that process alone)."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory(prefix="pm-bench-run-") as tmp:
        figures = Path(tmp) / "figures"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(figures), *command]
        subprocess.run(launcher, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=ENV, check=False)
        wall, cpu, rss, code = figures.read_text().split() if figures.exists() else ("0", "0", "0", "launcher failed")
        if code != "0":
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-4000:]
            raise SystemExit(f"{' '.join(command[:4])} ... failed ({code}):\n{message}")
    return Run(float(wall), float(cpu), float(rss) / 1024)


def mkdocs_build(config: Path, out: Path) -> Run:
    """One `mkdocs build` of `config` into `out` (emptied before and after), as its own process."""
    shutil.rmtree(out, ignore_errors=True)
    run = measure([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)], config.parent)
    shutil.rmtree(out, ignore_errors=True)
    return run


def instrumented_builds(
    child: str, n: int, seed: int, args: Sequence[str] = (), options: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """bench_build.py's site of `n` post-mortems built with the plugin and as the floor, each in its
    own process by `child` (Python code run with the config, the output folder and `args` as
    arguments, which builds the site and prints its figures as JSON on its last line): the figures, by build.
    `options`: the plugin's options beyond the benchmark's, as `name: value` lines of YAML."""
    with tempfile.TemporaryDirectory(prefix="bench_builds_") as tmp:
        root = Path(tmp)
        plugin_yml = bench_build.make_site(root / "site", n, seed)
        if options:  # the postmortem entry ends the file: its options are the last lines
            plugin_yml.write_text(plugin_yml.read_text() + "".join(f"      {option}\n" for option in options))
        builds = {"plugin": plugin_yml, "floor": floor_config(plugin_yml.parent)}
        figures = {}
        for name, config in builds.items():
            done = subprocess.run(
                [sys.executable, "-c", child, str(config), str(root / f"out-{name}"), *args],
                cwd=config.parent,
                capture_output=True,
                text=True,
                check=False,
                env=ENV,
            )
            if done.returncode != 0:
                raise SystemExit(f"the build of {config} failed:\n{done.stderr[-3000:]}")
            figures[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def floor_config(site: Path) -> Path:
    """The floor's mkdocs.yml, next to a bench_build.py site's."""
    config = site / "mkdocs-floor.yml"
    config.write_text(FLOOR_YML)
    return config


def log_run(name: str, run: Run, width: int = 24) -> None:
    print(f"    {name:{width}s} {run.wall:7.2f} s wall {run.cpu:7.2f} s CPU {run.rss:6.0f} MiB", flush=True)


def rounds(
    jobs: dict[str, Callable[[], Run]],
    repeat: int,
    results: dict[str, Measured],
    log: bool,
    done: Callable[[], None] = lambda: None,
) -> None:
    """Every job `repeat` times, interleaved, each round starting one job later (no job always runs
    first, on a cold cache, or right after the heaviest one); `done` after each run."""
    names = list(jobs)
    width = max(map(len, names))
    for round_ in range(repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            run = jobs[name]()
            results.setdefault(name, Measured()).runs.append(run)
            done()
            if log:
                log_run(name, run, width)


# --- the command line ------------------------------------------------------------------------


def sizes(text: str) -> list[int]:
    """--n: comma-separated sizes, each at least 1, in increasing order."""
    try:
        values = sorted({int(s) for s in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError(f"comma-separated numbers expected, got {text!r}") from None
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be at least 1, got {text!r}")
    return values


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number expected, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1 expected, got {text!r}")
    return value


def parser(doc: str, n: str, repeat: int, repeat_help: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: --n, --repeat, --seed, --quiet."""
    made = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    made.add_argument("--n", type=sizes, default=sizes(n), help=f"post-mortems per site, comma-separated sizes (default {n})")
    made.add_argument("--repeat", type=positive, default=repeat, help=f"{repeat_help}; the fastest counts (default {repeat})")
    made.add_argument("--seed", type=int, default=bench_build.SEED, help="random seed of the synthetic sites")
    made.add_argument("--quiet", action="store_true", help="print only the figures, not each run as it ends")
    return made


# --- the machine -----------------------------------------------------------------------------


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """What the figures were measured on (and with)."""
    import yaml

    model = ""
    with open("/proc/cpuinfo") if Path("/proc/cpuinfo").exists() else open(os.devnull) as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{len(os.sched_getaffinity(0))} ({model})" if model else str(len(os.sched_getaffinity(0))),
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "Markdown": version("markdown"),
        "PyYAML": version("pyyaml") + (" (libyaml)" if getattr(yaml, "__with_libyaml__", False) else " (no libyaml)"),
        "jsonschema": version("jsonschema"),
        "check-jsonschema": version("check-jsonschema"),
        "mkdocs-postmortem": f"{version('mkdocs-postmortem')} ({commit})",
        "load average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def print_machine(about: dict[str, str]) -> None:
    for key, value in about.items():
        print(f"{key + ':':20s}{value}")


# --- the figures -----------------------------------------------------------------------------


def rows(measured: dict[str, Measured], baseline: str, n: int | None = None) -> list[str]:
    """One line per measured thing: wall, CPU, peak memory, then each against `baseline` (CPU,
    wall, memory), CPU per post-mortem when `n` is given, and the spread of its runs."""
    base = measured[baseline]
    width = max(24, *map(len, measured))
    per = f"  {'CPU/post-mortem':>15s}" if n else ""
    lines = [f"  {'':{width}s} {'wall':>9s} {'CPU':>9s} {'peak':>9s}{per}   x {baseline}: CPU, wall, memory   spread"]
    for name, m in measured.items():
        each = f"  {m.cpu / n * 1000:12.3f} ms" if n else ""
        lines.append(
            f"  {name:{width}s} {m.wall:7.2f} s {m.cpu:7.2f} s {m.rss:5.0f} MiB{each}   "
            f"{m.cpu / base.cpu:5.2f}x {m.wall / base.wall:5.2f}x {m.rss / base.rss:5.2f}x   {m.spread():5.2f}"
        )
    return lines


# --- the targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """One target of issue 11: a figure (a ratio, or seconds) at most or at least `limit`, judged at
    the sizes the issue sets it at; at another size the figure is shown, not judged."""

    group: str  # what measures it: "build", "validate", "serve"
    key: str
    what: str
    limit: float
    at_most: bool
    sizes: tuple[int, ...]
    unit: str = "x"

    def met(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value >= self.limit

    def target(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.limit:g}{self.unit}"

    def show(self, value: float) -> str:
        return show(value, self.unit)

    def line(self, value: float) -> str:
        where = ", ".join(f"{n:,}" for n in self.sizes)
        return f"  {self.what}: {self.show(value)} (target {self.target()} at N = {where})"


def show(value: float, unit: str) -> str:
    """A figure with its unit; an infinite time (an edit never shown) as "never"."""
    return f"{value:.2f}{unit}" if math.isfinite(value) else "never"


#: Each goal's figure at each size: {goal key: {N: value}}.
Figures = dict[str, dict[int, float]]


def record(figures: Figures, n: int, values: dict[str, float]) -> None:
    for key, value in values.items():
        figures.setdefault(key, {})[n] = value


def verdict(goals: Sequence[Goal], figures: Figures, skipped: dict[str, str] | None = None) -> tuple[list[str], int]:
    """The summary, one line per target (met, MISSED, or why it was not judged), and the exit
    status: 1 when a judged target was missed. `skipped`: why a goal (by key, or by group) was not
    measured at all."""
    skipped = skipped or {}
    width = max(len(g.what) for g in goals)

    def row(status: str, goal: Goal, n: int, note: str) -> str:
        return f"  {status:7s} {goal.what:{width}s}  N = {n:<7,} {goal.show(figures[goal.key][n]):>8s}   {note}"

    lines = ["Targets of issue 11 (judged at the sizes the issue sets them; at other sizes shown, not judged):"]
    judged = missed = 0
    for goal in goals:
        values = figures.get(goal.key, {})
        at = [n for n in goal.sizes if n in values]
        for n in at:
            ok = goal.met(values[n])
            judged += 1
            missed += not ok
            lines.append(row("met" if ok else "MISSED", goal, n, f"target {goal.target()}"))
        if values and not at:
            where = ", ".join(f"{n:,}" for n in goal.sizes)
            lines.append(row("-", goal, max(values), f"target {goal.target()} at N = {where}: not judged here"))
        elif not values:
            why = skipped.get(goal.key, skipped.get(goal.group, ""))
            lines.append(f"  {'-':7s} {goal.what:{width}s}  not measured{why}")
    if missed:
        lines.append(f"MISSED: {missed} of {judged} judged target(s)")
    elif judged:
        lines.append(f"OK: all {judged} judged target(s) met")
    else:
        lines.append("no target judged: none of the sizes issue 11 sets them at was run")
    return lines, 1 if missed else 0


def goal_lines(goals: Sequence[Goal], values: dict[str, float]) -> list[str]:
    """The figures of `values` that are targets, each with its target."""
    return [goal.line(values[goal.key]) for goal in goals if goal.key in values]
