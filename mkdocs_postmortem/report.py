"""How problems are shown: as text for people, GitHub annotations for CI, JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import Problem


def summary(problems: Sequence[Problem], checked: int) -> str:
    if not problems:
        return f"{checked} post-mortem{'s' if checked != 1 else ''} checked, all valid"
    files = len({p.path for p in problems})
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
