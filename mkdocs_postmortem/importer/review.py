"""The review meeting, the sign-off, the post-mortem's status and the 30-day follow-up.

Status: the first ``**Status:**`` field (inline boxes, a checkbox list below
it, or a word) that names a post-mortem status; an incident's "Status:
Resolved" is passed over.  Several ticked: the furthest along in the
schema's life cycle.  None: `draft`, noted.  Review: ``Date``/``Attendees``
under a review heading; sign-off: each ``**Role:** Name`` under a sign-off
heading, with the ``**Date:**`` line after it; a role without a name is not
an entry.
"""

from __future__ import annotations

import re
from typing import Any

from .context import REVIEW, Context
from .markdown import Field, List
from .values import given, ordered, parse_date, split_list

#: Words that name each post-mortem status (the values come from the schema).
_STATUS_WORDS = (
    ("lessons-shared", r"lessons?\b.*\bshared|\bshared\b"),
    ("actions-tracked", r"tracked"),
    ("approved", r"approved"),
    ("in-review", r"review"),
    ("draft", r"draft"),
)
_STATUS_LABELS = ("status", "document status", "post mortem status", "postmortem status", "review status")


def read_review(ctx: Context) -> dict[str, Any]:
    review: dict[str, Any] = {}
    sign_off: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for f in ctx.doc.fields:
        where = ctx.doc.lines[f.index].where
        if not REVIEW.search(where):
            continue
        if "sign" in where:
            if f.key.startswith("status"):
                continue
            if f.key == "date":
                value = given(f.value)
                if current is not None and value:
                    when = parse_date(value, default_year=ctx.default_year, after=ctx.date)
                    if when is not None:
                        current["date"] = when.isoformat()
                    else:
                        ctx.note(f"Sign-off date of {current['role']}: {value!r} is not a date; kept in the body")
                continue
            name = given(f.value)
            current = {"role": f.label, "name": name} if name else None
            if current is not None:
                sign_off.append(current)
        elif "action item" in where:
            continue
        elif f.key in ("date", "review date", "meeting date") and "date" not in review:
            value = given(f.value)
            when = parse_date(value, default_year=ctx.default_year, after=ctx.date) if value else None
            if when is not None:
                review["date"] = when.isoformat()
            elif value:
                ctx.note(f"Review date: {value!r} is not a date; kept in the body")
        elif f.key in ("attendees", "participants", "present") and "attendees" not in review:
            people = split_list(given(f.value))
            if people:
                review["attendees"] = people
    if sign_off:
        review["sign_off"] = [ordered(s, ctx.vocabulary.sign_off_order) for s in sign_off]
    return ordered(review, ctx.vocabulary.review_order)


#: The words of the template's status boxes ("Action Items Tracked", "Lessons Shared with Team").
_STATUS_LABEL_WORDS = frozenset(
    re.findall(r"\S+", "draft under in review approved action actions item items tracked lesson lessons shared with the team")
)


def doc_status(ctx: Context, label: str) -> str | None:
    known = ctx.vocabulary.statuses
    return next((s for s, words in _STATUS_WORDS if s in known and re.search(words, label, re.IGNORECASE)), None)


def is_status_label(ctx: Context, label: str) -> bool:
    """A box label that names a status and says nothing else (so the box can leave the body once read)."""
    return doc_status(ctx, label) is not None and set(re.findall(r"[^\W_]+", label.lower())) <= _STATUS_LABEL_WORDS


def read_status(ctx: Context) -> tuple[Field, List | None] | None:
    """Set the post-mortem's status; returns the field it was read from, and the checkbox list below it if any."""
    fallback = "Status: not stated; set to draft"
    lifecycle = ctx.vocabulary.statuses
    for f in ctx.doc.fields:
        line = ctx.doc.lines[f.index]
        if f.key not in _STATUS_LABELS:
            continue
        if "action" in line.section and not REVIEW.search(line.section):
            continue
        choices = ctx.doc.choices(f)
        ticked = [label for on, label in choices if on] if choices else ([given(f.value)] if given(f.value) else [])
        statuses = {s for s in (doc_status(ctx, t) for t in ticked) if s}
        if statuses:
            ctx.meta["status"] = max(statuses, key=lifecycle.index)
            if len(statuses) > 1:
                ctx.note(f"Status: several boxes ticked; set to the furthest along ({ctx.meta['status']})")
            return f, ctx.doc.checkbox_list(f)
        if choices and not ticked:
            fallback = "Status: no box ticked; set to draft"
        elif ticked and fallback.endswith("not stated; set to draft"):
            fallback = f"Status: {', '.join(ticked)!r} is not a post-mortem status; set to draft"
    ctx.meta["status"] = lifecycle[0]
    ctx.note(fallback)
    return None


def read_follow_up(ctx: Context) -> str | None:
    f = ctx.first({"30 day review", "30day review", "follow up review", "follow up", "follow up date", "30 day follow up"})
    if f is None:
        return None
    value = given(f.value)
    if not value:
        return None
    when = parse_date(value, default_year=ctx.default_year, after=ctx.date)
    if when is None:
        ctx.note(f"30-Day Review: {value!r} is not a date; kept in the body")
        return None
    return when.isoformat()
