"""Corrective actions: tables and checklists -> `actions`.

Tables: every table whose header has an action column (Action, Action Item,
Task, Item, Title, Description) and an owner, due or status column; columns
are matched by name, case-insensitively, in any order (Owner/Assignee/
Responsible, Due/Due Date/Deadline/Target Date, Priority, Status/State,
Ticket/Issue/Jira/Link, Type).  Checklist items in a corrective actions
section are actions too (ticked -> done, else not-started).  The term comes
from the heading above (Immediate/Short/Medium/Long).  Status words: Not
Started/To Do/Open/Planned -> not-started, In Progress/Ongoing ->
in-progress, Completed/Done/Closed -> done, Cancelled/Won't Do -> cancelled;
blank -> done under a "(Completed)" heading, else not-started (noted).
Priorities that are not the schema's levels (High, Low...) are not mapped
(noted): teams map words to levels differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .context import REVIEW, Context
from .values import LINK, given, norm, ordered, parse_date, unwrap

#: Owner written for an action whose owner is unknown when there is no incident commander either.
UNASSIGNED = "unassigned"

_STATUS_WORDS = (
    ("cancelled", r"cancel+ed|won'?t\s*(?:do|fix)|wontfix|dropped|abandoned|obsolete"),
    ("not-started", r"not\s*started|to\s*-?\s*do|\bopen\b|planned|pending|backlog|\bnew\b|not\s*done"),
    ("in-progress", r"in\s*-?\s*progress|ongoing|\bwip\b|started|underway|in\s*review"),
    ("done", r"complete|\bdone\b|closed|finished|fixed|resolved|shipped|merged|✅|✓|✔"),
)
_COLUMNS = (
    ("title", re.compile(r"^(?:corrective\s+)?(?:action(?:\s+items?)?s?|tasks?|items?|title|description|what|remediation)\b")),
    ("owner", re.compile(r"^(?:owners?|assignees?|assigned(?:\s+to)?|responsible|who|dri|lead)\b")),
    ("due", re.compile(r"^(?:due(?:\s+date)?|deadline|target(?:\s+date)?|eta|by\s+when|when|date)\b")),
    ("priority", re.compile(r"^(?:priority|prio|pri)\b")),
    ("status", re.compile(r"^(?:status|state|progress)\b")),
    ("ticket", re.compile(r"^(?:tickets?|issues?|jira|links?|tracking|tracker|ref(?:erence)?|url)\b")),
    ("type", re.compile(r"^(?:type|kind|category)\b")),
)
_TERMS = (("immediate", r"immediate"), ("short", r"short"), ("medium", r"medium|mid"), ("long", r"long"))


@dataclass
class _Found:
    line: int
    heading: str
    raw: dict[str, str]  # the written values by field: title, owner, due, priority, status, ticket, type
    notes: list[str] = field(default_factory=list)


def _term(ctx: Context, heading: str) -> str | None:
    return next((t for t, words in _TERMS if t in ctx.vocabulary.terms and re.search(words, heading, re.IGNORECASE)), None)


def _from_tables(ctx: Context) -> list[_Found]:
    found = []
    for table in ctx.doc.tables:
        columns: dict[str, int] = {}
        extra = []
        for i, name in enumerate(norm(h) for h in table.header):
            key = next((k for k, pattern in _COLUMNS if pattern.match(name)), None)
            if key is not None and key not in columns:
                columns[key] = i
            elif name:
                extra.append(table.header[i])
        if "title" not in columns or not {"owner", "due", "status"} & set(columns):
            continue
        if extra:
            ctx.note(f"Actions table at line {table.start + 1}: column(s) {', '.join(extra)} not mapped (kept in the body)")
        line = ctx.doc.lines[table.start]
        heading = line.sub or line.section
        for index, cells in table.rows:
            raw = {k: (cells[c] if c < len(cells) else "") for k, c in columns.items()}
            if not given(raw["title"]):
                if any(given(v) for v in raw.values()):
                    ctx.note(f"Actions table, line {index + 1}: a row without an action text was not mapped")
                continue
            found.append(_Found(index, heading, raw))
    return found


def _from_checklists(ctx: Context) -> list[_Found]:
    found = []
    for block in ctx.doc.lists:
        for item in block.items:
            line = ctx.doc.lines[item.index]
            if item.checked is None or line.code or "action" not in line.section or REVIEW.search(line.section):
                continue
            if given(item.text):
                raw = {"title": item.text, "status": "done" if item.checked else "not started"}
                found.append(_Found(item.index, line.sub or line.section, raw))
    return found


def read_actions(ctx: Context) -> list[dict[str, Any]]:
    found = sorted(_from_tables(ctx) + _from_checklists(ctx), key=lambda f: f.line)
    actions = []
    no_owner: list[str] = []
    unassigned: list[str] = []
    no_due: list[str] = []
    for n, item in enumerate(found):
        actions.append(_action(ctx, n, item, no_owner, unassigned, no_due))
    commander = ctx.meta.get("commander")
    if no_owner:
        ctx.note(f"{', '.join(no_owner)}: no owner given; set to the incident commander ({commander})")
    if unassigned:
        ctx.note(f"{', '.join(unassigned)}: no owner given and no incident commander; owner set to {UNASSIGNED!r}")
    if no_due and ctx.date is not None:
        ctx.note(f"{', '.join(no_due)}: no due date given; set to the incident date ({ctx.date.isoformat()})")
    return actions


def _action(ctx: Context, n: int, item: _Found, no_owner: list[str], unassigned: list[str], no_due: list[str]) -> dict[str, Any]:
    where = f"actions[{n}]"
    raw = item.raw
    action: dict[str, Any] = {"title": given(raw["title"], ())}
    owner = given(raw.get("owner", ""))
    if owner:
        action["owner"] = owner
    elif ctx.meta.get("commander"):
        action["owner"] = ctx.meta["commander"]
        no_owner.append(where)
    else:
        action["owner"] = UNASSIGNED
        unassigned.append(where)
    due_text = given(raw.get("due", ""))
    due = parse_date(due_text, default_year=ctx.default_year, after=ctx.date) if due_text else None
    if due is not None:
        action["due"] = due.isoformat()
    else:
        if due_text:
            ctx.note(f"{where}.due: {due_text!r} is not a date; kept in the body")
        if ctx.date is not None:
            action["due"] = ctx.date.isoformat()
        no_due.append(where)
    priority = _priority(ctx, where, given(raw.get("priority", "")))
    if priority:
        action["priority"] = priority
    action["status"] = _status(ctx, where, raw.get("status", ""), item.heading)
    term = _term(ctx, item.heading)
    if term:
        action["term"] = term
    kind = given(raw.get("type", "")).lower()
    if kind:
        types = ctx.vocabulary.action_types
        matched = next((t for t in types if kind.startswith(t[:5])), None)
        if matched:
            action["type"] = matched
        else:
            ctx.note(f"{where}.type: {kind!r} is not one of {', '.join(types)}; kept in the body")
    ticket = given(raw.get("ticket", ""))
    if ticket:
        link = LINK.fullmatch(ticket)
        action["ticket"] = link["url"] if link else ticket
    return ordered(action, ctx.vocabulary.action_order)


def _priority(ctx: Context, where: str, written: str) -> str | None:
    """One of the schema's priorities, written loosely ("p1", "P-1", "P1 - high"), else None (noted when given)."""
    if not written:
        return None
    levels = ctx.vocabulary.priorities
    for level in levels:
        loose = re.sub(r"(?<=[A-Za-z])(?=\d)", r"\\s*-?\\s*", re.escape(level))  # P1 -> P\s*-?\s*1
        if re.fullmatch(rf"{loose}(?:\b.*)?", written, re.IGNORECASE):
            return level
    ctx.note(f"{where}.priority: {written!r} is not one of {', '.join(levels)}; kept in the body")
    return None


def _status(ctx: Context, where: str, written_raw: str, heading: str) -> str:
    written = unwrap(written_raw)  # "TODO" is a status here, not a blank
    known = ctx.vocabulary.action_statuses
    status = next((s for s, words in _STATUS_WORDS if s in known and re.search(words, written, re.IGNORECASE)), None)
    if status is not None:
        return status
    first = known[0]
    if re.search(r"complete|done", heading, re.IGNORECASE) and "done" in known:
        return "done"
    text = given(written, ())
    said = f"{text!r} not recognised" if text else "no status given"
    ctx.note(f"{where}.status: {said}; set to {first}")
    return first
