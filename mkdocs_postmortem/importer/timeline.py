"""The timeline table -> `timing`.

Derived only when the times have a date (the incident date, or a date in the
cell) and a zone (a "UTC"/"GMT" column header or cell, or ``UTC+02:00``).
`detected` is the first row about an alert, detection or report (else the
first row), `acknowledged` the first row saying acknowledged, `root_caused`
the first row saying the root cause was identified/found, `resolved` the last
row saying resolved.  A time earlier than the row before it is on the next
day.  Moments out of order are dropped (noted).
"""

from __future__ import annotations

import datetime as dt
import re

from .context import Context
from .markdown import Table
from .values import norm, parse_date

_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(?![\d:])", re.IGNORECASE)
_ROOT_CAUSED = re.compile(
    r"root\s+cause\s+(?:was\s+)?(?:identified|found|determined|confirmed)|identified\s+(?:the\s+)?root\s+cause", re.IGNORECASE
)


def timeline_table(ctx: Context) -> tuple[Table, int, list[int]] | None:
    """The timeline: a table with a time column and an event column, preferably under a Timeline heading."""
    best: tuple[Table, int, list[int]] | None = None
    for table in ctx.doc.tables:
        names = [norm(h) for h in table.header]
        time_col = next((i for i, h in enumerate(names) if re.match(r"(?:time|timestamp|when|date\s*time|date)\b", h)), None)
        if time_col is None or not any(re.match(r"(?:event|description|what|action|details?|activity)\b", h) for h in names):
            continue
        others = [i for i in range(len(names)) if i != time_col]
        where = ctx.doc.lines[table.start].where
        if "timeline" in where and "communication" not in where:
            return table, time_col, others
        if best is None:
            best = (table, time_col, others)
    return best


def zone(text: str) -> dt.tzinfo | None:
    m = re.search(r"\b(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", text, re.IGNORECASE)
    if m:
        delta = dt.timedelta(hours=int(m["h"]), minutes=int(m["m"] or 0))
        if delta < dt.timedelta(hours=15):
            return dt.timezone(-delta if m["sign"] == "-" else delta)
    if re.search(r"\b(?:utc|gmt)\b|(?<=\d)z\b|\(z\)", text, re.IGNORECASE):
        return dt.UTC
    return None


def iso(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta(0)
    if not offset:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat(timespec="seconds")


def _rows(ctx: Context, table: Table, col: int, others: list[int]) -> list[tuple[dt.datetime, str]] | None:
    """(moment, what the row says) for each row with a time; None (noted) when times lack a date or a zone."""
    header = table.header[col]
    header_zone = zone(header)
    rows: list[tuple[dt.datetime, str]] = []
    day = ctx.date
    previous: dt.datetime | None = None
    for _, cells in table.rows:
        cell = cells[col] if col < len(cells) else ""
        m = _CLOCK.search(cell)
        if m is None:
            continue
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        if m[4]:
            hour = hour % 12 + (12 if m[4].lower().startswith("p") else 0)
        if hour > 23 or minute > 59 or second > 59:
            continue
        cell_zone = zone(cell) or header_zone
        if cell_zone is None:
            ctx.note(f"Timeline: the {header!r} column gives no time zone (UTC?); timing not set, the table is kept")
            return None
        cell_date = parse_date(cell)
        if cell_date is not None:
            day = cell_date
        if day is None:
            ctx.note("Timeline: times without a date kept as a table; timing not set")
            return None
        stamp = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=cell_zone)
        if cell_date is None and previous is not None and stamp < previous:
            day = day + dt.timedelta(days=1)
            stamp = stamp + dt.timedelta(days=1)
        previous = stamp
        rows.append((stamp, " ".join(cells[i] for i in others if i < len(cells)).lower()))
    return rows


def read_timing(ctx: Context) -> dict[str, str]:
    found = timeline_table(ctx)
    if found is None:
        return {}
    rows = _rows(ctx, *found)
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
        ctx.note("Timeline: no row says 'resolved'; timing.resolved not set")
    timing: dict[str, str] = {}
    last: dt.datetime | None = None
    for name in ctx.vocabulary.timing:
        when = moments.get(name)
        if when is None:
            continue
        if last is not None and when < last:
            ctx.note(f"Timeline: timing.{name} would come before an earlier moment; not set")
            continue
        last = when
        timing[name] = iso(when)
    return timing
