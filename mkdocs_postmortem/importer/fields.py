"""The header and the incident details: id, date, severity, title, summary, people, detection, root cause.

Header lines (``**Incident ID:**``, ``**Date:**``, ``**Severity:**``) are
read outside the later sections (so the sign-off's ``**Date:**`` is not the
incident date).  An id is taken when it matches the site's id pattern, a
severity when it is one of the site's severities (``SEV1`` on a SEV1..SEV4
site), whether written as text or as ticked boxes.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from .context import Context, outside_review
from .markdown import Field, Line, boxes, only_boxes
from .values import PLACEHOLDER, find_date, given, split_list, unwrap

_NOT_HEADER = re.compile(
    r"review|approv|sign|follow|communication|supporting|attachment|distribution"
    r"|additional|lesson|went|prevention|action|root cause|impact"
)
_SUMMARY = re.compile(r"summary|overview|tl;?dr")
GENERIC_TITLE = re.compile(
    r"(?:incident\s+)?(?:post[-\s]?mortem|post[-\s]incident\s+review|incident\s+report)(?:\s+(?:report|template))?"
    r"(?:\s*(?::|\s-|–|—|\|)\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
#: Words that point at a detection source, for each source the schema knows.
_DETECTION = {
    "monitoring": r"monitor|alert|automat|pager",
    "user-report": r"user|customer|client",
    "internal": r"internal|staff|employee|engineer|team",
}


#: The header's labels (normalised), as the classic template and its variants write them.
ID_LABELS = frozenset({"incident id", "incident number", "incident no", "incident #", "id"})
DATE_LABELS = frozenset({"date", "incident date", "date of incident"})
SEVERITY_LABELS = frozenset({"severity", "severity level", "sev"})
DURATION_LABELS = frozenset({"duration", "incident duration"})


def _header(line: Line) -> bool:
    return not _NOT_HEADER.search(line.where)


def read_header(ctx: Context) -> None:
    """`id`, `date` and `severity`; a header line whose whole value went into the front matter leaves the body."""
    f = ctx.first(ID_LABELS, _header)
    pattern = ctx.vocabulary.id_pattern
    if f is not None:
        value = given(f.value, ()).strip("`")
        if value and pattern.match(value):
            ctx.meta["id"] = value
            ctx.remove(f)
        elif value:
            ctx.note(f"Incident ID: {value!r} does not match the id pattern {pattern.pattern}; kept in the body")
    if "id" not in ctx.meta and ctx.id_hint:
        ctx.meta["id"] = ctx.id_hint
    f = ctx.first(DATE_LABELS, _header)
    if f is not None:
        value = given(f.value, ())
        found = find_date(value) if value else None
        if found is not None:
            ctx.date = found[0]
            ctx.meta["date"] = ctx.date.isoformat()
            if found[1] == 0 and found[2] == len(value):
                ctx.remove(f)
        elif value:
            ctx.note(f"Date: {value!r} is not a date; kept in the body")
    f = ctx.first(SEVERITY_LABELS, _header)
    if f is not None:
        _severity(ctx, f)


def _severity(ctx: Context, f: Field) -> None:
    levels = ctx.vocabulary.severities
    known = {level.lower(): level for level in levels}
    words = re.compile(r"(?<![\w-])(" + "|".join(re.escape(level) for level in levels) + r")(?![\w-])", re.IGNORECASE)
    choices = ctx.doc.choices(f)
    if choices:
        ticked = [label for on, label in choices if on]
        named = [known[m.group(1).lower()] for m in (words.match(t) for t in ticked) if m]
        if len(ticked) == 1 and len(named) == 1:
            ctx.meta["severity"] = named[0]
            if only_boxes(f.value) and all(label.lower() in known for _, label in boxes(f.value)):
                ctx.remove(f)
        elif not ticked:
            ctx.note("Severity: no box ticked")
        else:
            ctx.note(f"Severity: several boxes ticked ({', '.join(ticked)}); set it by hand")
        return
    value = given(f.value)
    named = sorted({known[m.lower()] for m in words.findall(value)}, key=levels.index)
    if len(named) == 1:
        ctx.meta["severity"] = named[0]
        if value.lower() in known:
            ctx.remove(f)
    elif value:
        ctx.note(f"Severity: {value!r} is not one of {', '.join(levels)}; kept in the body")


def read_summary(ctx: Context) -> str:
    """The executive summary's first real paragraph (not a [placeholder], not the template's example)."""
    skip_next = False
    for paragraph in ctx.doc.paragraphs:
        line = ctx.doc.lines[paragraph.start]
        if not _SUMMARY.search(line.section) or "communication" in line.section or line.sub:
            continue
        block = [t.strip() for t in paragraph.lines if t.strip()]
        if not block:
            continue
        first = unwrap(block[0])
        if re.match(r"example\s*:", first, re.IGNORECASE):
            skip_next = len(block) == 1 and not first.split(":", 1)[1].strip()
            continue
        if skip_next:
            skip_next = False
            continue
        text = given(" ".join(t for t in block if not PLACEHOLDER.fullmatch(t)), ())
        if text:
            if not any(PLACEHOLDER.fullmatch(t) for t in block):
                ctx.summary_from = paragraph
            return text
    return ""


def read_title(ctx: Context, summary: str) -> bool:
    """The title; True when the document's own level-1 heading gave it or says nothing more ("Incident Post-Mortem")."""
    heading = ctx.doc.first_heading(1)
    generic_heading = False
    if heading is not None:
        text = given(heading.text, ())
        generic = GENERIC_TITLE.fullmatch(text)
        if generic is None and text:
            ctx.meta["title"] = text
            return True
        rest = given(generic["rest"] or "", ()) if generic else ""
        if rest:
            ctx.meta["title"] = rest
            return True
        generic_heading = generic is not None
    f = ctx.first({"title", "incident title", "incident name"})
    if f is not None and given(f.value):
        ctx.meta["title"] = given(f.value)
        return generic_heading
    if summary:
        sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", summary, maxsplit=1)[0].rstrip(".")
        if len(sentence) > 120:
            sentence = sentence[:117].rsplit(" ", 1)[0] + "..."
        ctx.meta["title"] = sentence
        ctx.note("Title: the heading is generic; taken from the executive summary's first sentence")
        return generic_heading
    stem = PurePath(ctx.source.replace("\\", "/")).stem if ctx.source else ""
    stem = re.sub(r"\s+", " ", re.sub(r"(?<!\d)[-_]+|[-_]+(?!\d)", " ", stem)).strip()
    if stem:
        ctx.meta["title"] = stem
        ctx.note(f"Title: no specific heading or summary; taken from the file name ({stem!r})")
    return generic_heading


def read_people(ctx: Context) -> None:
    """Commander, participants, services and how the incident was detected."""
    f = ctx.first({"incident commander", "commander", "ic"}, outside_review)
    if f is not None and given(f.value):
        ctx.meta["commander"] = given(f.value)
    f = ctx.first({"participants", "responders", "people involved", "team members"}, outside_review)
    if f is not None and split_list(given(f.value)):
        ctx.meta["participants"] = split_list(given(f.value))
    f = ctx.first({"affected services", "services affected", "services", "affected service", "service"}, outside_review)
    if f is not None and (services := ctx.identifiers(given(f.value), "Services")):
        ctx.meta["services"] = services
    detection: dict[str, str] = {}
    f = ctx.first({"detected by", "detection source", "detection"}, outside_review)
    if f is not None:
        choices = ctx.doc.choices(f)
        ticked = [label for on, label in choices if on] if choices else ([given(f.value)] if given(f.value) else [])
        sources = [s for s in (_detection_source(ctx, t) for t in ticked) if s]
        if sources:
            detection["source"] = sources[0]
        if len(ticked) > 1 or (ticked and not sources):
            ctx.note(f"Detected By: {', '.join(ticked)!s} could not be mapped to one source; kept in the body")
    f = ctx.first({"detection method", "how detected", "detection mechanism"}, outside_review)
    if f is not None and given(f.value):
        detection["method"] = given(f.value)
    if detection:
        ctx.meta["detection"] = detection


def _detection_source(ctx: Context, label: str) -> str | None:
    known = ctx.vocabulary.detection_sources
    return next((s for s, words in _DETECTION.items() if s in known and re.search(words, label, re.IGNORECASE)), None)


def read_root_cause(ctx: Context) -> None:
    cause: dict[str, object] = {}
    f = ctx.first({"primary cause", "root cause", "primary root cause"}, outside_review)
    if f is not None:
        items = [given(f.value)] if given(f.value) else ctx.doc.list_after(f.index)
        if items:
            cause["primary"] = "; ".join(items)
    f = ctx.first({"trigger", "triggering event"}, outside_review)
    if f is not None and given(f.value):
        cause["trigger"] = given(f.value)
    f = ctx.first({"contributing factors", "contributing causes", "contributing factor"}, outside_review)
    if f is not None:
        items = ctx.doc.list_after(f.index) or split_list(given(f.value))
        if items:
            cause["contributing"] = items
    if cause:
        ctx.meta["root_cause"] = cause
