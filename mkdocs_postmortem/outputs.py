"""Every output by format name, in one place: problems, action reports, and the files a site exports.

- `PROBLEM_FORMATS`: text for people, github annotations for CI, json for tools (`postmortem validate --format`).
- `ACTION_FORMATS`: table, csv, json (`postmortem actions --format`).
- `STATS_FORMATS`: table, json (`postmortem stats --format`): the metrics page's figures.
- `EXPORTS`: files written next to the generated pages, in the built site by the plugin and in
  `postmortem render`'s folder (a data file, a CSV, a calendar): one `Export` entry each.

A new format or export is one function and one entry here; the commands'
`--format` choices and the files written follow from these registries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .catalog import ActionReport, ActionRow, Catalog
from .metrics import FEW, Metrics
from .model import DUE_SOON_DAYS, Problem, in_words
from .render import minutes

# --- problems --------------------------------------------------------------------------------


def summary(problems: Sequence[Problem], checked: int) -> str:
    if not problems:
        return f"{checked} post-mortem{'s' if checked != 1 else ''} checked, all valid"
    files = len({p.path for p in problems})
    if files > checked:  # a link in the folder that loops is a problem but not a post-mortem
        return f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} files ({checked} post-mortems checked)"
    return (
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} of {checked} "
        f"post-mortem{'s' if checked != 1 else ''}"
    )


def problems_text(problems: Sequence[Problem], checked: int) -> str:
    return "\n".join([*(str(p) for p in problems), summary(problems, checked)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def problems_github(problems: Sequence[Problem], checked: int) -> str:
    """GitHub Actions workflow commands: each problem shows on the pull request's diff."""
    lines = []
    for p in problems:
        title = f",title={_escape_property(p.field)}" if p.field else ""
        message = f"{p.field}: {p.message}" if p.field else p.message
        lines.append(f"::error file={_escape_property(p.path)},line={p.line}{title}::{_escape_data(message)}")
    lines.append(summary(problems, checked))
    return "\n".join(lines)


def problems_json(problems: Sequence[Problem], checked: int) -> str:
    return json.dumps(
        {
            "valid": not problems,
            "checked": checked,
            "invalid_files": len({p.path for p in problems}),
            "problems": [p.as_dict() for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )


ProblemWriter = Callable[[Sequence[Problem], int], str]
PROBLEM_FORMATS: dict[str, ProblemWriter] = {"text": problems_text, "github": problems_github, "json": problems_json}


# --- action reports ----------------------------------------------------------------------------


_COLUMNS = [
    ("state", "State"),
    ("days_overdue", "Days over"),
    ("due", "Due"),
    ("owner", "Owner"),
    ("priority", "Prio"),
    ("status", "Status"),
    ("incident", "Incident"),
    ("action", "Action"),
]


def actions_table(rows: Sequence[ActionRow], report: ActionReport) -> str:
    """For people: states and statuses in words."""
    head = (
        f"As of {report.as_of.isoformat()}: {len(report.overdue)} overdue, "
        f"{len(report.due_soon)} due soon (within {DUE_SOON_DAYS} days), {len(report.later)} later; "
        f"{report.open_count} open of {report.total} actions"
    )
    if not rows:
        return head
    words = {"state", "status"}
    shown = [{k: in_words(v) if k in words else str(v) for k, v in row.as_dict().items()} for row in rows]
    cells = [[title for _, title in _COLUMNS], *([r[key] for key, _ in _COLUMNS] for r in shown)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", head])


def actions_csv(rows: Sequence[ActionRow], report: ActionReport) -> str:
    """For spreadsheets and scripts: the row's plain values, states and statuses as the schema spells them."""
    dicts = [row.as_dict() for row in rows]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dicts[0]) if dicts else [k for k, _ in _COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(dicts)
    return out.getvalue()


def actions_json(rows: Sequence[ActionRow], report: ActionReport) -> str:
    return json.dumps(
        {
            "as_of": report.as_of.isoformat(),
            "totals": {
                "overdue": len(report.overdue),
                "due_soon": len(report.due_soon),
                "later": len(report.later),
                "open": report.open_count,
                **report.closed_counts,
                "all": report.total,
            },
            "actions": [row.as_dict() for row in rows],
        },
        indent=2,
        ensure_ascii=False,
    )


ActionWriter = Callable[[Sequence[ActionRow], ActionReport], str]
ACTION_FORMATS: dict[str, ActionWriter] = {"table": actions_table, "csv": actions_csv, "json": actions_json}


# --- the metrics page's figures ------------------------------------------------------------------


def _columns(rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    """Rows as aligned text columns: the first left-aligned, the others (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) if i < right_from else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def stats_table(m: Metrics) -> str:
    """For people: incidents by year and severity, time to resolve, actions, top services."""
    since = f" dated {m.since.isoformat()} or later" if m.since else ""
    lines = [f"{m.incidents} published incident{'s' if m.incidents != 1 else ''}{since}, as of {m.as_of.isoformat()}", ""]
    head = ["Incidents", *m.severities, "All"]
    years = [[str(year), *(str(counts[s]) for s in m.severities), str(sum(counts.values()))] for year, counts in m.by_year]
    totals = ["All", *(str(sum(m.counts[s])) for s in m.severities), str(m.incidents)]
    lines += [*_columns([head, *years, totals]), ""]
    rows = [["Time to resolve", "Median", "90th percentile", "Incidents"]]
    for s, f in m.times["time to resolve"].items():
        mark = f" (fewer than {FEW})" if f.few else ""
        rows.append([s, minutes(f.median), minutes(f.p90), f"{f.n}{mark}"])
    lines += [*_columns(rows), ""]
    closed = "".join(f", {count} {in_words(status)}" for status, count in m.closed.items())
    lines.append(f"Actions: {m.open} open, {m.overdue} overdue{closed}; {m.actions} in all")
    if m.on_time_share is not None:
        lines.append(
            f"Closed by their due date: {round(100 * m.on_time_share)} % ({m.closed_on_time} of {m.closed_judged} "
            "closed actions with both a due and a closed date)"
        )
    if m.closed_undated:
        lines.append(f"Closed without a closed date (left out of the backlog and the on-time share): {m.closed_undated}")
    if m.top_services:
        lines.append("Top services: " + ", ".join(f"{name} {count}" for name, count in m.top_services))
    return "\n".join(lines)


def stats_json(m: Metrics) -> str:
    """For tools: every figure of the metrics page (`Metrics.as_dict`)."""
    return json.dumps(m.as_dict(), indent=2, ensure_ascii=False)


STATS_FORMATS: dict[str, Callable[[Metrics], str]] = {"table": stats_table, "json": stats_json}


# --- files a site exports ----------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A file written next to the generated pages (under the post-mortem folder), from the catalog."""

    name: str  # file name under the post-mortem folder, e.g. "actions.csv"
    write: Callable[[Catalog, dt.date], bytes]  # (catalog, as-of date) -> the file's bytes; deterministic


#: The site's exports; the plugin writes each into the built site, `postmortem render` into its folder.
#: (incidents.json, actions.csv and actions.ics of the exports issue are one entry each.)
EXPORTS: tuple[Export, ...] = ()


def exports(catalog: Catalog, as_of: dt.date, folder: str) -> dict[str, bytes]:
    """Every export's site path (`folder/name`) -> its bytes."""
    return {f"{folder}/{export.name}": export.write(catalog, as_of) for export in EXPORTS}
