"""Values as people write them in the classic template: dates, durations, numbers, blanks and lists.

Written-out dates ("October 28, 2021", "28th of October", "Nov 19") are read
by python-dateutil: a regular expression only finds where a date is written
(a month name dateutil knows, with a day and maybe a year around it), and
dateutil turns that span into a date.  Numeric dates are ISO-like
(``2021-10-28``, ``2021/10/28``) or ``10/28/2021`` / ``28/10/2021`` when one
part is above 12; ``03/04/2021`` is ambiguous and not read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from dateutil import parser as dateutil_parser

_INFO = dateutil_parser.parserinfo()

_ISO = re.compile(r"(?<![\d/.-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/])")
_SLASHED = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])")
_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,9}(?![A-Za-z])")
_ORD = r"(?:st|nd|rd|th)?"
# around a month name: "Oct 28, 2021" / "Oct 28" after it, "28th of October" before it, ", 2021" after that
_DAY_AFTER = re.compile(rf"\.?\s+\d{{1,2}}{_ORD}(?![\d:])(?:(?:\s*,\s*|\s+)\d{{4}}(?!\d))?", re.IGNORECASE)
_DAY_BEFORE = re.compile(rf"(?<!\d)\d{{1,2}}{_ORD}\s+(?:of\s+)?$", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\.?,?\s+\d{4}(?!\d)")
_HAS_YEAR = re.compile(r"\d{4}")


def _numeric_dates(text: str) -> list[tuple[int, int, dt.date]]:
    found = []
    for m in _ISO.finditer(text):
        try:
            found.append((m.start(), m.end(), dt.date(int(m["y"]), int(m["m"]), int(m["d"]))))
            break
        except ValueError:
            continue
    for m in _SLASHED.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            day, month = b, a
        else:
            continue  # 03/04/2021: day and month cannot be told apart
        try:
            found.append((m.start(), m.end(), dt.date(int(m["y"]), month, day)))
            break
        except ValueError:
            continue
    return found


def _written_dates(text: str, default_year: int | None, after: dt.date | None) -> list[tuple[int, int, dt.date]]:
    """Dates around a month name that dateutil knows; a yearless one only with `default_year`."""
    found = []
    for word in _WORD.finditer(text):
        if _INFO.month(word.group()) is None:
            continue
        start, end = word.start(), word.end()
        following = _DAY_AFTER.match(text, end)
        if following:
            end = following.end()
        else:
            preceding = _DAY_BEFORE.search(text[:start])
            if preceding is None:
                continue
            start = preceding.start()
            year = _YEAR_AFTER.match(text, end)
            end = year.end() if year else end
        span = text[start:end]
        has_year = bool(_HAS_YEAR.search(span))
        if not has_year and default_year is None:
            continue
        try:
            parsed = dateutil_parser.parse(span, default=dt.datetime(default_year or 2000, 1, 1)).date()
        except (ValueError, OverflowError):
            continue
        if not has_year and after is not None and parsed < after:
            try:
                parsed = parsed.replace(year=parsed.year + 1)
            except ValueError:  # 29 February
                continue
        found.append((start, end, parsed))
    return found


def find_date(text: str, default_year: int | None = None, after: dt.date | None = None) -> tuple[dt.date, int, int] | None:
    """The first date in `text` and where it is written (start, end), or None."""
    found = _numeric_dates(text) + _written_dates(text, None, None)
    if not found and default_year is not None:
        found = _written_dates(text, default_year, after)
    if not found:
        return None
    start, end, when = min(found, key=lambda f: f[0])
    return when, start, end


def parse_date(text: str, *, default_year: int | None = None, after: dt.date | None = None) -> dt.date | None:
    """The first date written in `text` ("2021-10-28", "October 28, 2021", "28 Oct 2021", "2021/10/28"...).

    A date without a year ("Oct 28") is read only when `default_year` is given;
    it moves to the next year when it would fall before `after`.
    """
    found = find_date(text, default_year, after)
    return found[0] if found else None


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?)(?![a-z])", re.IGNORECASE)
_MINUTES_PER = {"d": 1440, "h": 60, "m": 1}


def parse_minutes(text: str) -> int | None:
    """Minutes in "60 minutes", "1h 30m", "2 hours 15 minutes", "1.5 hours", "90 min" or a bare "45"."""
    total = 0.0
    found = False
    for m in _DURATION_PART.finditer(text):
        total += float(m.group(1)) * _MINUTES_PER[m.group(2)[0].lower()]
        found = True
    if not found:
        bare = re.fullmatch(r"~?\s*(\d+(?:\.\d+)?)", text.strip())
        if bare is None:
            return None
        total = float(bare.group(1))
    return round(total)


_NUMBER = re.compile(r"(?P<bound>[<>≤≥]\s*)?\$?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<suffix>[kKmM](?![a-zA-Z]))?")


def number(text: str) -> float | None:
    """The first number in `text` ("~30,000", "$12.5k", "1.2M"); None when there is none or it is a bound ("> 1000")."""
    m = _NUMBER.search(text)
    if m is None or m["bound"]:
        return None
    value = float(m["n"].replace(",", "") + (m["frac"] or ""))
    if m["suffix"]:
        value *= 1000 if m["suffix"].lower() == "k" else 1_000_000
    return value


def as_int(value: float | None) -> int | None:
    return int(value) if value is not None and value == int(value) and value >= 0 else None


def as_number(value: float) -> int | float:
    return int(value) if value == int(value) else value


# --- blanks ------------------------------------------------------------------------

_BLANK_RUN = re.compile(r"_{3,}")
_NOT_GIVEN = {"", "tbd", "tbc", "tba", "n/a", "na", "-", "--", "—", "–", "?", "??", "unknown", "todo", "xxx", "[...]", "...", "…"}
PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_TRAILING = re.compile(r"(?:\s*(?:\\|<br\s*/?>))+\s*$", re.IGNORECASE)
#: The template's hints next to a blank: not part of a value.
HINTS = ('(or "All users")', "(or “All users”)", "(estimated)", "(from detection to resolution)")
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")


def unwrap(text: str) -> str:
    """`**x**`, `__x__`, `*x*`, `_x_`, `` `x` `` -> x (once each, outermost)."""
    t = text.strip()
    for mark in ("**", "__", "*", "_", "`"):
        if len(t) > 2 * len(mark) and t.startswith(mark) and t.endswith(mark):
            inner = t[len(mark) : -len(mark)]
            if mark not in inner:
                t = inner.strip()
    return t


def given(value: str, hints: Iterable[str] = HINTS) -> str:
    """The value as written, or '' when it is a blank (``___``, TBD, N/A...) or a ``[placeholder]``."""
    v = _TRAILING.sub("", value).strip()
    for hint in hints:
        v = v.replace(hint, "")
    v = re.sub(r"\s{2,}", " ", _BLANK_RUN.sub(" ", v)).strip()
    v = unwrap(v)
    if v.lower().rstrip(".") in _NOT_GIVEN or v.lower() in _NOT_GIVEN or PLACEHOLDER.fullmatch(v):
        return ""
    if not re.search(r"\w", v):
        return ""
    return v


def says_nothing(value: str) -> bool:
    """No word at all once the template's hints are gone: ``____``, ``-``, ``$____ (estimated)``; "TBD" says something."""
    for hint in HINTS:
        value = value.replace(hint, "")
    return not re.search(r"[^\W_]", value)


def split_list(value: str) -> list[str]:
    """Split "a, b and c" into [a, b, c]."""
    parts = re.split(r"\s*[,;]\s*|\s+and\s+|\s+&\s+", value)
    return [p for p in (given(p) for p in parts) if p]


def norm(label: str) -> str:
    """A label compared loosely: lower case, punctuation as spaces ("Post-Mortem Status" -> "post mortem status")."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w#%$]+", " ", label.lower())).strip()


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff]")


def scrub(value: Any) -> Any:
    """Front matter values without control characters, lone surrogates and odd line breaks (YAML cannot keep them all)."""
    if isinstance(value, str):
        return " ".join(_UNSAFE.sub(" ", value).split())
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


def ordered(values: dict[str, Any], order: Iterable[str]) -> dict[str, Any]:
    """`values` in the schema's order of its fields (a field the order does not know goes last)."""
    keys = [k for k in order if k in values]
    return {key: values[key] for key in [*keys, *(k for k in values if k not in keys)]}
