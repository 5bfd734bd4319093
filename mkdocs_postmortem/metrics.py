"""Insights: the figures of the metrics page and of `postmortem stats`, computed once from the catalog.

Are we having fewer severe incidents (incidents per period, by severity), how fast do we
detect, acknowledge, mitigate and resolve them (median and 90th percentile per severity),
and are we closing our follow-ups (the action backlog at each period's end, the share of
actions closed by their due date)? Plus the services and tags with the most incidents and
the recurrences. Every figure is an aggregate: its size follows the span of the data and the
number of severities, never the number of incidents.

One rule per figure, here; the page (render.py, charts.py) and the command (outputs.py) only
present a `Metrics`. Pure computation: no MkDocs, no Jinja, no charting.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .catalog import Action, Catalog, Incident, Reference
from .model import RECURRENCE
from .schema import CLOSED_STATUSES

#: The durations the metrics show, keys of `catalog.DURATIONS` (docs/format.md, "Derived figures").
MEASURES: tuple[str, ...] = ("time to detect", "time to acknowledge", "time to mitigate", "time to resolve")
#: A median or 90th percentile resting on fewer incidents than this is marked as such.
FEW = 3
#: Data spanning more months than this is counted by quarter instead of by month.
MONTHS_MAX = 24
#: How many services and tags the "most incidents" lists show.
TOP = 10
#: How many recurrences the page lists (the most recent; the total is stated).
RECURRENCES_SHOWN = 20
#: The recent window of the trend ("the last 12 months against the 12 before"), in calendar months.
TREND_MONTHS = 12


def percentile(values: Iterable[int], p: float) -> int | None:
    """The nearest-rank `p`-th percentile: the smallest value with at least p% of the values at or below it.

    Always a value some incident had (never an interpolation between two); None when there are
    none. So the median of an even count is the lower of the two middle values: of 10, 20, 30, 40
    it is 20; the 90th percentile of 1..10 is 9, of 1..5 it is 5.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figure:
    """The median and 90th percentile (`percentile`) of some durations in minutes, and how many there were."""

    n: int
    median: int | None
    p90: int | None

    @classmethod
    def of(cls, values: Sequence[int]) -> Figure:
        return cls(len(values), percentile(values, 50), percentile(values, 90))

    @property
    def few(self) -> bool:
        """Resting on fewer than FEW incidents (and on at least one): shown, but marked."""
        return 0 < self.n < FEW

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "median_minutes": self.median, "p90_minutes": self.p90, "few": self.few}


def minutes_of(incident: Incident, measure: str) -> int | None:
    """One of MEASURES for an incident, in minutes. Time to resolve is the incident's duration, which
    falls back to `impact.duration_minutes` where the timing lacks it (docs/format.md)."""
    if measure == "time to resolve":
        return incident.duration_minutes
    return dict((name, value) for name, _, _, value in incident.durations()).get(measure)


@dataclass(frozen=True)
class Period:
    """One bar of the incidents chart and one point of the backlog: a month or a quarter."""

    first: dt.date
    last: dt.date  # its last day
    label: str  # "2025-11", or "2025 Q4"


def by_quarter(first: dt.date, last: dt.date) -> bool:
    """Whether data from `first` to `last` is counted by quarter: it spans more than MONTHS_MAX months."""
    return (last.year - first.year) * 12 + last.month - first.month + 1 > MONTHS_MAX


def periods(first: dt.date, last: dt.date, quarterly: bool) -> list[Period]:
    """Every month (or quarter) from the one holding `first` to the one holding `last`, empty ones included."""
    step = 3 if quarterly else 1
    year, month = first.year, (first.month - 1) // step * step + 1
    out = []
    while (year, month) <= (last.year, last.month):
        nyear, nmonth = (year + 1, 1) if month + step > 12 else (year, month + step)
        end = dt.date(nyear, nmonth, 1) - dt.timedelta(days=1) if nyear <= 9999 else dt.date.max
        label = f"{year} Q{(month - 1) // 3 + 1}" if quarterly else f"{year}-{month:02d}"
        out.append(Period(dt.date(year, month, 1), end, label))
        year, month = nyear, nmonth
    return out


@dataclass(frozen=True)
class BacklogPoint:
    """The corrective actions at the end of a period (or on the as-of date, for the period holding it)."""

    day: dt.date
    label: str
    open: int  # open on that day, overdue ones included
    overdue: int  # open and past their due date on that day
    closed: int  # closed on or before that day (actions with a `closed` date only)


@dataclass(frozen=True)
class Window:
    """Incidents by severity from `first` to `last` (both included): a side of the trend."""

    first: dt.date
    last: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def trend_windows(as_of: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The TREND_MONTHS calendar months ending with the as-of date's (to the as-of day), and the same number before."""
    index = as_of.year * 12 + as_of.month - 1 - (TREND_MONTHS - 1)
    recent = dt.date(index // 12, index % 12 + 1, 1) if index >= 12 else dt.date.min
    index -= TREND_MONTHS
    before = dt.date(index // 12, index % 12 + 1, 1) if index >= 12 else dt.date.min
    return (recent, as_of), (before, recent - dt.timedelta(days=1) if recent > dt.date.min else dt.date.min)


@dataclass(frozen=True)
class Metrics:
    as_of: dt.date
    since: dt.date | None  # the `metrics_since` option or `--since`: incidents from that day on
    severities: tuple[str, ...]  # the site's scale, most severe first, then any other severity found
    incidents: int
    unit: str  # "month" or "quarter": how `periods` are counted
    periods: tuple[Period, ...]
    counts: dict[str, tuple[int, ...]]  # severity -> incidents per period (by `date`, as the timeline page)
    by_year: tuple[tuple[int, dict[str, int]], ...]  # (year, severity -> incidents), oldest first
    times: dict[str, dict[str, Figure]]  # measure (MEASURES) -> severity -> figure
    backlog: tuple[BacklogPoint, ...]  # at each period's end
    actions: int  # every action of the period's incidents
    open: int  # on the as-of date
    overdue: int
    closed: dict[str, int]  # closed status (CLOSED_STATUSES order) -> actions
    closed_undated: int  # closed actions without a `closed` date: out of the backlog and the on-time share
    closed_on_time: int  # closed (with a date) on or before the due date
    closed_judged: int  # closed with both a `closed` and a `due` date: what the on-time share rests on
    top_services: tuple[tuple[str, int], ...]  # most incidents first, then by name
    top_tags: tuple[tuple[str, int], ...]
    recurrences: tuple[Reference, ...]  # recurrence-of references of the period's incidents, newest first
    services: int  # how many distinct services and tags the period's incidents name
    tags: int
    trend: tuple[Window, Window]  # the TREND_MONTHS calendar months up to the as-of date, and the ones before

    @property
    def on_time_share(self) -> float | None:
        """Closed by the due date, of the closed actions that state both dates; None when none do."""
        return self.closed_on_time / self.closed_judged if self.closed_judged else None

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain values (`postmortem stats --format json`)."""
        return {
            "as_of": self.as_of.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "incidents": self.incidents,
            "by_severity": {s: sum(self.counts[s]) for s in self.severities},
            "by_year": {str(year): counts for year, counts in self.by_year},
            "unit": self.unit,
            "periods": [
                {"period": p.label, "first": p.first.isoformat(), **{s: self.counts[s][i] for s in self.severities}}
                for i, p in enumerate(self.periods)
            ],
            "times": {m: {s: f.as_dict() for s, f in by.items()} for m, by in self.times.items()},
            "actions": {
                "all": self.actions,
                "open": self.open,
                "overdue": self.overdue,
                **self.closed,
                "closed_without_date": self.closed_undated,
                "closed_on_time": self.closed_on_time,
                "closed_with_due_and_closed_dates": self.closed_judged,
            },
            "backlog": [
                {"period": b.label, "day": b.day.isoformat(), "open": b.open, "overdue": b.overdue, "closed": b.closed}
                for b in self.backlog
            ],
            "trend": [
                {"first": w.first.isoformat(), "last": w.last.isoformat(), "incidents": w.total, **w.counts} for w in self.trend
            ],
            "top_services": dict(self.top_services),
            "top_tags": dict(self.top_tags),
            "recurrences": [{"incident": r.source.id, "recurrence_of": r.target.id} for r in self.recurrences],
        }


def compute(catalog: Catalog, as_of: dt.date, since: dt.date | None = None) -> Metrics:
    """Every figure of the published incidents dated `since` or later (all of them when None), as of `as_of`."""
    chosen = [i for i in reversed(catalog.newest_first()) if since is None or i.date >= since]  # oldest first
    severities = tuple(dict.fromkeys([*catalog.severities, *(i.severity for i in chosen)]))
    first = since or (chosen[0].date if chosen else as_of)
    last = max(as_of, chosen[-1].date if chosen else as_of)
    quarterly = by_quarter(first, last)
    spans = periods(first, last, quarterly)
    starts = [p.first for p in spans]
    counts = {s: [0] * len(spans) for s in severities}
    years: dict[int, Counter[str]] = {}
    for incident in chosen:
        year, month = incident.month
        counts[incident.severity][bisect_right(starts, dt.date(year, month, 1)) - 1] += 1
        years.setdefault(year, Counter())[incident.severity] += 1
    times = {
        measure: {
            s: Figure.of([m for i in chosen if i.severity == s and (m := minutes_of(i, measure)) is not None]) for s in severities
        }
        for measure in MEASURES
    }
    actions = [a for i in chosen for a in i.actions]
    dated = [a for a in actions if a.is_open or a.closed is not None]
    judged = [a for a in actions if not a.is_open and a.closed is not None and a.due is not None]
    services = Counter(name for i in chosen for name in i.services)
    tags = Counter(name for i in chosen for name in i.tags)
    recurrences = [r for i in reversed(chosen) for r in i.references if r.relation == RECURRENCE]
    windows = tuple(
        Window(a, b, {s: sum(i.severity == s and a <= i.date <= b for i in chosen) for s in severities})
        for a, b in trend_windows(as_of)
    )
    return Metrics(
        as_of=as_of,
        since=since,
        severities=severities,
        incidents=len(chosen),
        unit="quarter" if quarterly else "month",
        periods=tuple(spans),
        counts={s: tuple(c) for s, c in counts.items()},
        by_year=tuple((year, {s: years[year][s] for s in severities}) for year in sorted(years)),
        times=times,
        backlog=backlog(dated, [p for p in spans if p.first <= as_of], as_of),
        actions=len(actions),
        open=sum(a.is_open for a in actions),
        overdue=sum(a.is_overdue(as_of) for a in actions),
        closed={status: sum(a.status == status for a in actions) for status in CLOSED_STATUSES},
        closed_undated=sum(not a.is_open and a.closed is None for a in actions),
        closed_on_time=sum(a.closed is not None and a.due is not None and a.closed <= a.due for a in judged),
        closed_judged=len(judged),
        top_services=_top(services),
        top_tags=_top(tags),
        recurrences=tuple(recurrences),
        services=len(services),
        tags=len(tags),
        trend=(windows[0], windows[1]),
    )


def _top(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].lower(), kv[0]))[:TOP])


def backlog(actions: Iterable[Action], spans: Sequence[Period], as_of: dt.date) -> tuple[BacklogPoint, ...]:
    """Open, overdue and closed actions at the end of each period (the as-of date for the period holding it).

    An action exists from its incident's `date`; it is open until its `closed` date (a closed action
    without one must be left out by the caller: when it was closed is unknown) and overdue, while
    open, from the day after its due date (the rule of `Action.is_overdue`). Linear in actions and
    periods: each action adds to a running count where its state changes.
    """
    days = [min(p.last, as_of) for p in spans]
    n = len(days)
    opened, overdue, closed = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)

    def add(series: list[int], start: int, stop: int) -> None:
        if start < stop:
            series[start] += 1
            series[stop] -= 1

    for action in actions:
        begins = bisect_left(days, action.incident.date)  # the first point on or after its incident's day
        ends = bisect_left(days, action.closed) if not action.is_open and action.closed is not None else n
        add(opened, begins, ends)
        add(closed, max(begins, ends), n)
        if action.due is not None:
            add(overdue, max(begins, bisect_right(days, action.due)), ends)
    out = []
    running = [0, 0, 0]
    for index, (day, period) in enumerate(zip(days, spans, strict=True)):
        running = [running[0] + opened[index], running[1] + overdue[index], running[2] + closed[index]]
        out.append(BacklogPoint(day, period.label, *running))
    return tuple(out)
