"""Collect stage: valid documents -> one in-memory `Catalog`, built in a single pass.

Everything keyed by id; references and backlinks resolved once; actions and
the overdue report computed here so the site and the CLI share one answer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .model import DRAFT, DUE_SOON_DAYS, Document, parse_date, parse_date_time, reference_id, reference_relation
from .schema import CLOSED_STATUSES, TIMING_ORDER

#: The derived durations (docs/format.md, "Derived figures"): name -> (from moment, to moment).
#: The impact window runs from the start; the times to ... run from detection, as responders count them.
DURATIONS: dict[str, tuple[str, str]] = {
    "impact window": ("started", "resolved"),
    "time to detect": ("started", "detected"),
    "time to acknowledge": ("detected", "acknowledged"),
    "time to root cause": ("detected", "root_caused"),
    "time to mitigate": ("detected", "mitigated"),
    "time to resolve": ("detected", "resolved"),
}


@dataclass(slots=True)
class Action:
    incident: Incident
    index: int
    title: str
    owner: str | None  # None only for a closed action (the schema requires it while open)
    due: dt.date | None  # likewise
    status: str
    priority: str | None = None
    term: str | None = None
    type: str | None = None
    ticket: str | None = None
    closed: dt.date | None = None  # the day a closed action was closed, when stated

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def days_overdue(self, as_of: dt.date) -> int:
        """Days past due on `as_of`; 0 or less when not overdue (due on the day itself is not overdue)."""
        return (as_of - self.due).days if self.is_open and self.due is not None else 0

    def is_overdue(self, as_of: dt.date) -> bool:
        return self.is_open and self.due is not None and self.due < as_of

    def is_due_within(self, as_of: dt.date, days: int) -> bool:
        """Open and due from `as_of` to `days` days later. Counted as a difference, so a date
        near 9999-12-31 never overflows (`as_of + timedelta` would)."""
        return self.is_open and self.due is not None and 0 <= (self.due - as_of).days <= days

    @property
    def sort_key(self) -> tuple[dt.date, str, str, int]:
        """Soonest due first, then owner, incident and place in it: a stable, readable order."""
        return (self.due or dt.date.max, (self.owner or "").lower(), self.incident.id, self.index)


@dataclass(slots=True)
class Reference:
    source: Incident
    target: Incident
    relation: str  # related | recurrence-of | caused-by | duplicate-of


@dataclass(frozen=True, slots=True)
class UnpublishedReference:
    """A reference to a post-mortem the site does not publish (a draft): shown as its id and title, never linked."""

    id: str
    title: str
    relation: str


@dataclass(slots=True)
class Incident:
    id: str
    title: str
    date: dt.date
    severity: str
    status: str
    src_uri: str  # path relative to docs_dir, with forward slashes
    meta: dict[str, Any]
    path: str = ""  # as shown to the user (relative to the project)
    timing: dict[str, dt.datetime] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    backlinks: list[Reference] = field(default_factory=list)
    unpublished_references: list[UnpublishedReference] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def summary(self) -> str:
        return str(self.meta.get("summary") or "")

    @property
    def services(self) -> list[str]:
        return list(self.meta.get("services") or [])

    @property
    def tags(self) -> list[str]:
        return list(self.meta.get("tags") or [])

    @property
    def commander(self) -> str:
        return str(self.meta.get("commander") or "")

    @property
    def impact_type(self) -> str:
        return str((self.meta.get("impact") or {}).get("type") or "")

    @property
    def detected_by(self) -> str:
        detection = self.meta.get("detection") or {}
        source, method = detection.get("source"), detection.get("method")
        return " ".join(filter(None, [source, f"({method})" if method else None]))

    def _minutes(self, start: str, end: str) -> int | None:
        if start in self.timing and end in self.timing:
            return round((self.timing[end] - self.timing[start]).total_seconds() / 60)
        return None

    @property
    def time_to_detect(self) -> int | None:
        return self._minutes(*DURATIONS["time to detect"])

    @property
    def time_to_acknowledge(self) -> int | None:
        return self._minutes(*DURATIONS["time to acknowledge"])

    @property
    def time_to_root_cause(self) -> int | None:
        return self._minutes(*DURATIONS["time to root cause"])

    @property
    def time_to_mitigate(self) -> int | None:
        return self._minutes(*DURATIONS["time to mitigate"])

    def durations(self) -> list[tuple[str, str, str, int]]:
        """(name, from, to, minutes) of every derived duration the timing gives, in DURATIONS order."""
        out = []
        for name, (start, end) in DURATIONS.items():
            minutes = self._minutes(start, end)
            if minutes is not None:
                out.append((name, start, end, minutes))
        return out

    @property
    def stated_duration(self) -> int | None:
        """`impact.duration_minutes` as written, or None."""
        value = self._section("impact").get("duration_minutes")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _section(self, name: str) -> dict[str, Any]:
        value = self.meta.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def participants(self) -> list[str]:
        return [str(p) for p in self.meta.get("participants") or []]

    @property
    def detection(self) -> dict[str, Any]:
        return self._section("detection")

    @property
    def impact(self) -> dict[str, Any]:
        return self._section("impact")

    @property
    def root_cause(self) -> dict[str, Any]:
        return self._section("root_cause")

    @property
    def review(self) -> dict[str, Any]:
        return self._section("review")

    @property
    def follow_up(self) -> str:
        return str(self.meta.get("follow_up") or "")

    def action_counts(self, as_of: dt.date) -> tuple[dict[str, int], int, int]:
        """({closed status: count} in CLOSED_STATUSES order, overdue, total) of this incident's actions on `as_of`."""
        closed = {status: sum(a.status == status for a in self.actions) for status in CLOSED_STATUSES}
        return closed, sum(a.is_overdue(as_of) for a in self.actions), len(self.actions)

    @property
    def duration_minutes(self) -> int | None:
        """From detection to resolution; else impact.duration_minutes."""
        minutes = self._minutes(*DURATIONS["time to resolve"])
        return self.stated_duration if minutes is None else minutes

    @property
    def month(self) -> tuple[int, int]:
        """(year, month) of `date`, the day as the author wrote it (not the UTC day of `timing`): where the
        timeline page lists the incident and the metrics page counts it."""
        return self.date.year, self.date.month

    @property
    def sort_key(self) -> tuple[dt.date, str]:
        return (self.date, self.id)


#: An open action's state on the as-of date, most pressing first: past its due date, due within
#: DUE_SOON_DAYS (the as-of day included), or later.
ACTION_STATES = ("overdue", "due-soon", "later")
#: The state of a closed action (one of CLOSED_STATUSES): the actions.csv export has every action.
CLOSED_STATE = "closed"


@dataclass(frozen=True)
class ActionRow:
    """One action as every output shows it: the open-actions page, `postmortem actions` (table, csv, json)
    and the actions.csv export (which has the closed ones too)."""

    action: Action
    state: str  # one of ACTION_STATES, or CLOSED_STATE
    days_overdue: int | None  # how many days past due, when overdue
    days_left: int | None  # days until due (0: due on the as-of day), when open and not overdue

    @classmethod
    def of(cls, action: Action, as_of: dt.date) -> ActionRow:
        """The action's row on `as_of`: its state and how many days it is overdue or has left."""
        if not action.is_open:
            return cls(action, CLOSED_STATE, None, None)
        left = (action.due - as_of).days if action.due is not None else None
        if action.is_overdue(as_of):
            return cls(action, "overdue", -(left or 0), None)
        return cls(action, "due-soon" if action.is_due_within(as_of, DUE_SOON_DAYS) else "later", None, left)

    #: The columns of `as_dict`, in order: the header of every CSV of actions, even an empty one.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "state",
        "owner",
        "days_overdue",
        "due",
        "priority",
        "status",
        "action",
        "incident",
        "incident_title",
        "ticket",
        "closed",
        "path",
    )

    @property
    def owner(self) -> str:
        return self.action.owner or ""

    def as_dict(self) -> dict[str, Any]:
        """The row's plain values (for CSV, JSON and the terminal table), keys in column order (FIELDS)."""
        a = self.action
        values = (
            self.state,
            self.owner,
            self.days_overdue if self.days_overdue is not None else "",
            a.due.isoformat() if a.due else "",
            a.priority or "",
            a.status,
            a.title,
            a.incident.id,
            a.incident.title,
            a.ticket or "",
            a.closed.isoformat() if a.closed else "",
            a.incident.path,
        )
        return dict(zip(self.FIELDS, values, strict=True))


@dataclass
class ActionReport:
    as_of: dt.date
    overdue: list[Action]  # most overdue first
    due_soon: list[Action]  # open, due within DUE_SOON_DAYS (as_of included), soonest first
    later: list[Action]  # open, due after that (or with no due date), soonest first
    open_count: int
    closed_counts: dict[str, int]  # each closed status (done, cancelled) -> its number of actions, in the schema's order
    total: int

    def rows(self, states: Iterable[str] = ACTION_STATES) -> list[ActionRow]:
        """The open actions in the given states: overdue first (most overdue first), then due soon, then later."""
        wanted = set(states)
        rows: list[ActionRow] = []
        for state, actions in zip(ACTION_STATES, (self.overdue, self.due_soon, self.later), strict=True):
            if state in wanted:
                rows.extend(ActionRow.of(a, self.as_of) for a in actions)
        return rows

    def by_owner(self, states: Iterable[str] = ACTION_STATES) -> list[tuple[str, list[ActionRow]]]:
        """Owners with their rows (see `rows`); the owner of the most pressing action first.

        "devops" and "DevOps" are one owner, shown as first written.
        """
        groups: dict[str, list[ActionRow]] = {}
        names: dict[str, str] = {}
        for row in self.rows(states):
            name = names.setdefault(row.owner.casefold(), row.owner)
            groups.setdefault(name, []).append(row)
        return list(groups.items())

    def overdue_by_owner(self) -> list[tuple[str, list[ActionRow]]]:
        """Owners with their overdue actions; the owner with the most overdue action first."""
        return self.by_owner(["overdue"])


@dataclass
class Catalog:
    incidents: dict[str, Incident]
    severities: list[str]
    _newest_first: list[Incident] | None = field(default=None, init=False, repr=False, compare=False)

    def newest_first(self) -> list[Incident]:
        if self._newest_first is None:  # sorted once: every index page starts from this order
            self._newest_first = sorted(self.incidents.values(), key=lambda i: i.sort_key, reverse=True)
        return list(self._newest_first)

    def by_severity(self) -> list[tuple[str, list[Incident]]]:
        """Configured severities in order (most severe first), newest first within each; empty ones kept."""
        groups: dict[str, list[Incident]] = {s: [] for s in self.severities}
        for incident in self.newest_first():
            groups.setdefault(incident.severity, []).append(incident)
        return list(groups.items())

    def by_month(self) -> list[tuple[int, list[tuple[int, list[Incident]]]]]:
        """[(year, [(month, incidents)])], newest first."""
        years: dict[int, dict[int, list[Incident]]] = {}
        for incident in self.newest_first():
            year, month = incident.month
            years.setdefault(year, {}).setdefault(month, []).append(incident)
        return [(year, list(months.items())) for year, months in years.items()]

    def _grouped(self, attribute: str) -> list[tuple[str, list[Incident]]]:
        groups: dict[str, list[Incident]] = {}
        for incident in self.newest_first():
            for name in getattr(incident, attribute):
                groups.setdefault(name, []).append(incident)
        return sorted(groups.items(), key=lambda kv: kv[0].lower())

    def by_service(self) -> list[tuple[str, list[Incident]]]:
        return self._grouped("services")

    def by_tag(self) -> list[tuple[str, list[Incident]]]:
        return self._grouped("tags")

    def actions(self) -> list[Action]:
        return [a for incident in self.newest_first() for a in incident.actions]

    def action_report(self, as_of: dt.date, owner: str | None = None) -> ActionReport:
        actions = [a for a in self.actions() if owner is None or (a.owner or "").casefold() == owner.casefold()]
        overdue = sorted((a for a in actions if a.is_overdue(as_of)), key=lambda a: a.sort_key)  # most overdue first
        due_soon = sorted((a for a in actions if a.is_due_within(as_of, DUE_SOON_DAYS)), key=lambda a: a.sort_key)
        pressing = {id(a) for a in (*overdue, *due_soon)}
        later = sorted((a for a in actions if a.is_open and id(a) not in pressing), key=lambda a: a.sort_key)
        return ActionReport(
            as_of=as_of,
            overdue=overdue,
            due_soon=due_soon,
            later=later,
            open_count=sum(a.is_open for a in actions),
            closed_counts={status: sum(a.status == status for a in actions) for status in CLOSED_STATUSES},
            total=len(actions),
        )


def build_catalog(
    entries: Iterable[tuple[Document, str]], severities: Sequence[str], unpublished: Mapping[str, str] | None = None
) -> Catalog:
    """A catalog of valid documents, each given with its src_uri (path under docs_dir).

    `unpublished`: id -> title of valid post-mortems the site leaves out (drafts); a reference to
    one is kept as an `UnpublishedReference`.

    Callers pass only documents that passed `check`; references to ids that
    are missing (possible with on_invalid: warn) are skipped here.
    """
    incidents: dict[str, Incident] = {}
    for doc, src_uri in entries:
        meta = doc.meta or {}
        incident = Incident(
            id=meta["id"],
            title=meta["title"],
            date=_date(meta["date"]) or dt.date.min,  # valid documents only: the schema checked the day
            severity=meta["severity"],
            status=meta["status"],
            src_uri=src_uri,
            meta=meta,
            path=doc.path,
        )
        timing = meta.get("timing") or {}
        for name in TIMING_ORDER:
            when = parse_date_time(timing[name]) if isinstance(timing.get(name), str) else None
            if when is not None:
                incident.timing[name] = when
        for index, item in enumerate(meta.get("actions") or []):
            incident.actions.append(
                Action(
                    incident=incident,
                    index=index,
                    title=item["title"],
                    owner=item.get("owner"),
                    due=_date(item.get("due")),
                    status=item["status"],
                    priority=item.get("priority"),
                    term=item.get("term"),
                    type=item.get("type"),
                    ticket=item.get("ticket"),
                    closed=_date(item.get("closed")),
                )
            )
        incidents.setdefault(incident.id, incident)
    for incident in incidents.values():
        for item in incident.meta.get("references") or []:
            target = incidents.get(reference_id(item) or "")
            relation = reference_relation(item)
            if target is None and (unpublished or {}).get(ident := reference_id(item) or "") is not None:
                incident.unpublished_references.append(UnpublishedReference(ident, (unpublished or {})[ident], relation))
            if target is None or target is incident:
                continue
            ref = Reference(incident, target, relation)
            incident.references.append(ref)
            target.backlinks.append(ref)
    for incident in incidents.values():
        incident.backlinks.sort(key=lambda r: r.source.sort_key, reverse=True)
    return Catalog(dict(sorted(incidents.items())), list(severities))


def _date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None


def resolve_as_of(option: dt.date | None, environ: dict[str, str] | os._Environ[str] | None = None) -> dt.date:
    """The report's "as of" date: the option, else SOURCE_DATE_EPOCH, else today.

    Raises ValueError, with a message for people, when SOURCE_DATE_EPOCH is not a Unix timestamp.
    """
    if option is not None:
        return option
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise ValueError(
                f"SOURCE_DATE_EPOCH: {epoch!r} is not a Unix timestamp (whole seconds since 1970-01-01 UTC)"
            ) from None
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a day between the years 1 and 9999") from None
    return dt.date.today()
