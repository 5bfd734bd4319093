"""The metrics page at N and 4N synthetic incidents: its render time and its weight stay linear (the page does not grow).

The sites are bench_build.py's (same generator, same seed). For each size: load and check every
post-mortem once (not timed), then render the metrics page (figures and pygal charts) --repeat
times, keeping the fastest. Prints time per incident at N and 4N, their ratio (linear: near 1, or
below as the charts' fixed cost spreads), and the page's size at both (aggregates only: about the
same). Run from the repository root: python bench/bench_metrics.py [--n 1250]
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

from mkdocs_postmortem import pipeline
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.render import Renderer
from mkdocs_postmortem.schema import effective_schema, make_validator

AS_OF = dt.date(2026, 11, 29)
MAX_RATIO = 1.5  # time per incident at 4N against N
MAX_KB = 300  # the page's weight at either size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1250, help="the smaller site's size; the larger is 4N")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = default_settings()
    validator = make_validator(effective_schema(settings))
    results: dict[int, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (args.n, 4 * args.n):
            root = bench_build.make_site(Path(tmp) / str(count), count).parent
            folder = pipeline.load_folder(root / "docs" / "postmortems", "postmortems")
            built = pipeline.build(folder.entries, settings, validator, as_of=AS_OF)
            renderer = Renderer.create(built.catalog, "postmortems", built.as_of)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                page = renderer.page("metrics.md", title="Post-mortems")
                times.append(time.perf_counter() - start)
            m = renderer.metrics()
            results[count] = (min(times), len(page.encode()))
            print(
                f"{count} post-mortems ({m.incidents} published, {m.actions} actions, {len(m.periods)} {m.unit}s): "
                f"metrics page {min(times) * 1000:.0f} ms, {len(page.encode()) / 1024:.0f} KB"
            )
    (small_time, small_size), (large_time, large_size) = results[args.n], results[4 * args.n]
    ratio = (large_time / (4 * args.n)) / (small_time / args.n)
    print(f"time per post-mortem, 4N against N: {ratio:.2f} (at most {MAX_RATIO}); weight {small_size} -> {large_size} bytes")
    return 0 if ratio <= MAX_RATIO and max(small_size, large_size) <= MAX_KB * 1024 else 1


if __name__ == "__main__":
    raise SystemExit(main())
