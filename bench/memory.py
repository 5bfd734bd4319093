"""Where a build's memory goes: the plugin site against the floor, traced by tracemalloc.

Generates bench_build.py's synthetic site of N post-mortems, then builds it twice, each in its own
process under tracemalloc: with the plugin (mkdocs.yml) and as the floor (the same pages, no
plugin, a one-entry nav). Each build records the memory traced now, and the most it reached since
the previous point, at the points of a build:

- after `on_files` (the plugin has loaded and checked every post-mortem, and made its pages);
- after every page's Markdown is rendered (MkDocs renders them all before it writes any);
- once every page is written, before `on_post_build`;
- after `on_post_build`, where the search plugin writes its index: the build's peak.

Then, once every page is written, what is held, by the source file that allocated it (a
post-mortem's body by load.py, a page's HTML by Python-Markdown's serializer or by the plugin's
render.py when it puts its card back, the search index by the search plugin), plugin against
floor.

    python bench/memory.py [--n 1000] [--seed S] [--top 15]
    python bench/memory.py --resident [--n 5000]

This is the measurement behind docs/performance.md's "Memory"; tracemalloc sees Python's own
allocations, not the process's resident size (`run.py` reports that, as peak memory). With
`--resident`, nothing is traced: each point gives the process's resident size then, and the most
it has reached so far (what `run.py` reports at the end). The two differ by what C's allocator
keeps after Python frees it: at 5,000 post-mortems, exports made as single blocks of megabytes
once cost the plugin build 20 MiB of resident peak that tracemalloc did not show.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import common
from bench_build import SEED

# Runs inside the build's own process: trace, build, print the points and the holders as JSON.
CHILD = r"""
import gc, json, os, resource, sys, tracemalloc
from mkdocs.commands import build as build_module
from mkdocs.config import load_config

MiB = 2**20
config = load_config(sys.argv[1], site_dir=sys.argv[2])
resident = sys.argv[3] == "resident"
points = []
held = {}

def point(name):
    if resident:  # the size now (/proc/self/statm, in pages) and the most so far (ru_maxrss, KiB)
        now = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    else:
        now, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
    points.append([name, now / MiB, peak / MiB])

on_files, on_post_build, build_page = config.plugins.on_files, config.plugins.on_post_build, build_module._build_page
built = []

def files_then(files, config):
    files = on_files(files, config=config)
    point("after on_files")
    return files

def page_then(page, *args, **kwargs):
    if not built:
        point("after every page's Markdown")
    built.append(page)
    return build_page(page, *args, **kwargs)

def post_build(config):
    point("every page written")
    gc.collect()
    for stat in [] if resident else tracemalloc.take_snapshot().statistics("filename"):
        name = stat.traceback[0].filename
        name = name.split("site-packages/")[-1] if "site-packages/" in name else name.rsplit("/", 2)[-1]
        held[name] = held.get(name, 0) + stat.size / MiB
    result = on_post_build(config=config)
    point("after on_post_build (search index written)")
    return result

config.plugins.on_files, config.plugins.on_post_build, build_module._build_page = files_then, post_build, page_then
if not resident:
    tracemalloc.start(1)
build_module.build(config)
print(json.dumps({"points": points, "held": held}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="post-mortems in the site (default 1000)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the synthetic site")
    parser.add_argument("--top", type=int, default=15, help="source files shown, most added first (default 15)")
    parser.add_argument("--resident", action="store_true", help="the process's resident size, not tracemalloc's figures")
    args = parser.parse_args(argv)
    builds = common.instrumented_builds(CHILD, args.n, args.seed, ["resident" if args.resident else "traced"])
    plugin_points, floor_points = (dict((p[0], p[1:]) for p in builds[b]["points"]) for b in ("plugin", "floor"))
    if args.resident:
        print(f"N = {args.n}: resident size of the build's process, MiB (now, and the most so far)\n")
    else:
        print(f"N = {args.n}: memory traced by tracemalloc, MiB (now, and the most since the point before)\n")
    print(f"{'point of the build':44s} {'plugin':>16s} {'floor':>16s}")
    for name, (now, peak) in plugin_points.items():
        floor_now, floor_peak = floor_points.get(name, (0.0, 0.0))
        print(f"{name:44s} {now:7.1f} {peak:7.1f}  {floor_now:7.1f} {floor_peak:7.1f}")
    plugin_peak = max(peak for _, peak in plugin_points.values())
    floor_peak = max(peak for _, peak in floor_points.values())
    print(f"{'peak':44s} {plugin_peak:15.1f}  {floor_peak:15.1f}  ({plugin_peak / floor_peak:.2f}x the floor)\n")
    if args.resident:
        return 0
    print("held once every page is written, by the file that allocated it, MiB:\n")
    print(f"{'file':60s} {'plugin':>8s} {'floor':>8s} {'added':>8s}")
    plugin_held, floor_held = builds["plugin"]["held"], builds["floor"]["held"]
    names = sorted(set(plugin_held) | set(floor_held), key=lambda n: -(plugin_held.get(n, 0) - floor_held.get(n, 0)))
    for name in names[: args.top]:
        plugin, floor = plugin_held.get(name, 0.0), floor_held.get(name, 0.0)
        print(f"{name[-60:]:60s} {plugin:8.2f} {floor:8.2f} {plugin - floor:+8.2f}")
    plugin_total, floor_total = sum(plugin_held.values()), sum(floor_held.values())
    print(f"{'total':60s} {plugin_total:8.2f} {floor_total:8.2f} {plugin_total - floor_total:+8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
