"""What stays in the body: the narrative, without what the page would otherwise show twice.

The plugin renders the title, the id, date, severity and status, the summary,
the duration and the corrective actions from the front matter.  So the body
loses, once the front matter holds them: the document's own level-1 headline
(or a generic "Incident Post-Mortem" one), the executive summary paragraph
with the template's ``[2-3 sentence summary ...]`` placeholder next to it,
the header lines whose whole value went into the front matter, the
template's blank header lines (``**Incident ID:** ____``, unticked severity
boxes), the status checkboxes the status was read from, and the action
tables and checklists that went into `actions` whole (with the template's
headings left empty by that, and a horizontal rule left doubled).
Everything else stays as written: no prose is dropped.
"""

from __future__ import annotations

import re

from .context import Context
from .fields import DATE_LABELS, DURATION_LABELS, ID_LABELS, SEVERITY_LABELS
from .markdown import Field, List, Paragraph, boxes, only_boxes
from .review import is_status_label
from .values import says_nothing

# The template's action, status and summary headings ("Corrective Actions", "Short-Term Actions (1-2 weeks)",
# "Status", "Executive Summary"): only these go with what they held; a heading in the team's own words stays.
_ACTION_HEADING = re.compile(
    r"(?:corrective\s+)?(?:(?:immediate|short|medium|long)(?:[-\s]*term)?\s+)?actions?(?:\s+items?)?"
    r"(?:\s*\((?:completed|done|\d(?:\s*[-–]\s*\d)?\s+(?:days?|weeks?|months?))\))?"
    r"|(?:document\s+|post[-\s]?mortem\s+)?status"
    r"|(?:executive\s+)?summary",
    re.IGNORECASE,
)


HEADER_LABELS = ID_LABELS | DATE_LABELS | SEVERITY_LABELS | DURATION_LABELS


#: The classic template's own placeholder for the summary (a placeholder the team wrote is their text: it stays).
_SUMMARY_PLACEHOLDER = re.compile(
    r"\[\d+\s*[-–]\s*\d+ sentence summary of what happened, the impact,? and the resolution\]", re.I
)


def drop_duplicates(
    ctx: Context, title_from_heading: bool, status_from: tuple[Field, List | None] | None, actions: list[tuple[int, int]]
) -> None:
    """Mark the lines the front matter now says, and the page shows, for removal from the body."""
    heading = ctx.doc.first_heading(1)
    if heading is not None and title_from_heading:
        ctx.remove_lines(heading.index, heading.end)
    _header_lines(ctx)
    blocks = list(actions)
    if ctx.summary_from is not None:  # the page's summary card says it
        blocks.append((ctx.summary_from.start, ctx.summary_from.end))
        blocks += _placeholders(ctx, ctx.summary_from)
    if status_from is not None:
        f, below = status_from
        labels = [item.text for item in below.items] if below is not None else [label for _, label in boxes(f.value)]
        labels = labels if below is not None or only_boxes(f.value) else []
        if labels and all(is_status_label(ctx, label) for label in labels):  # boxes that only name statuses
            ctx.remove(f)
            if f.index in ctx.removed:
                blocks.append((f.index, below.end if below is not None else f.index + 1))
    emptied: set[int] = set()
    for start, end in blocks:
        ctx.remove_lines(start, end)
        emptied.update(range(start, end))
    _emptied_headings(ctx, emptied)


def _placeholders(ctx: Context, summary: Paragraph) -> list[tuple[int, int]]:
    """The template's ``[2-3 sentence summary ...]`` next to the summary that replaced it."""
    section = ctx.doc.lines[summary.start].section
    return [
        (p.start, p.end)
        for p in ctx.doc.paragraphs
        if ctx.doc.lines[p.start].section == section
        and not ctx.doc.lines[p.start].sub
        and all(_SUMMARY_PLACEHOLDER.fullmatch(line.strip()) for line in p.lines)
    ]


def _header_lines(ctx: Context) -> None:
    """The template's header fields (before the first section) left blank: ``**Incident ID:** ____``."""
    levels = {level.lower() for level in ctx.vocabulary.severities}
    for f in ctx.doc.fields:
        line = ctx.doc.lines[f.index]
        if line.section or line.code or f.key not in HEADER_LABELS:
            continue
        choices = boxes(f.value)
        if choices:  # unticked severity boxes, as the template has them
            blank = f.key in SEVERITY_LABELS and only_boxes(f.value)
            blank = blank and not any(on or label.lower() not in levels for on, label in choices)
        else:
            blank = says_nothing(f.value)  # "TBD" or "unknown" is the author's word: it stays
        if blank:
            ctx.remove(f)


def _emptied_headings(ctx: Context, emptied: set[int]) -> None:
    """Action, status and summary headings whose whole section was taken out, deepest first."""
    lines = ctx.doc.lines
    headings = ctx.doc.headings
    for n in range(len(headings) - 1, -1, -1):
        h = headings[n]
        if not _ACTION_HEADING.fullmatch(h.text) or h.level == 1:
            continue
        following = next((g.index for g in headings[n + 1 :] if g.level <= h.level), len(lines))
        section = range(h.end, following)
        gone = [i for i in section if i in ctx.removed]
        rest = [i for i in section if i not in ctx.removed and lines[i].text.strip() and i not in ctx.doc.hrs]
        if not rest and any(i in emptied for i in gone):
            ctx.remove_lines(h.index, h.end)
            emptied.update(range(h.index, h.end))


def body_text(ctx: Context) -> str:
    """The lines left, without doubled blank lines or rules where lines were taken out."""
    gone = set(ctx.removed)
    kept: list[tuple[int, str]] = []
    for i, line in enumerate(ctx.doc.lines):
        if i in gone:
            continue
        if not line.text.strip() and kept and not kept[-1][1].strip() and (i - 1) in gone:
            continue  # no double blank line where a line was taken out
        if i in ctx.doc.hrs and ctx.removed:
            previous = next((j for j, text in reversed(kept) if text.strip()), None)
            if previous is None or previous in ctx.doc.hrs:
                gone.add(i)  # a rule at the top, or right after another: what stood between them is gone
                continue
        kept.append((i, line.text))
    while kept and (not kept[-1][1].strip() or (kept[-1][0] in ctx.doc.hrs and ctx.removed)):
        kept.pop()  # a rule closing a section that was taken out
    body = "\n".join(text for _, text in kept).strip("\n")
    return body + "\n" if body else ""
