"""How problems are shown: as text for people, GitHub annotations for CI, JSON for tools."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from .catalog import ActionReport
from .model import DUE_SOON_DAYS, Problem


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


def as_text(problems: Sequence[Problem], checked: int) -> str:
    return "\n".join([*(str(p) for p in problems), summary(problems, checked)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Sequence[Problem], checked: int) -> str:
    """GitHub Actions workflow commands: each problem shows on the pull request's diff."""
    lines = []
    for p in problems:
        title = f",title={_escape_property(p.field)}" if p.field else ""
        message = f"{p.field}: {p.message}" if p.field else p.message
        lines.append(f"::error file={_escape_property(p.path)},line={p.line}{title}::{_escape_data(message)}")
    lines.append(summary(problems, checked))
    return "\n".join(lines)


def as_json(problems: Sequence[Problem], checked: int) -> str:
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


FORMATS = {"text": as_text, "github": as_github, "json": as_json}


# --- the action report in a terminal -------------------------------------------

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


def actions_table(rows: Sequence[dict[str, Any]], report: ActionReport) -> str:
    head = (
        f"As of {report.as_of.isoformat()}: {len(report.overdue)} overdue, "
        f"{len(report.upcoming)} due in the next {DUE_SOON_DAYS} days, "
        f"{report.open_count} open of {report.total} actions"
    )
    if not rows:
        return head
    cells = [[title for _, title in _COLUMNS], *([str(r[key]) for key, _ in _COLUMNS] for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", head])


def actions_csv(rows: Sequence[dict[str, Any]], report: ActionReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [k for k, _ in _COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def actions_json(rows: Sequence[dict[str, Any]], report: ActionReport) -> str:
    return json.dumps(
        {
            "as_of": report.as_of.isoformat(),
            "totals": {
                "overdue": len(report.overdue),
                "upcoming": len(report.upcoming),
                "open": report.open_count,
                **report.closed_counts,
                "all": report.total,
            },
            "actions": list(rows),
        },
        indent=2,
        ensure_ascii=False,
    )


ACTION_FORMATS = {"table": actions_table, "csv": actions_csv, "json": actions_json}
