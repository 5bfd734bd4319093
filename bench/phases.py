"""Where a build's time goes, phase by phase: the plugin site against the floor, in CPU time.

Generates bench_build.py's synthetic site of N post-mortems, then builds it twice, each in its own
process: with the plugin (mkdocs.yml) and as the floor (the same pages, no plugin, a one-entry
nav). Each build times, in the process's CPU time:

- every MkDocs event (all plugins' handlers together: `on_files`, `on_page_markdown`,
  `on_page_content`, `on_page_context` -- where the search plugins index a page --, `on_post_page`,
  `on_post_build`, ...);
- Python-Markdown (`Page.render` less the events it runs) and the theme's template
  (`_build_page` less its events), split by kind of page: post-mortems, generated pages, other;
- the rest (reading sources, the nav, copying files).

and prints both builds side by side, per phase, with the difference: what the plugin adds.

    python bench/phases.py [--n 500] [--seed S] [--option 'link_mentions: false' ...]

`--option` sets one of the plugin's options on the plugin site, to see what a feature costs.

This is the profile behind docs/performance.md's "where the time goes"; for a function-level view,
run the same build under `python -m cProfile -s cumulative -m mkdocs build`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import common
from bench_build import SEED

# Runs inside the build's own process: patch, build, print the phases as JSON.
CHILD = r"""
import json, sys, time
from collections import defaultdict
from mkdocs.commands import build as build_module
from mkdocs.config import load_config
from mkdocs.plugins import PluginCollection
from mkdocs.structure.pages import Page

cpu = time.process_time
spent = defaultdict(float)
count = defaultdict(int)
inside = []  # the phases running now, innermost last: a phase's time excludes the phases it runs

def timed(name, run):
    inside.append(0.0)
    start = cpu()
    try:
        return run()
    finally:
        total = cpu() - start
        nested = inside.pop()
        spent[name] += total - nested
        count[name] += 1
        if inside:
            inside[-1] += total

def kind(page):
    if page.file.generated_by:
        return "generated"
    return "post-mortem" if page.file.src_uri.startswith("postmortems/") else "other"

run_event = PluginCollection.run_event
PluginCollection.run_event = lambda self, name, item=None, **kw: timed("event " + name, lambda: run_event(self, name, item, **kw))
render = Page.render
Page.render = lambda self, config, files: timed("markdown, " + kind(self), lambda: render(self, config, files))
build_page = build_module._build_page
build_module._build_page = lambda page, *a, **kw: timed("template, " + kind(page), lambda: build_page(page, *a, **kw))

config = load_config(sys.argv[1], site_dir=sys.argv[2])
start = cpu()
build_module.build(config)
print(json.dumps({"total": cpu() - start, "spent": spent, "count": count}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="post-mortems in the site (default 500)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the synthetic site")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a postmortem option for the plugin site, as YAML (repeatable): what a feature costs, e.g. 'link_mentions: false'",
    )
    args = parser.parse_args(argv)
    builds = common.instrumented_builds(CHILD, args.n, args.seed, options=args.option)
    for option in args.option:
        print(f"plugin site option: {option}")
    phases: dict[str, dict[str, float]] = defaultdict(dict)
    for name, measured in builds.items():
        for phase, seconds in measured["spent"].items():
            phases[phase][name] = seconds
        phases["rest (reading sources, nav, copying)"][name] = measured["total"] - sum(measured["spent"].values())
    print(f"N = {args.n}: CPU seconds per phase (a phase excludes the phases it runs)\n")
    print(f"{'phase':44s} {'plugin':>8s} {'floor':>8s} {'added':>8s}  pages (plugin)")
    for phase, by in sorted(phases.items(), key=lambda item: -(item[1].get("plugin", 0) - item[1].get("floor", 0))):
        plugin, floor = by.get("plugin", 0.0), by.get("floor", 0.0)
        pages = builds["plugin"]["count"].get(phase, "")
        print(f"{phase:44s} {plugin:8.2f} {floor:8.2f} {plugin - floor:+8.2f}  {pages}")
    plugin, floor = builds["plugin"]["total"], builds["floor"]["total"]
    print(f"{'total':44s} {plugin:8.2f} {floor:8.2f} {plugin - floor:+8.2f}  ({plugin / floor:.2f}x the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
