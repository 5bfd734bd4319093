"""A lessons-learned site that strains the generated index pages: long titles, many services with
long names, long ids and tags, several years. Used by tests/test_index_pages.py and, for screenshots,
by `python -m tests.wide_site DIR` (then `python scripts/screenshots.py --site DIR`)."""

from __future__ import annotations

import sys
from pathlib import Path

SEVERITIES = ("P0", "P1", "P2", "P3", "P4")
STATUSES = ("in-review", "approved", "actions-tracked", "lessons-shared")
NAMES = ("payments", "checkout", "identity", "search", "notifications")
SERVICES = [f"{name}-service-eu-west-{n}" for n in (1, 2) for name in NAMES]
COUNT = 24

MKDOCS_YML = """\
site_name: Wide lessons
theme:
  name: {theme}
  {palette}
markdown_extensions:
  - admonition
  - attr_list
plugins:
  - search
  - postmortem
"""
PALETTE = """palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
    - media: "(prefers-color-scheme: dark)"
      scheme: slate"""


#: Long owner names, for the open-actions page and the owners' pages (a third of the incidents have no action).
OWNERS = [f"Platform Reliability Engineering Team EU West {k}" for k in range(4)]


def actions(n: int, year: int) -> str:
    """The n-th incident's actions, as a YAML flow list: long titles, owners and ticket URLs, and every state
    (overdue: due in the incident's year; due soon; later; done)."""
    if n % 3 == 0:
        return "[]"
    due = (f"{year}-12-01", "2026-12-10", "2027-03-01")
    items = [
        f'{{title: "Add a guard rail so that configuration push number {n} can never take every region of the shared '
        f'edge gateway cluster down at once", owner: "{OWNERS[(n + k) % len(OWNERS)]}", due: "{due[(n + k) % 3]}", '
        f'status: in-progress, priority: P1, ticket: "https://tracker.example.com/browse/PLATFORMRELIABILITY-{n:05d}{k}"}}'
        for k in range(1 + n % 3)
    ]
    items.append(f'{{title: "Roll back push {n}", status: done, closed: "{year}-12-31"}}')
    return "[" + ", ".join(items) + "]"


def document(n: int) -> tuple[str, str]:
    """The n-th incident: (file name, text). Long id, long title, up to eight long service names."""
    year = 2023 + n % 3
    ident = f"INC-{year}-PLATFORM-RELIABILITY-EU-WEST-{n:04d}"
    title = (
        f"Checkout and payment authorisation failed for a large share of customers in three regions after "
        f"configuration push number {n} to the shared edge gateway cluster"
    )
    services = ", ".join(SERVICES[(n + k) % len(SERVICES)] for k in range(1 + n % 8))
    tags = ", ".join(f"long-tag-name-{(n + k) % 5}" for k in range(3))
    text = f"""---
id: {ident}
title: "{title}"
date: {year}-{1 + n % 12:02d}-{1 + n % 27:02d}
severity: {SEVERITIES[n % len(SEVERITIES)]}
status: {STATUSES[n % len(STATUSES)]}
summary: "Incident {n} in one sentence."
services: [{services}]
tags: [{tags}]
root_cause:
  primary: "A configuration value {n} out of range."
actions: {actions(n, year)}
timing:
  detected: "{year}-{1 + n % 12:02d}-{1 + n % 27:02d}T10:00:00Z"
  resolved: "{year}-{1 + n % 12:02d}-{1 + n % 27:02d}T{11 + n % 9}:{n % 60:02d}:00Z"
---

## Executive Summary

Text.
"""
    return f"inc-{n:04d}.md", text


def write(root: Path, theme: str = "material") -> Path:
    """Write the site's mkdocs.yml and documents under `root`; return `root`."""
    (root / "docs" / "postmortems").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Wide lessons\n\nSee [the post-mortems](postmortems/index.md).\n")
    palette = PALETTE if theme == "material" else ""
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(theme=theme, palette=palette))
    for n in range(COUNT):
        name, text = document(n)
        (root / "docs" / "postmortems" / name).write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), *sys.argv[2:3]))
