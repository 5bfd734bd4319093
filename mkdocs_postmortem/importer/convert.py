"""One classic document -> front matter + body: the readers run in order, then the body is what they left.

Nothing is dropped.  The body is the original text (line endings normalised
to ``\\n``) without the lines whose whole content went into the front matter.
Required fields the text does not state are left out (the YAML stays
loadable without them) and named in `ImportResult.missing`; no placeholder
value is written.  Front matter strings are kept free of control characters
(YAML cannot carry them all); the body keeps them.  A file that already has
front matter is returned unchanged (noted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import frontmatter

from ..load import load_text
from .actions import read_actions
from .body import body_text, drop_duplicates
from .context import Context
from .fields import read_header, read_people, read_root_cause, read_summary, read_title
from .impact import read_impact
from .markdown import Structure
from .review import read_follow_up, read_review, read_status
from .timeline import read_timing
from .values import ordered, scrub
from .vocabulary import Vocabulary, unmet_status_rules


@dataclass
class ImportResult:
    """One converted document."""

    source: str  # the input path as given
    text: str  # the converted document: '---\n' + YAML front matter + '---\n\n' + body
    meta: dict[str, Any]  # the front matter as a dict (what was written)
    unmapped: list[str] = field(default_factory=list)  # notes: what could not be mapped and was kept in the body
    missing: list[str] = field(default_factory=list)  # fields the author must still fill (dotted field paths)


def normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def render(meta: dict[str, Any], body: str) -> str:
    """The document: front matter written by python-frontmatter (in the order given), a blank line, the body as it is."""
    post = frontmatter.Post("")
    post.metadata.update(meta)
    return frontmatter.dumps(post, sort_keys=False, width=100) + "\n\n" + body


def convert_text(text: str, source: str, today: dt.date, id_hint: str | None, vocabulary: Vocabulary) -> ImportResult:
    raw = normalise(text)
    required = list(vocabulary.required)
    if not raw.strip():
        return ImportResult(source, render({}, ""), {}, ["the file is empty"], required)
    existing = load_text(raw, source)
    if existing.meta is not None:
        note = "the file already has front matter: it was not converted"
        return ImportResult(source, raw, existing.meta, [note], [k for k in required if k not in existing.meta])
    ctx = Context(Structure(raw), vocabulary, source, today, id_hint)
    read_header(ctx)
    summary = read_summary(ctx)
    title_from_heading = read_title(ctx, summary)
    if summary:
        ctx.meta["summary"] = summary
    read_people(ctx)
    timing = read_timing(ctx)
    impact = read_impact(ctx, timing)
    read_root_cause(ctx)
    actions, action_blocks = read_actions(ctx)
    review = read_review(ctx)
    status_from = read_status(ctx)
    follow_up = read_follow_up(ctx)
    for key, value in (("timing", timing), ("impact", impact), ("actions", actions), ("review", review)):
        if value:
            ctx.meta[key] = value
    if follow_up:
        ctx.meta["follow_up"] = follow_up
    drop_duplicates(ctx, title_from_heading, status_from, action_blocks)
    meta = scrub(ordered(ctx.meta, vocabulary.order))
    missing = [key for key in required if key not in meta] + unmet_status_rules(vocabulary, meta)
    for i, action in enumerate(actions):
        if action["status"] not in vocabulary.closed_statuses:  # an open action needs an owner and a due date
            missing += [f"actions[{i}].{key}" for key in ("owner", "due") if key not in action]
    return ImportResult(source, render(meta, body_text(ctx)), meta, ctx.notes, missing)
