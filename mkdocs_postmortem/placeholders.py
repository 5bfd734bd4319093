"""Placeholder text a post-mortem still carries from its template: an error from `approved` on.

`postmortem new` copies the site's template (its `_template.md`, or the starter one) into a new
draft. What the author left of it unchanged is found by comparing with that template, not by
guessing at the text's style (an italic line an author wrote is theirs):

- a line of the template's body that is placeholder text (not blank, not a heading, not a table's
  header or delimiter row, not a comment, not code) and stands unchanged in the document's body;
- a value of the template's front matter written as a phrase (text with a space; `postmortem new`
  sets id, title, date, severity, status and services itself) that stands unchanged in the document;
- an explicit `TODO` marker, in the body (outside code) or in a front-matter value.

The statuses the rule applies to come from the schema's status order (`schema.statuses_from`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .load import load_text
from .model import Document, FieldPath, Problem

#: An explicit marker of something still to write.
TODO = re.compile(r"\bTODO\b")
#: The front-matter fields `postmortem new` sets itself: never placeholders (scaffold.new_postmortem).
SET_BY_NEW = frozenset({"id", "title", "date", "severity", "status", "services"})

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """(index, stripped line) of each body line that is prose: outside fenced code, not blank."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.strip():
            yield index, line.strip()


def _is_structure(line: str, following: str) -> bool:
    """A heading, a table's delimiter or header row, or a comment: the template's frame, not placeholder text."""
    return (
        line.startswith("#")
        or bool(_DELIMITER_ROW.match(line))
        or (line.startswith("|") and bool(_DELIMITER_ROW.match(following)))
        or line.startswith("<!--")
    )


def _leaves(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, str(key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path, value


def _at(meta: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(meta, dict) and isinstance(part, str):
            meta = meta.get(part)
        elif isinstance(meta, list) and isinstance(part, int) and part < len(meta):
            meta = meta[part]
        else:
            return None
    return meta


@dataclass(frozen=True)
class Template:
    """What of a template is placeholder text."""

    lines: frozenset[str]  # stripped body lines
    values: tuple[tuple[FieldPath, str], ...]  # front-matter phrases, with their place

    @classmethod
    def of(cls, text: str) -> Template:
        doc = load_text(text, "_template.md")
        prose = list(_prose_lines(doc.body))
        raw = doc.body.split("\n")
        lines = frozenset(
            line for index, line in prose if not _is_structure(line, raw[index + 1].strip() if index + 1 < len(raw) else "")
        )
        values = tuple(
            (path, value)
            for path, value in _leaves(doc.meta or {})
            if path and path[0] not in SET_BY_NEW and isinstance(value, str) and " " in value.strip()
        )
        return cls(lines, values)


def read_template(path: Path) -> Template:
    """The template at `path`; ValueError, with a message for people, when it cannot be read as UTF-8 text."""
    try:
        return Template.of(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: the post-mortem template is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the post-mortem template: {exc.strerror or exc}") from exc


@cache
def starter_template() -> Template:
    """The starter site's template: for a caller that names none."""
    from .scaffold import site_template_dir  # scaffold reads the wheel's files; imported when needed

    return read_template(site_template_dir() / "docs" / "postmortems" / "_template.md")


def placeholder_problems(doc: Document, template: Template) -> list[Problem]:
    """Placeholder text and TODO markers left in one document (whatever its status: the caller decides)."""
    if doc.meta is None:
        return []
    problems = []
    # Most documents have none: a line can only be one if it is a template line or holds TODO,
    # which a set and a substring test tell at C speed before the line-by-line reading.
    body_may = "TODO" in doc.body or not template.lines.isdisjoint(line.strip() for line in doc.body.split("\n"))
    for index, line in _prose_lines(doc.body) if body_may else ():
        number = doc.body_line + index
        if line in template.lines:
            shown = line if len(line) <= 60 else line[:57] + "..."
            problems.append(
                Problem(
                    doc.path,
                    number,
                    "",
                    f"placeholder text from the template is still here: {shown!r}; write your own or delete the line",
                )
            )
        elif TODO.search(line):
            problems.append(Problem(doc.path, number, "", "a TODO marker is still here; finish the text or delete the line"))
    for path, value in template.values:
        if _at(doc.meta, path) == value:
            problems.append(doc.problem(path, f"the template's placeholder {value!r} is unchanged; state this incident's own"))
    # repr shows every text value as written (TODO has nothing repr escapes): no TODO there, none in a value
    for path, value in _leaves(doc.meta) if "TODO" in repr(doc.meta) else ():
        if isinstance(value, str) and TODO.search(value):
            problems.append(doc.problem(path, "a TODO marker is still here; fill in the value"))
    return problems
