"""The authoring loop: how long until an edit to one post-mortem shows in `mkdocs serve`?

Generates bench_build.py's synthetic site of N post-mortems (default 2,000), then:

1. `mkdocs serve --dirty` (the authoring loop): after its first build, edits one post-mortem X
   that another one, Y, references:
   - its body (a new sentence): until X's page shows it;
   - its title: until X's page, Y's page (which lists X among its related incidents) and the
     timeline (a generated page) all show the new title;
2. `mkdocs serve` (default, a full rebuild on every change): the body edit again, --repeat times
   (a new sentence each time), each after a build of the floor (`mkdocs build` of the same pages
   without the plugin, with a one-entry nav) while the server waits: the two interleaved, so
   both see the machine alike, and each compared by its least CPU time.

Each time runs from the moment the file is saved until the served HTML shows the edit (polled
over HTTP every 50 ms: the watcher's own polling, up to 0.5 s, is included). The serve process's
CPU time during a rebuild and its peak memory (/proc, Linux) are printed beside it: on a shared
machine wall time swings. Targets (issue 11, at N = 2,000): the dirty edits within 5 s; the default
rebuild at most 1.2x the floor's build (CPU time). run.py runs the same edits (edit_loop) on the
site it has built, against its own floor build.

    python bench/bench_serve.py [--n 2000] [--repeat 3]
"""

from __future__ import annotations

import functools
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # the one generator of synthetic sites
import common
from common import Goal, Measured, Run

#: Where issue 11 sets the serve targets (and this script's default size).
SIZE = 2000
TIMEOUT = 900.0  # seconds for a first build of thousands of pages on a busy machine
EDIT_TIMEOUT = 600.0  # seconds after which an edit counts as never shown (a page left stale)

FLOOR = "floor build (no plugin)"
DIRTY_BODY = "serve --dirty: body edit"
DIRTY_TITLE = "serve --dirty: title edit"
FULL_BODY = "serve: body edit (full rebuild)"
GOALS = (
    Goal("serve", "dirty-body", f"{DIRTY_BODY} shown, wall time", 5.0, True, (SIZE,), " s"),
    Goal("serve", "dirty-title", f"{DIRTY_TITLE} shown, wall time", 5.0, True, (SIZE,), " s"),
    Goal("serve", "serve-rebuild", "serve: full rebuild / floor build, CPU time", 1.2, True, (SIZE,)),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_of(pid: int) -> float:
    """Peak resident memory of a running process so far, in MiB (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Whether `condition` came true within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Server:
    """`mkdocs serve` in a child process."""

    def __init__(self, config: Path, *args: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = config.parent / f"serve-{self.port}.log"
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{self.port}", *args]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=config.parent, stdout=log, stderr=subprocess.STDOUT, env=common.ENV)

    def page(self, path: str) -> str:
        return fetch(self.base + path) or ""

    def started(self, path: str) -> None:
        if not wait_for(lambda: self.process.poll() is None and bool(self.page(path))):
            raise SystemExit(f"mkdocs serve did not serve {path}:\n{self.log.read_text(errors='replace')[-3000:]}")

    def edit(self, file: Path, new_text: str, shown: dict[str, str]) -> Run:
        """Save `new_text` into `file`; the time until every page path of `shown` holds its text
        (infinite when one never does: the page was left stale), the serve process's CPU time
        meanwhile and its peak memory so far."""
        before = cpu_of(self.process.pid)
        start = time.perf_counter()
        file.write_text(new_text, encoding="utf-8")
        if not wait_for(lambda: all(text in self.page(path) for path, text in shown.items()), EDIT_TIMEOUT):
            stale = [path for path, text in shown.items() if text not in self.page(path)]
            print(f"  never shown within {EDIT_TIMEOUT:.0f} s: {', '.join(stale)}", flush=True)
            return Run(math.inf, cpu_of(self.process.pid) - before, peak_of(self.process.pid))
        wall = time.perf_counter() - start
        time.sleep(0.3)  # the build may still be writing other files (search index, sitemap)
        return Run(wall, cpu_of(self.process.pid) - before, peak_of(self.process.pid))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def pair(folder: Path) -> tuple[Path, Path]:
    """(X, Y): Y, the last post-mortem with references, references X."""
    for path in sorted(folder.glob("*.md"), reverse=True):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        for ref in meta.get("references") or []:
            ident = ref if isinstance(ref, str) else ref["id"]
            return folder / f"{ident.lower()}.md", path
    raise SystemExit("no post-mortem references another")


def url(path: Path) -> str:
    return f"postmortems/{path.stem}/"


def timeline(path: Path) -> str:
    """The generated timeline page listing a post-mortem: its year's (bench_build.py's ids hold the year)."""
    return f"postmortems/timeline/{path.stem.split('-')[1]}/"


def edit_loop(config: Path, log: bool, repeat: int = 1, before: Callable[[], None] = lambda: None) -> dict[str, Measured]:
    """The edits, in `mkdocs serve --dirty` then in `mkdocs serve` (its full rebuild `repeat` times,
    each after `before()`), on a bench_build.py site of at least 2 post-mortems (its mkdocs.yml);
    the edited file is restored afterwards."""
    folder = config.parent / "docs" / "postmortems"
    x, y = pair(folder)
    original = x.read_text(encoding="utf-8")
    if log:
        print(f"    editing {x.name}, which {y.name} references", flush=True)
    results: dict[str, Measured] = {}

    def edit(name: str, server: Server, text: str, shown: dict[str, str]) -> None:
        run = server.edit(x, text, shown)
        results.setdefault(name, Measured()).runs.append(run)
        if log:
            common.log_run(name, run, len(FULL_BODY))

    try:
        server = Server(config, "--dirty")
        try:
            server.started(url(x))
            if log:
                print("    serve --dirty: first build done", flush=True)
            edit(DIRTY_BODY, server, original + "\nA sentence added by bench-serve-body.\n", {url(x): "bench-serve-body"})
            title = "Bench serve title"
            edited = original.replace("\ntitle: ", f"\ntitle: {title} ", 1)
            edit(DIRTY_TITLE, server, edited, {url(x): title, url(y): title, timeline(x): title})
        finally:
            server.stop()
        x.write_text(original, encoding="utf-8")

        server = Server(config)
        try:
            server.started(url(x))
            if log:
                print("    serve: first build done", flush=True)
            for k in range(repeat):
                before()
                added = f"bench-serve-full-{k}"
                edit(FULL_BODY, server, original + f"\nA sentence added by {added}.\n", {url(x): added})
        finally:
            server.stop()
    finally:
        x.write_text(original, encoding="utf-8")
    return results


def ratios(edits: dict[str, Measured], floor: Measured) -> dict[str, float]:
    """The targets' figures: the dirty edits' wall time, the full rebuild's CPU time against the floor build's."""
    return {
        "dirty-body": edits[DIRTY_BODY].wall,
        "dirty-title": edits[DIRTY_TITLE].wall,
        "serve-rebuild": edits[FULL_BODY].cpu / floor.cpu,
    }


def report(n: int, edits: dict[str, Measured], floor: Measured) -> list[str]:
    return [
        f"\nmkdocs serve, N = {n:,}: from saving the file until the served page shows the edit"
        " (CPU and peak memory: of the serve process)",
        *common.rows({FLOOR: floor, **edits}, FLOOR),
        *common.goal_lines(GOALS, ratios(edits, floor)),
    ]


def main(argv: list[str] | None = None) -> int:
    args = common.parser(__doc__, n=str(SIZE), repeat=3, repeat_help="floor builds and full serve rebuilds").parse_args(argv)
    if min(args.n) < 2:
        raise SystemExit("--n: at least 2 post-mortems (one edited, one referencing it)")
    common.print_machine(common.machine())
    figures: common.Figures = {}
    for n in args.n:
        with tempfile.TemporaryDirectory(prefix="pm-bench-serve-") as tmp:
            config = bench_build.make_site(Path(tmp) / "site", n, args.seed)
            if not args.quiet:
                print(f"\nN = {n:,}: the edits, and {args.repeat} full rebuild(s) each after a floor build", flush=True)
            floor = Measured()
            build = functools.partial(common.mkdocs_build, common.floor_config(config.parent), Path(tmp) / "out")
            between = functools.partial(common.rounds, {FLOOR: build}, 1, {FLOOR: floor}, not args.quiet)
            edits = edit_loop(config, not args.quiet, args.repeat, between)
        print("\n".join(report(n, edits, floor)))
        common.record(figures, n, ratios(edits, floor))
    lines, status = common.verdict(GOALS, figures)
    print("\n" + "\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
