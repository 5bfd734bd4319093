"""How large are the pages a reader opens? Builds bench_build.py's synthetic site of N post-mortems
once (theme: material, plugins search and postmortem) and prints the size of every page the plugin
generates (largest first) and of the largest post-mortem page, in KB of HTML. Exits 1 when any page
is over --max-kb.

    python bench/bench_pages.py [--n 5000] [--max-kb 300] [--top 15]
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.path.insert(0, str(Path(__file__).parent))
from bench_build import SEED, make_site  # the same synthetic site as the build benchmark


def page_sizes(site: Path, folder: str = "postmortems") -> tuple[dict[str, int], dict[str, int]]:
    """(generated pages, post-mortem pages): URL path under the post-mortem folder -> bytes of HTML.

    A post-mortem page is one whose folder is named after a lower-case incident file (inc-...);
    everything else under the folder that is an HTML page, except the id addresses (redirects), is generated."""
    generated: dict[str, int] = {}
    incidents: dict[str, int] = {}
    root = site / folder
    for path in sorted(root.rglob("index.html")):
        rel = path.parent.relative_to(root).as_posix()
        rel = "" if rel == "." else rel + "/"
        if rel.startswith("INC-"):  # an id address: a redirect, not a page a reader reads
            continue
        (incidents if rel.startswith("inc-") else generated)[rel] = path.stat().st_size
    return generated, incidents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="number of post-mortems (default 5000)")
    parser.add_argument("--max-kb", type=float, default=300, help="fail when a page is larger (default 300 KB)")
    parser.add_argument("--top", type=int, default=15, help="how many of the largest generated pages to list (default 15)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the synthetic site")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    with tempfile.TemporaryDirectory(prefix="pm-pages-") as tmp:
        config = make_site(Path(tmp) / "site", args.n, args.seed)
        start = time.perf_counter()
        build(load_config(str(config), site_dir=str(config.parent / "site")))
        seconds = time.perf_counter() - start
        generated, incidents = page_sizes(config.parent / "site")
    kb = 1000
    print(f"\n{args.n} post-mortems, built in {seconds:.1f} s")
    print(f"{len(generated)} generated pages, {sum(generated.values()) / kb:,.0f} KB in all; the largest:")
    for rel, size in sorted(generated.items(), key=lambda kv: (-kv[1], kv[0]))[: args.top]:
        print(f"  {size / kb:9,.1f} KB  postmortems/{rel}")
    largest = max(incidents.items(), key=lambda kv: (kv[1], kv[0]))
    print(f"largest post-mortem page: {largest[1] / kb:,.1f} KB  postmortems/{largest[0]}")
    over = {rel: size for rel, size in (generated | dict([largest])).items() if size > args.max_kb * kb}
    if over:
        print(f"\nFAIL: {len(over)} page(s) over {args.max_kb:g} KB")
        return 1
    print(f"\nOK: every page at most {args.max_kb:g} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
