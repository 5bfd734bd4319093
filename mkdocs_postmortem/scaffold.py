"""New post-mortems and new sites: the next free id, a valid skeleton, the starter site."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml

SCHEMA_URL = "https://raw.githubusercontent.com/mkdocs-postmortem/mkdocs-postmortem/main/schema/postmortem.schema.json"

#: The narrative sections of the classic template, each with a one-line prompt.
SECTIONS = [
    ("Executive Summary", "What happened, the impact and the resolution, in two or three sentences."),
    ("Timeline", "| Time (UTC) | Event | Actor |\n|------------|-------|-------|\n| 14:30 | Alert fired | Monitoring |"),
    ("Root Cause Analysis", "What happened technically, why it happened, and why it was not caught earlier."),
    ("Impact", "Who and what was affected, for how long, and how badly."),
    ("What Went Well", "Detection, communication, diagnosis, recovery: what should be kept."),
    ("What Went Wrong", "Gaps in testing, monitoring, review, deployment or documentation."),
    ("Prevention Measures", "Changes to testing, monitoring and process that stop a recurrence."),
    ("Lessons Learned", "What the whole team should remember from this incident."),
    ("Supporting Data", "Metrics, graphs, log excerpts, links to dashboards."),
    ("Communication", "Internal and external updates: channels, status page, customer emails."),
]


class ScaffoldError(Exception):
    pass


def id_regex(id_format: str) -> re.Pattern[str]:
    """A regex matching ids made by `id_format` ("INC-{year}-{number:04d}"), with year and number groups."""
    pattern = ""
    for literal, name, _spec, _conv in string.Formatter().parse(id_format):
        pattern += re.escape(literal)
        if name == "year":
            pattern += r"(?P<year>\d{4})"
        elif name == "number":
            pattern += r"(?P<number>\d+)"
        elif name is not None:
            raise ScaffoldError(f"id_format {id_format!r}: unknown field {{{name}}}; use {{year}} and {{number}}")
    if "(?P<number>" not in pattern:
        raise ScaffoldError(f"id_format {id_format!r} needs a {{number}} field")
    return re.compile(f"^{pattern}$")


def next_id(id_format: str, existing: Iterable[str], year: int) -> str:
    """The first id after the highest one already used in `year` (gaps are not reused)."""
    regex = id_regex(id_format)
    highest = 0
    for ident in existing:
        match = regex.match(ident)
        if match and int(match.groupdict().get("year") or year) == year:
            highest = max(highest, int(match.group("number")))
    return id_format.format(year=year, number=highest + 1)


def file_name(ident: str, title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50].strip("-")
    return f"{ident.lower()}{'-' + words if words else ''}.md"


def _yaml_value(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def new_postmortem(ident: str, title: str, date: dt.date, severity: str, services: list[str]) -> str:
    """A post-mortem that validates as it is, with the optional fields as comments to fill in."""
    lines = [
        "---",
        f"# yaml-language-server: $schema={SCHEMA_URL}",
        f"id: {_yaml_value(ident)}",
        f"title: {_yaml_value(title)}",
        f"date: {date.isoformat()}",
        f"severity: {_yaml_value(severity)}",
        "status: draft  # draft | in-review | approved | actions-tracked | lessons-shared",
        "# summary: What happened, the impact and the resolution, in two or three sentences.",
        "# commander: Jane Smith",
        "# participants: [Jane Smith, John Doe]",
        f"services: {_yaml_value(services)}" if services else "# services: [checkout-api]",
        "# tags: [deployment]",
        "# detection: {source: monitoring, method: Prometheus alert API_DOWN}  # monitoring | user-report | internal",
        "# timing:  # ISO 8601 with an offset, in order",
        f"#   started: {date.isoformat()}T14:29:00Z",
        f"#   detected: {date.isoformat()}T14:30:00Z",
        f"#   resolved: {date.isoformat()}T15:30:00Z",
        "# impact: {type: complete-outage, users_affected: all}",
        "# root_cause: {primary: ..., trigger: ..., contributing: [...]}",
        "# references: [INC-2025-0017]",
        "# actions:",
        "#   - {title: ..., owner: ..., due: YYYY-MM-DD, status: not-started, priority: P1}",
        "---",
        "",
    ]
    for heading, prompt in SECTIONS:
        lines += [f"## {heading}", "", prompt if prompt.startswith("|") else f"_{prompt}_", ""]
    return "\n".join(lines)


def site_template_dir() -> Path:
    """The starter site: inside the wheel, or the repository's site-template/ in a checkout."""
    packaged = resources.files("mkdocs_postmortem") / "site_template"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "site-template"


def init_site(target: Path) -> list[Path]:
    """Copy the starter site into `target`, which must not hold a site already."""
    source = site_template_dir()
    if not (source / "mkdocs.yml").is_file():
        raise ScaffoldError(f"the starter site is missing from the installation ({source})")
    if target.exists() and any(target.iterdir()):
        clash = [n for n in ("mkdocs.yml", "mkdocs.yaml", "docs") if (target / n).exists()]
        what = f"it already has {', '.join(clash)}" if clash else "it is not empty"
        raise ScaffoldError(f"{target}: {what}; choose a new folder (nothing was copied)")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site", "__pycache__", ".cache"))
    return sorted(p for p in target.rglob("*") if p.is_file())
