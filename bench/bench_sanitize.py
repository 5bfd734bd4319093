"""What `body_html: sanitized` costs: nh3 over N post-mortem pages as the plugin renders them.

Builds bench_build.py's synthetic site of N post-mortems with `body_html: trusted`, takes each
post-mortem page's content (its <article>) as MkDocs rendered it, and times `sanitize` over all of
them (best of --repeat). Run from the repository root: python bench/bench_sanitize.py [--n 500]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_build import make_site, mkdocs_build

from mkdocs_postmortem.sanitize import sanitize


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="number of post-mortems (default 500)")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the fastest counts (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        config = make_site(Path(tmp), args.n)
        config.write_text(config.read_text().replace("  - postmortem:\n", "  - postmortem:\n      body_html: trusted\n"))
        mkdocs_build(config)
        pages = [
            match.group(1)
            for path in sorted((config.parent / "site" / "postmortems").glob("inc-*/index.html"))
            if (match := re.search(r"<article[^>]*>(.*)</article>", path.read_text(encoding="utf-8"), re.S))
        ]
    assert len(pages) == args.n, len(pages)
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for page in pages:
            sanitize(page)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    size = sum(map(len, pages)) / len(pages) / 1024
    each = best / len(pages) * 1e6
    print(f"sanitize: {len(pages)} pages of {size:.1f} KiB on average in {best * 1000:.0f} ms, {each:.0f} µs per page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
