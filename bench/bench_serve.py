"""The authoring loop: how long until an edit to one post-mortem shows in `mkdocs serve`?

Generates bench_build.py's synthetic site of N post-mortems (default 2,000), then:

1. the floor: `mkdocs build` of the same pages without the plugin, with a one-entry nav
   (best of --repeat), the yardstick of the default serve's rebuild;
2. `mkdocs serve --dirty` (the authoring loop): after its first build, edits one post-mortem X
   that another one, Y, references:
   - its body (a new sentence): until X's page shows it;
   - its title: until X's page, Y's page (which lists X among its related incidents) and the
     timeline (a generated page) all show the new title;
3. `mkdocs serve` (default, a full rebuild on every change): the body edit again.

Each time runs from the moment the file is saved until the served HTML shows the edit (polled
over HTTP every 50 ms: the watcher's own polling, up to 0.5 s, is included). The serve process's
CPU time during a rebuild (/proc, Linux) is printed beside it: on a shared machine wall time swings.
Targets (issue 11): the dirty edits within 5 s; the default rebuild at most 1.2x the floor's build.

    python bench/bench_serve.py [--n 2000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # the one generator of synthetic sites

MAX_DIRTY_SECONDS = 5.0
MAX_REBUILD_VS_FLOOR = 1.2
TIMEOUT = 900.0  # seconds for a first build of thousands of pages on a busy machine
EDIT_TIMEOUT = 600.0  # seconds after which an edit counts as never shown (a page left stale)

FLOOR_YML = """\
site_name: Benchmark
theme: material
plugins:
  - search
nav:
  - index.md
"""


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=config.parent, stdout=log, stderr=subprocess.STDOUT, env=env)

    def page(self, path: str) -> str:
        return fetch(self.base + path) or ""

    def started(self, path: str) -> None:
        if not wait_for(lambda: self.process.poll() is None and bool(self.page(path))):
            raise SystemExit(f"mkdocs serve did not serve {path}:\n{self.log.read_text(errors='replace')[-3000:]}")

    def edit(self, file: Path, new_text: str, shown: dict[str, str]) -> Timing:
        """Save `new_text` into `file`; the time until every page path of `shown` holds its text
        (infinite when one never does: the page was left stale)."""
        before = cpu_of(self.process.pid)
        start = time.perf_counter()
        file.write_text(new_text, encoding="utf-8")
        if not wait_for(lambda: all(text in self.page(path) for path, text in shown.items()), EDIT_TIMEOUT):
            stale = [path for path, text in shown.items() if text not in self.page(path)]
            print(f"  never shown within {EDIT_TIMEOUT:.0f} s: {', '.join(stale)}", flush=True)
            return Timing(float("inf"), cpu_of(self.process.pid) - before)
        wall = time.perf_counter() - start
        time.sleep(0.3)  # the build may still be writing other files (search index, sitemap)
        return Timing(wall, cpu_of(self.process.pid) - before)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def floor_build(site: Path, repeat: int) -> Timing:
    config = site / "mkdocs-floor.yml"
    config.write_text(FLOOR_YML)
    runs = []
    for _ in range(repeat):
        out = tempfile.mkdtemp(prefix="pm-floor-")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", out],
            cwd=site,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append(Timing(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
        subprocess.run(["rm", "-rf", out], check=True)
    return Timing(min(r.wall for r in runs), min(r.cpu for r in runs))


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


def measure(n: int, repeat: int, seed: int = bench_build.SEED) -> dict[str, Timing]:
    results: dict[str, Timing] = {}
    with tempfile.TemporaryDirectory(prefix="pm-bench-serve-") as tmp:
        config = bench_build.make_site(Path(tmp) / "site", n, seed)
        site = config.parent
        folder = site / "docs" / "postmortems"
        x, y = pair(folder)
        original = x.read_text(encoding="utf-8")
        print(f"site of {n:,} post-mortems; editing {x.name}, which {y.name} references", flush=True)

        results["floor: mkdocs build, no plugin"] = floor_build(site, repeat)
        print("floor built", flush=True)

        server = Server(config, "--dirty")
        try:
            server.started(url(x))
            print("serve --dirty: first build done", flush=True)
            results["serve --dirty: body edit"] = server.edit(
                x, original + "\nA sentence added by bench-serve-body.\n", {url(x): "bench-serve-body"}
            )
            title = "Bench serve title"
            edited = original.replace("\ntitle: ", f"\ntitle: {title} ", 1)
            results["serve --dirty: title edit (page, backlink, timeline)"] = server.edit(
                x, edited, {url(x): title, url(y): title, timeline(x): title}
            )
        finally:
            server.stop()
        x.write_text(original, encoding="utf-8")

        server = Server(config)
        try:
            server.started(url(x))
            print("serve: first build done", flush=True)
            results["serve (default): body edit"] = server.edit(
                x, original + "\nA sentence added by bench-serve-full.\n", {url(x): "bench-serve-full"}
            )
        finally:
            server.stop()
    return results


def report(n: int, results: dict[str, Timing]) -> list[str]:
    floor = results["floor: mkdocs build, no plugin"]
    print(f"\n{n:,} post-mortems: from saving the file until the served page shows the edit\n")
    print("| run | wall | CPU (serve process) | x floor build (wall) | x floor build (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, t in results.items():
        print(f"| {name} | {t.wall:.2f} s | {t.cpu:.2f} s | {t.wall / floor.wall:.2f} | {t.cpu / floor.cpu:.2f} |")
    failed = []
    for name, t in results.items():
        if name.startswith("serve --dirty") and t.wall > MAX_DIRTY_SECONDS:
            failed.append(f"{name}: {t.wall:.1f} s (target <= {MAX_DIRTY_SECONDS} s)")
    full = results["serve (default): body edit"]
    ratio = full.cpu / floor.cpu
    print(f"\ndefault serve rebuild / floor build (CPU): {ratio:.2f} (target <= {MAX_REBUILD_VS_FLOOR})")
    if ratio > MAX_REBUILD_VS_FLOOR:
        failed.append(f"the default serve rebuild is {ratio:.2f}x the floor's build")
    return failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="post-mortems in the site (default 2000)")
    parser.add_argument("--repeat", type=int, default=1, help="floor builds; the fastest counts (default 1)")
    parser.add_argument("--seed", type=int, default=bench_build.SEED, help="random seed of the synthetic site")
    args = parser.parse_args(argv)
    if args.n < 2 or args.repeat < 1:
        parser.error("--n must be at least 2 and --repeat at least 1")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    failed = report(args.n, measure(args.n, args.repeat, args.seed))
    if failed:
        print("\nFAIL: " + "; ".join(failed))
        return 1
    print("\nOK: all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
