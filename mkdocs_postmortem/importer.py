"""Import post-mortems written in the classic Markdown template into the format of FORMAT.md.

`import_classic(text, source)` reads one document written in the classic
template (no front matter; ``**Incident ID:**`` lines, ``[x]`` checkboxes,
Markdown tables) and returns an `ImportResult`: YAML front matter built from
what the text states, followed by the original Markdown as the body.  It
never raises for odd input: whatever it cannot map is said in
`ImportResult.unmapped`, and the required fields it could not fill are named
in `ImportResult.missing`.

Decisions
---------

Nothing is dropped.  The body is the original text (line endings normalised
to ``\\n``).  The only lines removed are the header lines ``**Incident ID:**``,
``**Date:**`` and ``**Severity:**`` when their whole value went into `id`,
`date` and `severity` (a written-out date counts: ``October 28, 2021`` is
``2021-10-28``).  Everything else stays, even what was also mapped (timeline,
corrective actions tables, sign-off, status): "when in doubt keep it".

Blanks.  ``___`` (three or more underscores), ``TBD``, ``TBC``, ``N/A``,
``-``, ``?``, ``unknown``, ``[...]`` and any value that is a single
``[bracketed placeholder]`` mean "not given", as do the template's hints
(``(or "All users")``, ``(estimated)``, ``Yes/No``...).  A field not given is
left out silently; a field given but not understood is left out and noted.

Required fields (`id`, `title`, `date`, `severity`, `status`) that the text
does not state are left out of the front matter (the YAML stays loadable
without them) and named in `missing`; no placeholder value is written.  `id`
comes from ``**Incident ID:**`` when it matches the default id pattern, else
from `id_hint`.  `status` is never missing: with no box ticked it is `draft`
(noted).  An action whose due date is unknown while the incident date is
unknown too has no `due`, and ``actions[N].due`` is in `missing`.  So the
converted document's only validation problems are the fields in `missing`.

Title: the first ``# `` heading; if it is the generic "Incident Post-Mortem",
the text after "Incident Post-Mortem:" (or " - "), else a ``**Title:**``
line, else the executive summary's first sentence, else the file name.

Summary: the first paragraph of the Executive Summary that is not a
``[placeholder]``.  The template's example is not this incident's summary: a
paragraph that starts with ``Example:`` (and the paragraph right after a bare
``Example:`` line) is skipped; it stays in the body.  Italics wrapping a real
summary are removed.

Checkboxes: ``[x]``, ``[X]``, ``[✓]``, ``[✔]``, ``[✅]`` are ticked.  Several
severities ticked -> severity not set (missing, noted).  Several statuses
ticked -> the furthest along (draft < in-review < approved < actions-tracked
< lessons-shared).  Several impact types or reputations ticked -> the first,
noted.

Dates: ``2021-10-28``, ``2021/10/28``, ``October 28, 2021``, ``Oct 28 2021``,
``28 Oct 2021``, ``28th of October, 2021``, and ``10/28/2021`` or
``28/10/2021`` when the order is unambiguous (one part above 12).  A date
without a year takes the incident's year (the next year if that would put it
before the incident), or the year of `today` when the incident date is
unknown.  ``03/04/2021`` is ambiguous and not read.

Timing: derived only when the timeline's times have a date (the incident
date, or a date in the cell) and a zone (a "UTC"/"GMT" column header or cell,
or ``UTC+02:00``).  `detected` is the first row about an alert, detection or
report (else the first row), `acknowledged` the first row saying
acknowledged, `root_caused` the first row saying the root cause was
identified/found, `resolved` the last row saying resolved.  A time earlier
than the row before it is on the next day.  Moments out of order are dropped
(noted).  `impact.duration_minutes` comes from "Duration of Impact", or,
when timing gives no duration, from the header ``**Duration:**`` or the
timeline's ``**Total Duration:**``.

Corrective actions: every table whose header has an action column (Action,
Action Item, Task, Item, Title, Description) and an owner, due or status
column; columns are matched by name, case-insensitively, in any order
(Owner/Assignee/Responsible, Due/Due Date/Deadline/Target Date, Priority,
Status/State, Ticket/Issue/Jira/Link, Type).  Checkbox items in a corrective
actions section are actions too (ticked -> done, else not-started).  The
term is read from the heading above (Immediate/Short/Medium/Long).  Status
words: Not Started/To Do/Open/Planned -> not-started, In Progress/Ongoing ->
in-progress, Completed/Done/Closed -> done, Cancelled/Won't Do -> cancelled;
blank -> done under a "(Completed)" heading, else not-started (noted).
Priorities other than P0..P4 (High, Low...) are not mapped (noted): teams
map words to levels differently.  Owner unknown -> the incident commander,
else "unassigned"; due unknown -> the incident date; both noted.

Status: the first ``**Status:**`` field (inline boxes, a checkbox list below
it, or a word) that names a post-mortem status; an incident's "Status:
Resolved" is passed over.  Review: ``Date``/``Attendees`` under a review
heading; sign-off: each ``**Role:** Name`` under a sign-off heading, with
the ``**Date:**`` line after it; a role without a name is not an entry.

Other: sections are told apart by their headings, so the sign-off's
``**Date:**`` is not the incident date; nothing inside fenced code is read.
Front matter strings are kept free of control characters (YAML cannot carry
them all); the body keeps them.  A file that already has front matter is
returned unchanged (noted).  Not mapped, and kept only in the body: Time to
Detection/Acknowledgment..., Action Item Review totals, Distribution,
Communication, Supporting Data, Attachments, lessons and prevention lists,
references to other incidents, `tags`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from .schema import bundled_schema, is_identifier

__all__ = ["ID_PATTERN", "REQUIRED", "UNASSIGNED", "ImportResult", "import_classic", "parse_date", "parse_minutes"]

#: The default id pattern of the bundled schema.
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
REQUIRED = ("id", "title", "date", "severity", "status")
#: Owner written for an action whose owner is unknown when there is no incident commander either.
UNASSIGNED = "unassigned"

TIMING_ORDER = ("started", "detected", "acknowledged", "root_caused", "mitigated", "resolved")
_TOP_ORDER = (
    "id",
    "title",
    "date",
    "severity",
    "status",
    "summary",
    "commander",
    "participants",
    "services",
    "tags",
    "detection",
    "timing",
    "impact",
    "root_cause",
    "references",
    "actions",
    "review",
    "follow_up",
)
_IMPACT_ORDER = (
    "type",
    "users_affected",
    "regions",
    "duration_minutes",
    "requests_failed",
    "peak_error_rate",
    "revenue_usd",
    "sla_breach",
    "customer_tickets",
    "reputation",
    "data_loss",
    "data_loss_details",
    "other_services",
)
_ACTION_ORDER = ("title", "owner", "due", "priority", "status", "term", "type", "ticket")


@dataclass
class ImportResult:
    """One converted document."""

    source: str  # the input path as given
    text: str  # the converted document: '---\n' + YAML front matter + '---\n\n' + body
    meta: dict[str, Any]  # the front matter as a dict (what was written)
    unmapped: list[str] = field(default_factory=list)  # notes: what could not be mapped and was kept in the body
    missing: list[str] = field(default_factory=list)  # fields the author must still fill (dotted field paths)


def import_classic(text: str, source: str, *, today: dt.date | None = None, id_hint: str | None = None) -> ImportResult:
    """Convert one post-mortem written in the classic template; never raises for odd input."""
    try:
        return _Importer(text, source, today or dt.date.today(), id_hint).run()
    except Exception as exc:  # a safety net: keep the whole text rather than fail an import of many files
        body = _normalise(text) if isinstance(text, str) else ""
        return ImportResult(
            source,
            _render({}, body),
            {},
            [f"could not be converted ({type(exc).__name__}: {exc}); the whole text was kept as the body"],
            list(REQUIRED),
        )


# --- small parsers ------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE_FORMS = (
    re.compile(r"(?<![\d/.-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/])"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}){_ORD}(?:\s*,\s*|\s+)(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])"),
)
_YEARLESS_FORMS = (
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}){_ORD}(?![\d:])", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}(?![a-z])", re.IGNORECASE),
)


def _find_date(text: str, default_year: int | None = None, after: dt.date | None = None) -> tuple[dt.date, int, int] | None:
    """The first date in `text` and where it is, or None."""
    found: list[tuple[int, int, dt.date]] = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            groups = m.groupdict()
            try:
                if groups.get("a") is not None:
                    a, b = int(groups["a"]), int(groups["b"])
                    if a > 12 >= b:
                        day, month = a, b
                    elif b > 12 >= a:
                        day, month = b, a
                    else:
                        continue  # 03/04/2021: day and month cannot be told apart
                else:
                    day = int(groups["d"])
                    month = _MONTHS[groups["mon"][:3].lower()] if groups.get("mon") else int(groups["m"])
                found.append((m.start(), m.end(), dt.date(int(groups["y"]), month, day)))
            except ValueError:
                continue
            break
    if not found and default_year is not None:
        for form in _YEARLESS_FORMS:
            for m in form.finditer(text):
                try:
                    when = dt.date(default_year, _MONTHS[m["mon"][:3].lower()], int(m["d"]))
                    if after is not None and when < after:
                        when = when.replace(year=when.year + 1)
                except ValueError:
                    continue
                found.append((m.start(), m.end(), when))
                break
    if not found:
        return None
    start, end, when = min(found, key=lambda f: f[0])
    return when, start, end


def parse_date(text: str, *, default_year: int | None = None, after: dt.date | None = None) -> dt.date | None:
    """The first date written in `text` ("2021-10-28", "October 28, 2021", "28 Oct 2021", "2021/10/28"...).

    A date without a year ("Oct 28") is read only when `default_year` is given;
    it moves to the next year when it would fall before `after`.
    """
    found = _find_date(text, default_year, after)
    return found[0] if found else None


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?)(?![a-z])", re.IGNORECASE)


def parse_minutes(text: str) -> int | None:
    """Minutes in "60 minutes", "1h 30m", "2 hours 15 minutes", "1.5 hours", "90 min" or a bare "45"."""
    total = 0.0
    found = False
    for m in _DURATION_PART.finditer(text):
        unit = m.group(2)[0].lower()
        total += float(m.group(1)) * {"d": 1440, "h": 60, "m": 1}[unit]
        found = True
    if not found:
        bare = re.fullmatch(r"~?\s*(\d+(?:\.\d+)?)", text.strip())
        if bare is None:
            return None
        total = float(bare.group(1))
    return round(total)


_NUMBER = re.compile(r"(?P<bound>[<>≤≥]\s*)?\$?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<suffix>[kKmM](?![a-zA-Z]))?")


def _number(text: str) -> float | None:
    """The first number in `text` ("~30,000", "$12.5k", "1.2M"); None when there is none or it is a bound ("> 1000")."""
    m = _NUMBER.search(text)
    if m is None or m["bound"]:
        return None
    value = float(m["n"].replace(",", "") + (m["frac"] or ""))
    if m["suffix"]:
        value *= 1000 if m["suffix"].lower() == "k" else 1_000_000
    return value


def _as_int(value: float | None) -> int | None:
    return int(value) if value is not None and value == int(value) and value >= 0 else None


def _as_number(value: float) -> int | float:
    return int(value) if value == int(value) else value


# --- blanks and Markdown --------------------------------------------------------

_BLANK_RUN = re.compile(r"_{3,}")
_NOT_GIVEN = {"", "tbd", "tbc", "tba", "n/a", "na", "-", "--", "—", "–", "?", "??", "unknown", "todo", "xxx", "[...]", "...", "…"}
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_TRAILING = re.compile(r"(?:\s*(?:\\|<br\s*/?>))+\s*$", re.IGNORECASE)
_HINTS = ('(or "All users")', "(or “All users”)", "(estimated)", "(from detection to resolution)")


def _unwrap(text: str) -> str:
    """`**x**`, `__x__`, `*x*`, `_x_`, `` `x` `` -> x (once each, outermost)."""
    t = text.strip()
    for mark in ("**", "__", "*", "_", "`"):
        if len(t) > 2 * len(mark) and t.startswith(mark) and t.endswith(mark):
            inner = t[len(mark) : -len(mark)]
            if mark not in inner:
                t = inner.strip()
    return t


def _given(value: str, hints: Iterable[str] = _HINTS) -> str:
    """The value as written, or '' when it is a blank or a placeholder."""
    v = _TRAILING.sub("", value).strip()
    for hint in hints:
        v = v.replace(hint, "")
    v = re.sub(r"\s{2,}", " ", _BLANK_RUN.sub(" ", v)).strip()
    v = _unwrap(v)
    if v.lower().rstrip(".") in _NOT_GIVEN or v.lower() in _NOT_GIVEN or _PLACEHOLDER.fullmatch(v):
        return ""
    if not re.search(r"\w", v):
        return ""
    return v


def _split_list(value: str) -> list[str]:
    """Split "a, b and c" into [a, b, c]."""
    parts = re.split(r"\s*[,;]\s*|\s+and\s+|\s+&\s+", value)
    return [p for p in (_given(p) for p in parts) if p]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_FIELD = re.compile(r"^\s{0,3}(?:[-*+]\s+|\d+[.)]\s+)?\*\*(?P<label>[^*:\n]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)(?P<value>.*)$")
_CHECKED = "xX✓✔✅☑"
_BOX = re.compile(rf"\[(?P<mark>[ {_CHECKED}]?)\ufe0f?\](?P<label>[^\[\]]*)")
_CHECK_ITEM = re.compile(rf"^\s*[-*+]\s+\[(?P<mark>[ {_CHECKED}]?)\ufe0f?\]\s+(?P<label>.*?)\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+(?P<text>.*)$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")


def _boxes(value: str) -> list[tuple[bool, str]]:
    """`[ ] P0 [x] P1` -> [(False, 'P0'), (True, 'P1')]."""
    out = []
    for m in _BOX.finditer(value):
        label = m["label"].strip().strip("|/,;").strip()
        out.append((bool(m["mark"].strip()), label))
    return out


def _cells(line: str) -> list[str]:
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]


def _norm(label: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w#%$]+", " ", label.lower())).strip()


def _normalise(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff]")


def _scrub(value: Any) -> Any:
    """Front matter values without control characters, lone surrogates and odd line breaks (YAML cannot keep them all)."""
    if isinstance(value, str):
        return " ".join(_UNSAFE.sub(" ", value).split())
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def _render(meta: dict[str, Any], body: str) -> str:
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return "---\n" + front + "---\n\n" + body


def _ordered(values: dict[str, Any], order: Iterable[str]) -> dict[str, Any]:
    return {key: values[key] for key in order if key in values}


# --- the document -----------------------------------------------------------------


@dataclass
class _Line:
    text: str
    section: str  # lower-case title of the enclosing level-1/2 section ('' before the first)
    sub: str  # lower-case title of the enclosing level-3+ heading within it
    code: bool  # inside a fenced code block
    heading: int  # heading level, 0 when the line is not a heading

    @property
    def where(self) -> str:
        return f"{self.section} / {self.sub}"


@dataclass
class _Field:
    index: int
    label: str  # as written
    key: str  # normalised
    value: str


@dataclass
class _Table:
    start: int  # line of the header
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _index(raw: list[str]) -> list[_Line]:
    out: list[_Line] = []
    section = sub = ""
    fence: str | None = None
    title_seen = False
    for text in raw:
        m = _FENCE.match(text)
        if fence is not None:
            out.append(_Line(text, section, sub, True, 0))
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not text.strip()[len(m.group(1)) :].strip():
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append(_Line(text, section, sub, True, 0))
            continue
        h = _HEADING.match(text)
        level = 0
        if h:
            level = len(h.group(1))
            name = h.group(2).strip().lower()
            if level == 1 and not title_seen:
                title_seen = True
            elif level <= 2:
                section, sub = name, ""
            else:
                sub = name
        out.append(_Line(text, section, sub, False, level))
    return out


_REVIEW = re.compile(r"review|approv|sign")
_NOT_HEADER = re.compile(
    r"review|approv|sign|follow|communication|supporting|attachment|distribution"
    r"|additional|lesson|went|prevention|action|root cause|impact"
)
_SUMMARY = re.compile(r"summary|overview|tl;?dr")
_GENERIC_TITLE = re.compile(
    r"(?:incident\s+)?(?:post[-\s]?mortem|post[-\s]incident\s+review|incident\s+report)(?:\s+(?:report|template))?"
    r"(?:\s*(?::|\s-|–|—|\|)\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
_STATUSES = (
    ("lessons-shared", re.compile(r"lessons?\b.*\bshared|\bshared\b", re.IGNORECASE)),
    ("actions-tracked", re.compile(r"tracked", re.IGNORECASE)),
    ("approved", re.compile(r"approved", re.IGNORECASE)),
    ("in-review", re.compile(r"review", re.IGNORECASE)),
    ("draft", re.compile(r"draft", re.IGNORECASE)),
)
_STATUS_RANK = ("draft", "in-review", "approved", "actions-tracked", "lessons-shared")
_ACTION_STATUSES = (
    ("cancelled", re.compile(r"cancel+ed|won'?t\s*(?:do|fix)|wontfix|dropped|abandoned|obsolete", re.IGNORECASE)),
    ("not-started", re.compile(r"not\s*started|to\s*-?\s*do|\bopen\b|planned|pending|backlog|\bnew\b|not\s*done", re.IGNORECASE)),
    ("in-progress", re.compile(r"in\s*-?\s*progress|ongoing|\bwip\b|started|underway|in\s*review", re.IGNORECASE)),
    ("done", re.compile(r"complete|\bdone\b|closed|finished|fixed|resolved|shipped|merged|✅|✓|✔", re.IGNORECASE)),
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
_ROOT_CAUSED = re.compile(
    r"root\s+cause\s+(?:was\s+)?(?:identified|found|determined|confirmed)|identified\s+(?:the\s+)?root\s+cause", re.IGNORECASE
)
_ACTION_TYPES = ("investigate", "mitigate", "repair", "detect", "prevent", "process")


class _Importer:
    def __init__(self, text: str, source: str, today: dt.date, id_hint: str | None) -> None:
        self.raw = _normalise(text)
        self.source = source
        self.today = today
        self.id_hint = id_hint
        self.lines = _index(self.raw.split("\n"))
        self.notes: list[str] = []
        self.removed: set[int] = set()
        self.meta: dict[str, Any] = {}
        self.impact: dict[str, Any] = {}
        self.date: dt.date | None = None
        self.fields = self._fields()
        self.tables = self._tables()

    # -- scanning --

    def _fields(self) -> list[_Field]:
        out = []
        for i, line in enumerate(self.lines):
            if line.code or line.heading:
                continue
            m = _FIELD.match(line.text)
            if m:
                out.append(_Field(i, m["label"].strip(), _norm(m["label"]), m["value"]))
        return out

    def _tables(self) -> list[_Table]:
        out = []
        i = 0
        n = len(self.lines)
        while i < n - 1:
            line, nxt = self.lines[i], self.lines[i + 1]
            if (
                not line.code
                and not nxt.code
                and "|" in line.text
                and "|" in nxt.text
                and "-" in nxt.text
                and _SEPARATOR.match(nxt.text)
            ):
                rows = []
                j = i + 2
                while j < n and not self.lines[j].code and "|" in self.lines[j].text and self.lines[j].text.strip():
                    rows.append((j, _cells(self.lines[j].text)))
                    j += 1
                out.append(_Table(i, _cells(line.text), rows))
                i = j
                continue
            i += 1
        return out

    def _first(self, keys: Iterable[str], where: Callable[[_Line], bool] = lambda line: True) -> _Field | None:
        wanted = set(keys)
        for f in self.fields:
            if f.key in wanted and where(self.lines[f.index]):
                return f
        return None

    def _choices(self, f: _Field) -> list[tuple[bool, str]]:
        """Checkboxes on the field's line, or in a checkbox list right below a field without a value."""
        inline = _boxes(f.value)
        if inline or _given(f.value):
            return inline
        out: list[tuple[bool, str]] = []
        j = f.index + 1
        if j < len(self.lines) and not self.lines[j].text.strip():
            j += 1
        while j < len(self.lines):
            m = _CHECK_ITEM.match(self.lines[j].text)
            if m is None or self.lines[j].code:
                break
            out.append((bool(m["mark"].strip()), m["label"]))
            j += 1
        return out

    def _list_after(self, index: int) -> list[str]:
        """The items of the list right below line `index` (one blank line allowed before it)."""
        items: list[str] = []
        n = len(self.lines)
        j = index + 1
        if j < n and not self.lines[j].text.strip():
            j += 1
        base: int | None = None
        while j < n:
            line = self.lines[j]
            if line.code or line.heading:
                break
            if not line.text.strip():
                nxt = _ITEM.match(self.lines[j + 1].text) if j + 1 < n else None
                if base is not None and nxt is not None and len(nxt["indent"]) <= base:
                    j += 1
                    continue
                break
            m = _ITEM.match(line.text)
            if m and (base is None or len(m["indent"]) <= base):
                base = len(m["indent"]) if base is None else base
                items.append(m["text"].strip())
            elif items and line.text[:1] in (" ", "\t"):
                items[-1] += " " + (m["text"] if m else line.text).strip()
            else:
                break
            j += 1
        return [g for g in (_given(i) for i in items) if g]

    def _remove(self, f: _Field) -> None:
        """Take a header line out of the body (its value is in the front matter), only when its label is plain."""
        if f.label.lower().split() == f.key.split():
            self.removed.add(f.index)

    def _identifiers(self, value: str, name: str) -> list[str]:
        """A list of service names, or none when one of them is no identifier (the line stays in the body)."""
        items = _split_list(value)
        bad = [item for item in items if not is_identifier(item)]
        if bad:
            rule = bundled_schema()["$defs"]["identifier"]["errorMessage"]
            self.note(f"{name}: {bad[0]!r} {rule}; kept in the body")
            return []
        return items

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # -- the steps --

    def run(self) -> ImportResult:
        if not self.raw.strip():
            return ImportResult(self.source, _render({}, ""), {}, ["the file is empty"], list(REQUIRED))
        existing = self._existing_front_matter()
        if existing is not None:
            return existing
        self._header()
        summary = self._summary()
        self._title(summary)
        if summary:
            self.meta["summary"] = summary
        self._people()
        timing = self._timing()
        self._impact(timing)
        self._root_cause()
        actions = self._actions()
        review = self._review()
        self._status()
        follow_up = self._follow_up()
        if timing:
            self.meta["timing"] = timing
        if self.impact:
            self.meta["impact"] = _ordered(self.impact, _IMPACT_ORDER)
        if actions:
            self.meta["actions"] = actions
        if review:
            self.meta["review"] = review
        if follow_up:
            self.meta["follow_up"] = follow_up
        meta = _scrub(_ordered(self.meta, _TOP_ORDER))
        missing = [key for key in REQUIRED if key not in meta]
        missing += [
            f"actions[{i}].due" for i, a in enumerate(actions) if "due" not in a and a["status"] not in ("done", "cancelled")
        ]
        return ImportResult(self.source, _render(meta, self._body()), meta, self.notes, missing)

    def _existing_front_matter(self) -> ImportResult | None:
        m = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", self.raw, re.DOTALL)
        if m is None:
            return None
        try:
            meta = yaml.safe_load(m.group(1) or "")
        except yaml.YAMLError:
            return None
        if not isinstance(meta, dict):
            return None
        note = "the file already has front matter: it was not converted"
        return ImportResult(self.source, self.raw, meta, [note], [k for k in REQUIRED if k not in meta])

    def _body(self) -> str:
        kept: list[str] = []
        for i, line in enumerate(self.lines):
            if i in self.removed:
                continue
            if not line.text.strip() and kept and not kept[-1].strip() and (i - 1) in self.removed:
                continue  # no double blank line where a line was taken out
            kept.append(line.text)
        body = "\n".join(kept).strip("\n")
        return body + "\n" if body else ""

    def _header(self) -> None:
        def header(line: _Line) -> bool:
            return not _NOT_HEADER.search(line.where)

        f = self._first({"incident id", "incident number", "incident no", "incident #", "id"}, header)
        if f is not None:
            value = _given(f.value, ()).strip("`")
            if value and ID_PATTERN.match(value):
                self.meta["id"] = value
                self._remove(f)
            elif value:
                self.note(f"Incident ID: {value!r} does not match the id pattern {ID_PATTERN.pattern}; kept in the body")
        if "id" not in self.meta and self.id_hint:
            self.meta["id"] = self.id_hint
        f = self._first({"date", "incident date", "date of incident"}, header)
        if f is not None:
            value = _given(f.value, ())
            found = _find_date(value) if value else None
            if found is not None:
                self.date = found[0]
                self.meta["date"] = self.date.isoformat()
                if found[1] == 0 and found[2] == len(value):
                    self._remove(f)
            elif value:
                self.note(f"Date: {value!r} is not a date; kept in the body")
        f = self._first({"severity", "severity level", "sev"}, header)
        if f is not None:
            self._severity(f)

    def _severity(self, f: _Field) -> None:
        boxes = self._choices(f)
        if boxes:
            ticked = [label for on, label in boxes if on]
            levels = [m.group(0).upper() for m in (re.match(r"P[0-4]\b", t, re.IGNORECASE) for t in ticked) if m]
            if len(ticked) == 1 and len(levels) == 1:
                self.meta["severity"] = levels[0]
                inline = _boxes(f.value)
                if inline and all(re.fullmatch(r"P[0-4]", label, re.IGNORECASE) for _, label in inline):
                    self._remove(f)
            elif not ticked:
                self.note("Severity: no box ticked")
            else:
                self.note(f"Severity: several boxes ticked ({', '.join(ticked)}); set it by hand")
            return
        value = _given(f.value)
        levels = sorted({m.upper() for m in re.findall(r"\bP[0-4]\b", value, re.IGNORECASE)})
        if len(levels) == 1:
            self.meta["severity"] = levels[0]
            if re.fullmatch(r"P[0-4]", value, re.IGNORECASE):
                self._remove(f)
        elif value:
            self.note(f"Severity: {value!r} is not one of P0..P4; kept in the body")

    def _summary(self) -> str:
        blocks: list[list[str]] = [[]]
        for line in self.lines:
            if not _SUMMARY.search(line.section) or "communication" in line.section or line.sub or line.heading:
                continue
            if line.code or not line.text.strip() or _HR.match(line.text) or line.text.lstrip().startswith("|"):
                blocks.append([])
            else:
                blocks[-1].append(line.text.strip())
        skip_next = False
        for block in (b for b in blocks if b):
            first = _unwrap(block[0])
            if re.match(r"example\s*:", first, re.IGNORECASE):
                skip_next = len(block) == 1 and not first.split(":", 1)[1].strip()
                continue
            if skip_next:
                skip_next = False
                continue
            text = " ".join(line for line in block if not _PLACEHOLDER.fullmatch(line))
            text = _given(text, ())
            if text:
                return text
        return ""

    def _title(self, summary: str) -> None:
        heading = next((line for line in self.lines if line.heading == 1), None)
        if heading is not None:
            m = _HEADING.match(heading.text)
            text = _given(m.group(2) if m else "", ())
            generic = _GENERIC_TITLE.fullmatch(text)
            if generic is None and text:
                self.meta["title"] = text
                return
            rest = _given(generic["rest"] or "", ()) if generic else ""
            if rest:
                self.meta["title"] = rest
                return
        f = self._first({"title", "incident title", "incident name"})
        if f is not None and _given(f.value):
            self.meta["title"] = _given(f.value)
            return
        if summary:
            sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", summary, maxsplit=1)[0].rstrip(".")
            if len(sentence) > 120:
                sentence = sentence[:117].rsplit(" ", 1)[0] + "..."
            self.meta["title"] = sentence
            self.note("Title: the heading is generic; taken from the executive summary's first sentence")
            return
        stem = PurePath(self.source.replace("\\", "/")).stem if self.source else ""
        stem = re.sub(r"\s+", " ", re.sub(r"(?<!\d)[-_]+|[-_]+(?!\d)", " ", stem)).strip()
        if stem:
            self.meta["title"] = stem
            self.note(f"Title: no specific heading or summary; taken from the file name ({stem!r})")

    def _people(self) -> None:
        def outside_review(line: _Line) -> bool:
            return not _REVIEW.search(line.where)

        f = self._first({"incident commander", "commander", "ic"}, outside_review)
        if f is not None and _given(f.value):
            self.meta["commander"] = _given(f.value)
        f = self._first({"participants", "responders", "people involved", "team members"}, outside_review)
        if f is not None and _split_list(_given(f.value)):
            self.meta["participants"] = _split_list(_given(f.value))
        f = self._first({"affected services", "services affected", "services", "affected service", "service"}, outside_review)
        if f is not None and (services := self._identifiers(_given(f.value), "Services")):
            self.meta["services"] = services
        detection: dict[str, str] = {}
        f = self._first({"detected by", "detection source", "detection"}, outside_review)
        if f is not None:
            boxes = self._choices(f)
            ticked = [label for on, label in boxes if on] if boxes else ([_given(f.value)] if _given(f.value) else [])
            sources = [s for s in (self._detection_source(t) for t in ticked) if s]
            if sources:
                detection["source"] = sources[0]
            if len(ticked) > 1 or (ticked and not sources):
                self.note(f"Detected By: {', '.join(ticked)!s} could not be mapped to one source; kept in the body")
        f = self._first({"detection method", "how detected", "detection mechanism"}, outside_review)
        if f is not None and _given(f.value):
            detection["method"] = _given(f.value)
        if detection:
            self.meta["detection"] = _ordered(detection, ("source", "method"))

    @staticmethod
    def _detection_source(label: str) -> str | None:
        low = label.lower()
        if re.search(r"monitor|alert|automat|pager", low):
            return "monitoring"
        if re.search(r"user|customer|client", low):
            return "user-report"
        if re.search(r"internal|staff|employee|engineer|team", low):
            return "internal"
        return None

    # -- timeline --

    def _timeline_table(self) -> tuple[_Table, int, list[int]] | None:
        best: tuple[_Table, int, list[int]] | None = None
        for table in self.tables:
            names = [_norm(h) for h in table.header]
            time_col = next((i for i, h in enumerate(names) if re.match(r"(?:time|timestamp|when|date\s*time|date)\b", h)), None)
            if time_col is None or not any(re.match(r"(?:event|description|what|action|details?|activity)\b", h) for h in names):
                continue
            others = [i for i in range(len(names)) if i != time_col]
            where = self.lines[table.start].where
            if "timeline" in where and "communication" not in where:
                return table, time_col, others
            if best is None:
                best = (table, time_col, others)
        return best

    def _timing(self) -> dict[str, str]:
        found = self._timeline_table()
        if found is None:
            return {}
        table, col, others = found
        header = table.header[col]
        zone = self._zone(header)
        rows: list[tuple[dt.datetime, str]] = []
        day = self.date
        previous: dt.datetime | None = None
        no_date = no_zone = False
        clock = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(?![\d:])", re.IGNORECASE)
        for _, cells in table.rows:
            cell = cells[col] if col < len(cells) else ""
            m = clock.search(cell)
            if m is None:
                continue
            hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
            if m[4]:
                hour = hour % 12 + (12 if m[4].lower().startswith("p") else 0)
            if hour > 23 or minute > 59 or second > 59:
                continue
            cell_zone = self._zone(cell) or zone
            if cell_zone is None:
                no_zone = True
                break
            cell_date = parse_date(cell)
            if cell_date is not None:
                day = cell_date
            if day is None:
                no_date = True
                break
            stamp = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=cell_zone)
            if cell_date is None and previous is not None and stamp < previous:
                day = day + dt.timedelta(days=1)
                stamp = stamp + dt.timedelta(days=1)
            previous = stamp
            rows.append((stamp, " ".join(cells[i] for i in others if i < len(cells)).lower()))
        if no_date:
            self.note("Timeline: times without a date kept as a table; timing not set")
            return {}
        if no_zone:
            self.note(f"Timeline: the {header!r} column gives no time zone (UTC?); timing not set, the table is kept")
            return {}
        if not rows:
            return {}
        moments: dict[str, dt.datetime] = {}
        detect = [s for s, text in rows if re.search(r"alert|detect|report|paged|notic|trigger|fired", text)]
        moments["detected"] = detect[0] if detect else rows[0][0]
        ack = [s for s, text in rows if re.search(r"\backnowledg|\back(?:ed|'d)\b", text)]
        if ack:
            moments["acknowledged"] = ack[0]
        cause = [s for s, text in rows if _ROOT_CAUSED.search(text)]
        if cause:
            moments["root_caused"] = cause[0]
        resolved = [s for s, text in rows if re.search(r"\bresolved\b", text)]
        if resolved:
            moments["resolved"] = resolved[-1]
        else:
            self.note("Timeline: no row says 'resolved'; timing.resolved not set")
        timing: dict[str, str] = {}
        last: dt.datetime | None = None
        for name in TIMING_ORDER:
            when = moments.get(name)
            if when is None:
                continue
            if last is not None and when < last:
                self.note(f"Timeline: timing.{name} would come before an earlier moment; not set")
                continue
            last = when
            timing[name] = self._iso(when)
        return timing

    @staticmethod
    def _zone(text: str) -> dt.tzinfo | None:
        m = re.search(r"\b(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", text, re.IGNORECASE)
        if m:
            delta = dt.timedelta(hours=int(m["h"]), minutes=int(m["m"] or 0))
            if delta < dt.timedelta(hours=15):
                return dt.timezone(-delta if m["sign"] == "-" else delta)
        if re.search(r"\b(?:utc|gmt)\b|(?<=\d)z\b|\(z\)", text, re.IGNORECASE):
            return dt.timezone.utc
        return None

    @staticmethod
    def _iso(when: dt.datetime) -> str:
        offset = when.utcoffset() or dt.timedelta(0)
        if not offset:
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return when.isoformat(timespec="seconds")

    # -- impact --

    def _impact(self, timing: dict[str, str]) -> None:
        def outside_review(line: _Line) -> bool:
            return not _REVIEW.search(line.where)

        imp = self.impact
        f = self._first({"total users affected", "users affected", "affected users"}, outside_review)
        if f is not None and (value := _given(f.value)):
            count = _as_int(_number(value))
            if re.search(r"\ball\b", value, re.IGNORECASE):
                imp["users_affected"] = "all"
            elif count is not None and "%" not in value:
                imp["users_affected"] = count
            else:
                self.note(f"Total Users Affected: {value!r} is not a number or 'all'; kept in the body")
        f = self._first({"geographic regions", "regions", "affected regions", "region", "regions affected"}, outside_review)
        if f is not None and _split_list(_given(f.value)):
            imp["regions"] = _split_list(_given(f.value))
        f = self._first({"duration of impact", "impact duration"}, outside_review)
        if f is not None and (value := _given(f.value, (*_HINTS, "minutes"))):
            minutes = parse_minutes(value) if parse_minutes(value) is not None else _as_int(_number(value))
            if minutes is not None:
                imp["duration_minutes"] = minutes
            else:
                self.note(f"Duration of Impact: {value!r} is not a duration; kept in the body")
        if "duration_minutes" not in imp and not ("detected" in timing and "resolved" in timing):
            for keys in ({"duration", "incident duration"}, {"total duration"}):
                f = self._first(keys, outside_review)
                if f is not None and (value := _given(f.value)):
                    minutes = parse_minutes(value)
                    if minutes is not None:
                        imp["duration_minutes"] = minutes
                        break
        f = self._first({"impact type", "type of impact"}, outside_review)
        if f is not None:
            self._pick(
                f,
                "type",
                {
                    "complete-outage": r"outage|down",
                    "degraded-performance": r"degrad|slow",
                    "feature-unavailable": r"feature|unavail",
                },
                "Impact Type",
            )
        f = self._first({"revenue impact", "revenue", "revenue loss", "estimated revenue impact", "revenue lost"}, outside_review)
        if f is not None and (value := _given(f.value)):
            amount = _number(value)
            if amount is not None and (
                re.search(r"\$|usd|dollar", value, re.IGNORECASE) or re.fullmatch(r"[\d,.]+[kKmM]?", value)
            ):
                imp["revenue_usd"] = _as_number(amount or 0.0)
            elif re.fullmatch(r"none|no(?:ne)?\s+impact|nil", value, re.IGNORECASE):
                imp["revenue_usd"] = 0
            else:
                self.note(f"Revenue Impact: {value!r} is not an amount in US dollars; kept in the body")
        f = self._first({"sla breach", "sla breached", "sla"}, outside_review)
        if f is not None:
            self._yes_no(f, "sla_breach", "SLA Breach")
        f = self._first({"customer complaints", "customer tickets", "complaints", "support tickets"}, outside_review)
        if f is not None and (value := _given(f.value, (*_HINTS, "tickets/emails received"))):
            count = _as_int(_number(value))
            if re.fullmatch(r"none|no(?:ne)?|zero", value, re.IGNORECASE):
                count = 0
            if count is not None:
                imp["customer_tickets"] = count
            else:
                self.note(f"Customer Complaints: {value!r} is not a number; kept in the body")
        f = self._first({"reputation impact", "reputation"}, outside_review)
        if f is not None:
            options = {
                "none": r"none|no\b",
                "minor": r"minor|low",
                "moderate": r"moderate|medium",
                "significant": r"significant|major|high|severe",
            }
            self._pick(f, "reputation", options, "Reputation Impact")
        f = self._first({"requests failed", "failed requests"}, outside_review)
        if f is not None and (value := _given(f.value, (*_HINTS, "requests"))):
            count = _as_int(_number(value))
            if count is not None:
                imp["requests_failed"] = count
            else:
                self.note(f"Requests Failed: {value!r} is not a number; kept in the body")
        f = self._first({"peak error rate", "max error rate", "maximum error rate"}, outside_review)
        if f is not None and (value := _given(f.value)):
            m = re.search(r"(\d+(?:\.\d+)?)\s*%", value) or re.fullmatch(r"(\d+(?:\.\d+)?)", value)
            rate = float(m.group(1)) if m else None
            if rate is not None and 0 <= rate <= 100:
                imp["peak_error_rate"] = _as_number(rate)
            else:
                self.note(f"Peak Error Rate: {value!r} is not a percentage; kept in the body")
        f = self._first({"data loss", "data lost"}, outside_review)
        if f is not None:
            self._yes_no(f, "data_loss", "Data Loss")
            details = re.split(r"details?\s*:", f.value, maxsplit=1, flags=re.IGNORECASE)
            text = _given(details[1]) if len(details) == 2 else ""
            if "data_loss" in imp and text and (imp["data_loss"] or not re.fullmatch(r"none|no", text, re.IGNORECASE)):
                imp["data_loss_details"] = text
        f = self._first({"other services affected", "other services", "other affected services"}, outside_review)
        value = _given(f.value) if f is not None else ""
        if (
            value
            and not re.fullmatch(r"none|no(?:ne)?", value, re.IGNORECASE)
            and (other := self._identifiers(value, "Other Services"))
        ):
            imp["other_services"] = other

    def _pick(self, f: _Field, key: str, options: dict[str, str], name: str) -> None:
        boxes = self._choices(f)
        ticked = [label for on, label in boxes if on] if boxes else ([_given(f.value)] if _given(f.value) else [])
        picked = []
        for label in ticked:
            value = next((v for v, pattern in options.items() if re.search(pattern, label, re.IGNORECASE)), None)
            if value is None:
                self.note(f"{name}: {label!r} is not one of {', '.join(options)}; kept in the body")
            else:
                picked.append(value)
        if picked:
            self.impact[key] = picked[0]
            if len(ticked) > 1:
                self.note(f"{name}: several boxes ticked ({', '.join(ticked)}); the first was taken")

    def _yes_no(self, f: _Field, key: str, name: str) -> None:
        boxes = self._choices(f)
        if boxes:
            ticked = [label.lower() for on, label in boxes if on]
            answers = {t.startswith("yes") for t in ticked if t.startswith(("yes", "no"))}
            if len(answers) == 1:
                self.impact[key] = answers.pop()
            return
        value = _given(f.value)
        if not value or re.match(r"\**yes\**\s*/\s*\**no\b", value, re.IGNORECASE):
            return  # the template's "Yes/No": not answered
        m = re.match(r"[*_]*(yes|no|true|false|none)\b", value, re.IGNORECASE)
        if m:
            self.impact[key] = m.group(1).lower() in ("yes", "true")
        else:
            self.note(f"{name}: {value!r} is not Yes or No; kept in the body")

    # -- root cause --

    def _root_cause(self) -> None:
        def outside_review(line: _Line) -> bool:
            return not _REVIEW.search(line.where)

        cause: dict[str, Any] = {}
        f = self._first({"primary cause", "root cause", "primary root cause"}, outside_review)
        if f is not None:
            items = [_given(f.value)] if _given(f.value) else self._list_after(f.index)
            if items:
                cause["primary"] = "; ".join(items)
        f = self._first({"trigger", "triggering event"}, outside_review)
        if f is not None and _given(f.value):
            cause["trigger"] = _given(f.value)
        f = self._first({"contributing factors", "contributing causes", "contributing factor"}, outside_review)
        if f is not None:
            items = self._list_after(f.index) or _split_list(_given(f.value))
            if items:
                cause["contributing"] = items
        if cause:
            self.meta["root_cause"] = _ordered(cause, ("primary", "trigger", "contributing"))

    # -- actions --

    @staticmethod
    def _term(heading: str) -> str | None:
        for term, pattern in (("immediate", r"immediate"), ("short", r"short"), ("medium", r"medium|mid"), ("long", r"long")):
            if re.search(pattern, heading, re.IGNORECASE):
                return term
        return None

    def _actions(self) -> list[dict[str, Any]]:
        found: list[tuple[int, dict[str, Any], dict[str, str]]] = []  # line, action, raw values
        for table in self.tables:
            columns: dict[str, int] = {}
            extra = []
            for i, name in enumerate(_norm(h) for h in table.header):
                key = next((k for k, pattern in _COLUMNS if pattern.match(name)), None)
                if key is not None and key not in columns:
                    columns[key] = i
                elif name:
                    extra.append(table.header[i])
            if "title" not in columns or not {"owner", "due", "status"} & set(columns):
                continue
            if extra:
                self.note(f"Actions table at line {table.start + 1}: column(s) {', '.join(extra)} not mapped (kept in the body)")
            heading = self.lines[table.start].sub or self.lines[table.start].section
            for index, cells in table.rows:
                raw = {k: (cells[c] if c < len(cells) else "") for k, c in columns.items()}
                if not _given(raw["title"]):
                    if any(_given(v) for v in raw.values()):
                        self.note(f"Actions table, line {index + 1}: a row without an action text was not mapped")
                    continue
                found.append((index, {"term": self._term(heading)}, {**raw, "heading": heading}))
        for index, line in enumerate(self.lines):
            if line.code or "action" not in line.section or _REVIEW.search(line.section):
                continue
            m = _CHECK_ITEM.match(line.text)
            if m and _given(m["label"]):
                heading = line.sub or line.section
                raw = {"title": m["label"], "status": "done" if m["mark"].strip() else "not started", "heading": heading}
                found.append((index, {"term": self._term(heading)}, raw))
        found.sort(key=lambda item: item[0])
        actions = []
        no_owner: list[str] = []
        unassigned: list[str] = []
        no_due: list[str] = []
        for n, (_, base, raw) in enumerate(found):
            actions.append(self._action(n, base, raw, no_owner, unassigned, no_due))
        commander = self.meta.get("commander")
        if no_owner:
            self.note(f"{', '.join(no_owner)}: no owner given; set to the incident commander ({commander})")
        if unassigned:
            self.note(f"{', '.join(unassigned)}: no owner given and no incident commander; owner set to {UNASSIGNED!r}")
        if no_due and self.date is not None:
            self.note(f"{', '.join(no_due)}: no due date given; set to the incident date ({self.date.isoformat()})")
        return actions

    def _action(
        self, n: int, base: dict[str, Any], raw: dict[str, str], no_owner: list[str], unassigned: list[str], no_due: list[str]
    ) -> dict[str, Any]:
        where = f"actions[{n}]"
        action: dict[str, Any] = {"title": _given(raw["title"], ())}
        owner = _given(raw.get("owner", ""))
        if owner:
            action["owner"] = owner
        elif self.meta.get("commander"):
            action["owner"] = self.meta["commander"]
            no_owner.append(where)
        else:
            action["owner"] = UNASSIGNED
            unassigned.append(where)
        due_text = _given(raw.get("due", ""))
        due = parse_date(due_text, default_year=(self.date or self.today).year, after=self.date) if due_text else None
        if due is not None:
            action["due"] = due.isoformat()
        else:
            if due_text:
                self.note(f"{where}.due: {due_text!r} is not a date; kept in the body")
            if self.date is not None:
                action["due"] = self.date.isoformat()
            no_due.append(where)
        priority = _given(raw.get("priority", ""))
        level = re.fullmatch(r"P\s*-?\s*([0-4])(?:\b.*)?", priority, re.IGNORECASE)
        if level:
            action["priority"] = f"P{level.group(1)}"
        elif priority:
            self.note(f"{where}.priority: {priority!r} is not one of P0..P4; kept in the body")
        written = _unwrap(raw.get("status", ""))  # "TODO" is a status here, not a blank
        status = next((s for s, pattern in _ACTION_STATUSES if pattern.search(written)), None)
        status_text = _given(written, ())
        if status is None:
            if re.search(r"complete|done", raw["heading"], re.IGNORECASE):
                status = "done"
            else:
                status = "not-started"
                said = f"{status_text!r} not recognised" if status_text else "no status given"
                self.note(f"{where}.status: {said}; set to not-started")
        action["status"] = status
        if base.get("term"):
            action["term"] = base["term"]
        kind = _given(raw.get("type", "")).lower()
        if kind:
            matched = next((t for t in _ACTION_TYPES if kind.startswith(t[:5])), None)
            if matched:
                action["type"] = matched
            else:
                self.note(f"{where}.type: {kind!r} is not one of {', '.join(_ACTION_TYPES)}; kept in the body")
        ticket = _given(raw.get("ticket", ""))
        if ticket:
            link = _LINK.fullmatch(ticket)
            action["ticket"] = link["url"] if link else ticket
        return _ordered(action, _ACTION_ORDER)

    # -- review, status, follow-up --

    def _review(self) -> dict[str, Any]:
        review: dict[str, Any] = {}
        sign_off: list[dict[str, str]] = []
        current: dict[str, str] | None = None
        for f in self.fields:
            where = self.lines[f.index].where
            if not _REVIEW.search(where):
                continue
            if "sign" in where:
                if f.key.startswith("status"):
                    continue
                if f.key == "date":
                    value = _given(f.value)
                    if current is not None and value:
                        when = parse_date(value, default_year=(self.date or self.today).year, after=self.date)
                        if when is not None:
                            current["date"] = when.isoformat()
                        else:
                            self.note(f"Sign-off date of {current['role']}: {value!r} is not a date; kept in the body")
                    continue
                name = _given(f.value)
                current = {"role": f.label, "name": name} if name else None
                if current is not None:
                    sign_off.append(current)
            elif "action item" in where:
                continue
            elif f.key in ("date", "review date", "meeting date") and "date" not in review:
                value = _given(f.value)
                when = parse_date(value, default_year=(self.date or self.today).year, after=self.date) if value else None
                if when is not None:
                    review["date"] = when.isoformat()
                elif value:
                    self.note(f"Review date: {value!r} is not a date; kept in the body")
            elif f.key in ("attendees", "participants", "present") and "attendees" not in review:
                people = _split_list(_given(f.value))
                if people:
                    review["attendees"] = people
        if sign_off:
            review["sign_off"] = [_ordered(s, ("role", "name", "date")) for s in sign_off]
        return _ordered(review, ("date", "attendees", "sign_off"))

    def _status(self) -> None:
        """The post-mortem's status: the first Status field that names one (an incident's "Status: Resolved" does not)."""
        fallback = "Status: not stated; set to draft"
        for f in self.fields:
            line = self.lines[f.index]
            if f.key not in ("status", "document status", "post mortem status", "postmortem status", "review status"):
                continue
            if "action" in line.section and not _REVIEW.search(line.section):
                continue
            boxes = self._choices(f)
            ticked = [label for on, label in boxes if on] if boxes else ([_given(f.value)] if _given(f.value) else [])
            statuses = {s for s in (self._doc_status(t) for t in ticked) if s}
            if statuses:
                self.meta["status"] = max(statuses, key=_STATUS_RANK.index)
                if len(statuses) > 1:
                    self.note(f"Status: several boxes ticked; set to the furthest along ({self.meta['status']})")
                return
            if boxes and not ticked:
                fallback = "Status: no box ticked; set to draft"
            elif ticked and fallback.endswith("not stated; set to draft"):
                fallback = f"Status: {', '.join(ticked)!r} is not a post-mortem status; set to draft"
        self.meta["status"] = "draft"
        self.note(fallback)

    @staticmethod
    def _doc_status(label: str) -> str | None:
        return next((s for s, pattern in _STATUSES if pattern.search(label)), None)

    def _follow_up(self) -> str | None:
        f = self._first({"30 day review", "30day review", "follow up review", "follow up", "follow up date", "30 day follow up"})
        if f is None:
            return None
        value = _given(f.value)
        if not value:
            return None
        when = parse_date(value, default_year=(self.date or self.today).year, after=self.date)
        if when is None:
            self.note(f"30-Day Review: {value!r} is not a date; kept in the body")
            return None
        return when.isoformat()
