"""The exports at N and 4N synthetic incidents: the time to write each one stays linear in the incidents.

The sites are bench_build.py's (same generator, same seed). For each size: load and check every
post-mortem once (not timed), then write every export (`outputs.EXPORTS`: incidents.json,
actions.csv, actions.ics and the owners' feeds, each piece made and dropped as a build writes it)
--repeat times, each from a new `Published` (so the calendar entries the feeds share are made
again), keeping the fastest run of each export. Prints the CPU time per incident of each export at
N and 4N and their ratio (linear: near 1); exits 1 when a ratio exceeds 1.5. Run from the repository
root: python bench/bench_exports.py [--n 1250]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_build

from mkdocs_postmortem import outputs, pipeline
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.schema import effective_schema, make_validator

AS_OF = dt.date(2026, 11, 29)
MAX_RATIO = 1.5  # time per incident at 4N against N


def export_times(published: outputs.Published) -> dict[str, float]:
    """Each export's CPU seconds (a folder's files together), every piece made as the plugin writes it."""
    spent: dict[str, float] = {}
    for export in outputs.EXPORTS:
        start = time.process_time()
        size = sum(len(piece) for _, pieces in export.files(published) for piece in pieces)
        spent[export.name] = time.process_time() - start
        assert size > 0, export.name
    return spent


def measure(count: int, root: Path, repeat: int) -> tuple[dict[str, float], int, int]:
    """The fastest time of each export over `repeat` runs, the incidents published and their open actions."""
    settings = default_settings()
    site = bench_build.make_site(root, count).parent
    folder = pipeline.load_folder(site / "docs" / settings.dir, settings.dir)
    built = pipeline.build(folder.entries, settings, make_validator(effective_schema(settings)), as_of=AS_OF)
    assert not built.problems, built.problems[:5]
    best: dict[str, float] = {}
    for _ in range(repeat):
        published = outputs.Published(built.catalog, built.as_of, settings.dir)
        for kind, seconds in export_times(published).items():
            best[kind] = min(best.get(kind, seconds), seconds)
    report = built.catalog.action_report(built.as_of)
    return best, len(built.catalog.incidents), report.open_count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1250, help="the smaller site's size; the larger is 4N")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (args.n, 4 * args.n):
            times, published, open_actions = measure(count, Path(tmp) / str(count), args.repeat)
            results[count] = (times, published)
            shown = ", ".join(f"{kind} {seconds * 1000:.0f} ms" for kind, seconds in times.items())
            print(f"{count} post-mortems ({published} published, {open_actions} open actions): {shown}")
    (small, small_n), (large, large_n) = results[args.n], results[4 * args.n]
    status = 0
    for kind in small:
        ratio = (large[kind] / large_n) / (small[kind] / small_n)
        print(f"{kind}: time per published incident, 4N against N: {ratio:.2f} (at most {MAX_RATIO})")
        status |= ratio > MAX_RATIO
    return status


if __name__ == "__main__":
    raise SystemExit(main())
