"""Corrective actions: tables and checklists -> `actions`.

Tables: every table whose header has an action column (Action, Action Item,
Task, Item, Title, Description) and an owner, due or status column; columns
are matched by name, case-insensitively, in any order (Owner/Assignee/
Responsible, Due/Due Date/Deadline/Target Date, Priority, Status/State,
Ticket/Issue/Jira/Link, Type, Closed/Completed on).  Checklist items in a
corrective actions section are actions too (ticked -> done, else
not-started), with what their trailing parentheses say:
``- [x] Title (Owner, due 2024-05-01, P1)``, ``- [ ] Title (@owner, due May 1)``
(parts: ``due``/``by`` a date, a priority, ``@handle`` or ``owner: name``, a
ticket key or URL, ``done``/``closed`` a date; one unlabelled part is the
owner).  A parenthesis that says none of these is part of the title.  The
term comes from the heading above (Immediate/Short/Medium/Long).  Status
words: Not Started/To Do/Open/Planned -> not-started, In Progress/Ongoing ->
in-progress, Completed/Done/Closed -> done, Cancelled/Won't Do -> cancelled;
blank -> done under a "(Completed)" heading, else not-started (noted).
Priorities that are not the schema's levels (High, Low...) are not mapped
(noted): teams map words to levels differently.

Nothing is invented: an action without an owner or a due date has none.  A
done or cancelled action needs neither; what an open one lacks is named in
`missing` ("to fill in").  An action table or checklist whose every row went
into `actions` whole leaves the body (the page shows the actions); one with
anything the front matter could not hold stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .context import REVIEW, Context
from .values import LINK, find_date, given, norm, ordered, parse_date, says_nothing, unwrap

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
    ("closed", re.compile(r"^(?:closed|completed|done|finished)(?:\s+(?:on|date))?$")),
)
#: Every word a status cell may hold for its row to leave the body: nothing else is said in it.
_STATUS_VOCABULARY = frozenset(
    re.findall(
        r"\S+",
        "not started to do todo open planned pending backlog new in progress ongoing wip underway review complete completed"
        " done closed finished fixed resolved shipped merged cancelled canceled won't wont wontfix dropped abandoned obsolete",
    )
)
_TERMS = (("immediate", r"immediate"), ("short", r"short"), ("medium", r"medium|mid"), ("long", r"long"))
_TICKET = re.compile(r"[A-Z][A-Z0-9]+-\d+|https?://\S+|#\d+")
_PARENS = re.compile(r"^(?P<title>.*?)\s*\((?P<inside>[^()]*)\)\s*\.?$")
_SEP = r"(?:\s*:\s*|\s+)"
_DUE_PART = re.compile(rf"(?:due|by|deadline|target){_SEP}(?P<date>.+)", re.IGNORECASE)
_CLOSED_PART = re.compile(rf"(?:done|closed|completed|finished|cancell?ed)(?:\s+on)?{_SEP}(?P<date>.+)", re.IGNORECASE)
_OWNER_PART = re.compile(rf"(?:owner|assignee|assigned\s+to){_SEP}(?P<name>.+)|@(?P<handle>\S+)", re.IGNORECASE)


@dataclass
class _Found:
    line: int
    heading: str
    raw: dict[str, str]  # the written values by field: title, owner, due, priority, status, ticket, type, closed
    whole: bool = True  # everything written went into the action (else it must stay in the body)


@dataclass
class _Block:
    """A table or checklist of actions: it leaves the body when all of its rows went into `actions` whole."""

    start: int
    end: int
    rows: list[_Found] = field(default_factory=list)
    whole: bool = True


def _term(ctx: Context, heading: str) -> str | None:
    return next((t for t, words in _TERMS if t in ctx.vocabulary.terms and re.search(words, heading, re.IGNORECASE)), None)


def _from_tables(ctx: Context) -> list[_Block]:
    found = []
    for table in ctx.doc.tables:
        columns: dict[str, int] = {}
        extra = []
        exact = table.exact
        for i, name in enumerate(norm(h) for h in table.header):
            key, m = next(((k, m) for k, pattern in _COLUMNS if (m := pattern.match(name))), (None, None))
            if key is not None and key not in columns:
                columns[key] = i
                exact = exact and m is not None and m.end() == len(name)  # "Due Date", not "Due Date (UTC)"
            elif name:
                extra.append(table.header[i])
        if "title" not in columns or not {"owner", "due", "status"} & set(columns):
            continue
        block = _Block(table.start, table.end, whole=not extra and exact)
        if extra:
            ctx.note(f"Actions table at line {table.start + 1}: column(s) {', '.join(extra)} not mapped (kept in the body)")
        line = ctx.doc.lines[table.start]
        heading = line.sub or line.section
        for index, cells in table.rows:
            raw = {k: (cells[c] if c < len(cells) else "") for k, c in columns.items()}
            if not given(raw["title"]):
                if any(given(v) for v in raw.values()):
                    block.whole = False
                    ctx.note(f"Actions table, line {index + 1}: a row without an action text was not mapped")
                continue
            block.rows.append(_Found(index, heading, raw))
        found.append(block)
    return found


def _from_checklists(ctx: Context) -> list[_Block]:
    found = []
    for block in ctx.doc.lists:
        actions = _Block(block.start, block.end)
        for item in block.items:
            line = ctx.doc.lines[item.index]
            if item.checked is None or line.code or "action" not in line.section or REVIEW.search(line.section):
                actions.whole = False
                continue
            if not given(item.text):
                actions.whole = actions.whole and not item.text.strip()
                continue
            raw = {"status": "done" if item.checked else "not started", **_checklist_fields(ctx, item.text)}
            actions.rows.append(_Found(item.index, line.sub or line.section, raw, whole=item.full == item.text))
        if actions.rows:
            found.append(actions)
    return found


def _checklist_fields(ctx: Context, text: str) -> dict[str, str]:
    """`Title (Owner, due 2024-05-01, P1)` -> title, owner, due, priority; a parenthesis that says none of these is title."""
    m = _PARENS.match(text)
    if m is None or not given(m["title"]):
        return {"title": text}
    fields: dict[str, str] = {}
    unlabelled: list[str] = []
    levels = {level.lower() for level in ctx.vocabulary.priorities}
    for part in (p.strip() for p in re.split(r"[,;]", m["inside"])):
        if not part:
            continue
        due, closed, owner = _DUE_PART.fullmatch(part), _CLOSED_PART.fullmatch(part), _OWNER_PART.fullmatch(part)
        if due and parse_date(due["date"], default_year=ctx.default_year, after=ctx.date):
            fields.setdefault("due", due["date"])
        elif closed and parse_date(closed["date"], default_year=ctx.default_year, after=ctx.date):
            fields.setdefault("closed", closed["date"])
        elif owner:
            fields.setdefault("owner", owner["name"] or owner["handle"])
        elif re.sub(r"[\s-]+", "", part).lower() in levels:
            fields.setdefault("priority", part)
        elif _TICKET.fullmatch(part):
            fields.setdefault("ticket", part)
        else:
            unlabelled.append(part)
    if not fields or len(unlabelled) > 1 or (unlabelled and "owner" in fields):
        return {"title": text}  # "(max 1000 scenes)" is part of the title, not who or when
    if unlabelled:
        fields["owner"] = unlabelled[0]
    return {"title": m["title"], **fields}


def read_actions(ctx: Context) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The actions, and the (start, end) lines of the tables and checklists that went into them whole."""
    blocks = _from_tables(ctx) + _from_checklists(ctx)
    found = sorted((row for block in blocks for row in block.rows), key=lambda f: f.line)
    actions = [_action(ctx, n, item) for n, item in enumerate(found)]
    closed = ctx.vocabulary.closed_statuses
    for key, words in (("owner", "no owner given"), ("due", "no due date given")):
        lacking = [f"actions[{n}]" for n, a in enumerate(actions) if key not in a and a["status"] not in closed]
        if lacking:
            ctx.note(f"{', '.join(lacking)}: {words}; to fill in")
    whole = [(b.start, b.end) for b in blocks if b.whole and b.rows and all(row.whole for row in b.rows)]
    return actions, whole


def _action(ctx: Context, n: int, item: _Found) -> dict[str, Any]:
    where = f"actions[{n}]"
    raw = item.raw
    notes = len(ctx.notes)
    action: dict[str, Any] = {"title": given(raw["title"], ())}
    owner = given(raw.get("owner", ""))
    if owner:
        action["owner"] = owner
    for key in ("due", "closed"):
        text = given(raw.get(key, ""))
        found = find_date(text, ctx.default_year, ctx.date) if text else None
        if found is not None:
            action[key] = found[0].isoformat()
            item.whole = item.whole and found[1:] == (0, len(text))  # "2025-12-10 (moved)" keeps its row
        elif text:
            ctx.note(f"{where}.{key}: {text!r} is not a date; kept in the body")
    written = given(raw.get("priority", ""))
    priority = _priority(ctx, where, written)
    if priority:
        action["priority"] = priority
        item.whole = item.whole and re.sub(r"[\s-]+", "", written).lower() == priority.lower()
    action["status"] = _status(ctx, where, raw.get("status", ""), item.heading)
    item.whole = item.whole and set(re.findall(r"[a-z']+", raw.get("status", "").lower())) <= _STATUS_VOCABULARY
    # a cell that says "TBD" or "unknown" says something the front matter cannot: keep the row
    item.whole = item.whole and not any(not says_nothing(v) and not given(v) for v in raw.values())
    term = _term(ctx, item.heading)
    if term:
        action["term"] = term
    kind = given(raw.get("type", "")).lower()
    if kind:
        types = ctx.vocabulary.action_types
        matched = next((t for t in types if kind.startswith(t[:5])), None)
        if matched:
            action["type"] = matched
            item.whole = item.whole and kind == matched
        else:
            ctx.note(f"{where}.type: {kind!r} is not one of {', '.join(types)}; kept in the body")
    ticket = given(raw.get("ticket", ""))
    if ticket:
        link = LINK.fullmatch(ticket)
        action["ticket"] = link["url"] if link else ticket
        item.whole = item.whole and (link is None or link["text"] in link["url"])  # "[OPS-7](…/OPS-7)" says it once
    item.whole = item.whole and len(ctx.notes) == notes  # a note means something stays only in the body
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
