"""Every output by format name, in one place: problems, action reports, and the files a site exports.

- `PROBLEM_FORMATS`: text for people, github annotations for CI, json for tools (`postmortem validate --format`).
- `ACTION_FORMATS`: table, csv, json (`postmortem actions --format`).
- `STATS_FORMATS`: table, json (`postmortem stats --format`): the metrics page's figures.
- `EXPORTS`: files written next to the generated pages, in the built site by the plugin and in
  `postmortem render`'s folder (a data file, a CSV, a calendar): one `Export` entry each.

A new format or export is one function and one entry here; the commands'
`--format` choices and the files written follow from these registries.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from .catalog import Action, ActionReport, ActionRow, Catalog, Incident
from .metrics import FEW, Metrics
from .model import DUE_SOON_DAYS, Problem, in_words, page_url, slug

if TYPE_CHECKING:  # imported where a calendar is written: `postmortem validate` imports this module, never icalendar
    import icalendar

# --- problems --------------------------------------------------------------------------------


def summary(problems: Sequence[Problem], checked: int) -> str:
    if not problems:
        return f"{checked} post-mortem{'s' if checked != 1 else ''} checked, all valid"
    files = len({p.path for p in problems})
    if files > checked:  # a link in the folder that loops is a problem but not a post-mortem
        return f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} files ({checked} post-mortems checked)"
    return (
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} of {checked} "
        f"post-mortem{'s' if checked != 1 else ''}"
    )


def problems_text(problems: Sequence[Problem], checked: int) -> str:
    return "\n".join([*(str(p) for p in problems), summary(problems, checked)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def problems_github(problems: Sequence[Problem], checked: int) -> str:
    """GitHub Actions workflow commands: each problem shows on the pull request's diff."""
    lines = []
    for p in problems:
        title = f",title={_escape_property(p.field)}" if p.field else ""
        message = f"{p.field}: {p.message}" if p.field else p.message
        lines.append(f"::error file={_escape_property(p.path)},line={p.line}{title}::{_escape_data(message)}")
    lines.append(summary(problems, checked))
    return "\n".join(lines)


def problems_json(problems: Sequence[Problem], checked: int) -> str:
    return json.dumps(
        {
            "valid": not problems,
            "checked": checked,
            "invalid_files": len({p.path for p in problems}),
            "problems": [p.as_dict() for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )


ProblemWriter = Callable[[Sequence[Problem], int], str]
PROBLEM_FORMATS: dict[str, ProblemWriter] = {"text": problems_text, "github": problems_github, "json": problems_json}


# --- action reports ----------------------------------------------------------------------------


_COLUMNS = [
    ("state", "State"),
    ("days_overdue", "Days over"),
    ("due", "Due"),
    ("owner", "Owner"),
    ("priority", "Prio"),
    ("status", "Status"),
    ("incident", "Incident"),
    ("action", "Action"),
]


def actions_table(rows: Sequence[ActionRow], report: ActionReport) -> str:
    """For people: states and statuses in words."""
    head = (
        f"As of {report.as_of.isoformat()}: {len(report.overdue)} overdue, "
        f"{len(report.due_soon)} due soon (within {DUE_SOON_DAYS} days), {len(report.later)} later; "
        f"{report.open_count} open of {report.total} actions"
    )
    if not rows:
        return head
    words = {"state", "status"}
    shown = [{k: in_words(v) if k in words else str(v) for k, v in row.as_dict().items()} for row in rows]
    cells = [[title for _, title in _COLUMNS], *([r[key] for key, _ in _COLUMNS] for r in shown)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", head])


#: Cells a spreadsheet reads as a formula (OWASP's "CSV injection"): such a text cell gets a leading
#: apostrophe, which spreadsheets show as text and do not display. Numbers are written as numbers.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Rows (`ActionRow.as_dict`) as RFC 4180 CSV (CRLF line ends, quoted where needed), formula-safe
    cells: the header's line, then each row's, made as they are read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for cells in itertools.chain([ActionRow.FIELDS], ([_cell(v) for v in row.values()] for row in rows)):
        writer.writerow(cells)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def _csv_text(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(_csv_lines(rows))


def actions_csv(rows: Sequence[ActionRow], report: ActionReport) -> str:
    """For spreadsheets and scripts: the row's plain values, states and statuses as the schema spells them."""
    return _csv_text(row.as_dict() for row in rows)


def actions_json(rows: Sequence[ActionRow], report: ActionReport) -> str:
    return json.dumps(
        {
            "as_of": report.as_of.isoformat(),
            "totals": {
                "overdue": len(report.overdue),
                "due_soon": len(report.due_soon),
                "later": len(report.later),
                "open": report.open_count,
                **report.closed_counts,
                "all": report.total,
            },
            "actions": [row.as_dict() for row in rows],
        },
        indent=2,
        ensure_ascii=False,
    )


ActionWriter = Callable[[Sequence[ActionRow], ActionReport], str]
ACTION_FORMATS: dict[str, ActionWriter] = {"table": actions_table, "csv": actions_csv, "json": actions_json}


# --- the metrics page's figures ------------------------------------------------------------------


def _columns(rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    """Rows as aligned text columns: the first left-aligned, the others (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) if i < right_from else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def stats_table(m: Metrics) -> str:
    """For people: incidents by year and severity, time to resolve, actions, top services."""
    from .render import minutes  # here, not at the top: `postmortem validate` imports this module, never the renderer

    since = f" dated {m.since.isoformat()} or later" if m.since else ""
    lines = [f"{m.incidents} published incident{'s' if m.incidents != 1 else ''}{since}, as of {m.as_of.isoformat()}", ""]
    head = ["Incidents", *m.severities, "All"]
    years = [[str(year), *(str(counts[s]) for s in m.severities), str(sum(counts.values()))] for year, counts in m.by_year]
    totals = ["All", *(str(sum(m.counts[s])) for s in m.severities), str(m.incidents)]
    lines += [*_columns([head, *years, totals]), ""]
    rows = [["Time to resolve", "Median", "90th percentile", "Incidents"]]
    for s, f in m.times["time to resolve"].items():
        mark = f" (fewer than {FEW})" if f.few else ""
        rows.append([s, minutes(f.median), minutes(f.p90), f"{f.n}{mark}"])
    lines += [*_columns(rows), ""]
    closed = "".join(f", {count} {in_words(status)}" for status, count in m.closed.items())
    lines.append(f"Actions: {m.open} open, {m.overdue} overdue{closed}; {m.actions} in all")
    if m.on_time_share is not None:
        lines.append(
            f"Closed by their due date: {round(100 * m.on_time_share)} % ({m.closed_on_time} of {m.closed_judged} "
            "closed actions with both a due and a closed date)"
        )
    if m.closed_undated:
        lines.append(f"Closed without a closed date (left out of the backlog and the on-time share): {m.closed_undated}")
    if m.top_services:
        lines.append("Top services: " + ", ".join(f"{name} {count}" for name, count in m.top_services))
    return "\n".join(lines)


def stats_json(m: Metrics) -> str:
    """For tools: every figure of the metrics page (`Metrics.as_dict`)."""
    return json.dumps(m.as_dict(), indent=2, ensure_ascii=False)


STATS_FORMATS: dict[str, Callable[[Metrics], str]] = {"table": stats_table, "json": stats_json}


# --- files a site exports ----------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """What an export is written from: the published catalog, the build's date, and where its pages land."""

    catalog: Catalog  # drafts (unless published) and private_fields are already out of it: see pipeline.build
    as_of: dt.date
    folder: str  # the post-mortem folder under docs_dir: the exports are written into it
    directory_urls: bool = True  # MkDocs' use_directory_urls
    site_url: str = ""  # MkDocs' site_url ending in "/", or "" when the site has none

    def url(self, incident: Incident) -> str:
        """The incident page's URL relative to the site's root (`postmortems/inc-42/`)."""
        return page_url(incident.src_uri, self.directory_urls)

    def absolute_url(self, incident: Incident) -> str:
        """The page's full URL when site_url is set; else the URL relative to the site's root."""
        return urljoin(self.site_url, self.url(incident)) if self.site_url else self.url(incident)

    @functools.cached_property
    def calendar_entries(self) -> dict[int, bytes]:
        """Every open action's calendar entry (see `calendar_entries`), made once for all the feeds."""
        return calendar_entries(self)


#: A file's contents: its bytes, or pieces of bytes in order, made as they are written. The bundled
#: exports write pieces, so none is ever one object of megabytes: each such block a build freed
#: raised glibc's threshold for handing memory back to the system, and the search index written at
#: the end of the build then peaked 20 MiB higher at 5,000 incidents (docs/performance.md, "Memory").
Contents = bytes | Iterable[bytes]


@dataclass(frozen=True)
class Export:
    """A file (or a folder of files) written next to the generated pages, under the post-mortem folder."""

    name: str  # file name under the post-mortem folder, e.g. "actions.csv"; a folder for a writer of several files
    # the file's contents, or (a folder) each file's name -> its contents; deterministic: same catalog, same bytes
    write: Callable[[Published], Contents | Mapping[str, Contents]]

    def files(self, published: Published) -> Iterator[tuple[str, Iterable[bytes]]]:
        """Each file it writes: its name under the export (`""` for a single file) and its pieces of bytes."""
        written = self.write(published)
        files = written.items() if isinstance(written, Mapping) else [("", written)]
        for name, contents in files:
            yield name, (contents,) if isinstance(contents, bytes) else contents


# -- incidents.json (docs/exports.md; its schema: schema/incidents.schema.json)

INCIDENTS_JSON = "incidents.json"
#: The version of the incidents.json format: raised when a field changes meaning or goes away.
INCIDENTS_JSON_VERSION = 1


def _plain(value: Any) -> Any:
    """A front-matter value as JSON can hold it: dates as ISO strings (the loader already gives strings;
    a caller's dict may not), keys as strings, NaN and infinities as their YAML text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    return value


def incident_record(incident: Incident, published: Published) -> dict[str, Any]:
    """One incident in incidents.json: its front matter, its page and the figures derived from it."""
    closed, overdue, total = incident.action_counts(published.as_of)
    return {
        "id": incident.id,
        "url": published.url(incident),
        "front_matter": _plain(incident.meta),
        "duration_minutes": incident.duration_minutes,
        # the catalog's durations (catalog.DURATIONS), named as in JSON: "time to detect" -> "time_to_detect"
        "durations_minutes": {name.replace(" ", "_"): minutes for name, _, _, minutes in incident.durations()},
        "actions": {"total": total, "open": total - sum(closed.values()), "overdue": overdue, **closed},
    }


def _json(value: Any) -> str:
    # compact and sorted: the same bytes from the same data, a third smaller than indented JSON
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def incidents_json(published: Published) -> Iterator[bytes]:
    """Every published incident, one per line (sorted by id), so a diff or grep shows one incident a line."""
    catalog = published.catalog
    head = {"as_of": published.as_of.isoformat(), "severities": list(catalog.severities), "version": INCIDENTS_JSON_VERSION}
    yield (_json(head)[:-1] + ',"incidents":[').encode("utf-8")
    separator = b"\n"
    for incident in catalog.incidents.values():
        yield separator + _json(incident_record(incident, published)).encode("utf-8")
        separator = b",\n"
    yield b"]}\n" if separator == b"\n" else b"\n]}\n"


# -- actions.csv

ACTIONS_CSV = "actions.csv"


def actions_csv_export(published: Published) -> Iterator[bytes]:
    """Every action, open and closed, newest incident first: the columns of `postmortem actions --format csv`,
    UTF-8 with a byte order mark (so spreadsheets read it as UTF-8)."""
    rows = (ActionRow.of(a, published.as_of).as_dict() | {"path": a.incident.src_uri} for a in published.catalog.actions())
    # path: the file under docs_dir, the same wherever the site is built from (the terminal's is relative to where you are)
    yield codecs.BOM_UTF8
    yield from (line.encode("utf-8") for line in _csv_lines(rows))


# -- actions.ics and one feed per owner

ACTIONS_ICS = "actions.ics"
OWNER_FEEDS = "actions"  # actions/<owner-slug>.ics
_PRODID = "-//mkdocs-postmortem//open corrective actions//EN"
_UID_DOMAIN = "mkdocs-postmortem"
#: How often a subscribed calendar should fetch the feed again (RFC 7986 REFRESH-INTERVAL; Outlook reads
#: X-PUBLISHED-TTL): a hint, which apps may stretch (Google Calendar refreshes on its own schedule).
REFRESH_HOURS = 12


def action_uid(action: Action) -> str:
    """A calendar entry's UID: from the incident's id and the action's ticket, else its title.

    Stable while those stay the same, so a subscribed calendar updates the entry instead of adding
    another; a new title (of an action without ticket) is a new entry. Actions of one incident with
    the same ticket (or title) are told apart by their order among those.
    """
    key = action.ticket or action.title
    same = [a for a in action.incident.actions if (a.ticket or a.title) == key]
    nth = next(n for n, a in enumerate(same, 1) if a is action)
    digest = hashlib.sha256("\n".join([action.incident.id, key, *([str(nth)] if nth > 1 else [])]).encode()).hexdigest()
    return f"{slug(action.incident.id)}-{digest[:20]}@{_UID_DOMAIN}"


#: RFC 5545 folds a content line of 75 octets or more (icalendar: before the 75th octet).
FOLD_AT = 75


def fold(line: str) -> bytes:
    """A content line as icalendar writes it (`Contentline.to_ical`), folded where it must be.

    icalendar (7.3 and later, as required) folds by walking every character of the line, a third of
    a calendar's time, though nearly every line of an entry is shorter than 75 octets and comes out
    unchanged. An ASCII line is cut here into the same pieces (74 octets each, an escape's backslash
    or caret moved to the next piece, as icalendar does); any other line is left to icalendar
    (tests/test_exports.py compares both)."""
    data = line.encode("utf-8")
    if len(data) < FOLD_AT:
        return data
    if len(data) != len(line):  # characters of more than one octet: icalendar's own fold
        from icalendar.parser import Contentline

        folded: bytes = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
        return folded
    pieces, start, width = [], 0, FOLD_AT - 1
    while len(line) - start > width:
        end = start + width
        if line[end - 1] in "\\^":  # never split an escape: its first character starts the next piece
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return "\r\n ".join(pieces).encode("ascii")


def ical_bytes(component: icalendar.Component) -> bytes:
    """`component.to_ical()`, byte for byte, each line folded by `fold`."""
    return b"\r\n".join(fold(line) if line else b"" for line in component.content_lines())


def entry_properties(action: Action, published: Published, stamp: dt.datetime) -> list[tuple[str, Any]]:
    """An open action's calendar entry: its properties and their values, in the order icalendar
    writes an event's (`Event.canonical_order`, then by name)."""
    assert action.due is not None
    incident = action.incident
    details = [
        f"Incident: {incident.id} {incident.title}",
        f"Owner: {action.owner or 'no owner'}",
        *([f"Priority: {action.priority}"] if action.priority else []),
        f"Status: {in_words(action.status)}",
        *([f"Ticket: {action.ticket}"] if action.ticket else []),
    ]
    return [
        ("SUMMARY", f"{action.title} ({action.owner or 'no owner'}, {incident.id})"),
        ("DTSTART", action.due),
        # an all-day entry ends the next day (RFC 5545, 3.6.1)
        *([("DTEND", action.due + dt.timedelta(days=1))] if action.due < dt.date.max else []),
        ("DTSTAMP", stamp),
        ("UID", action_uid(action)),
        ("DESCRIPTION", "\n".join(details)),
        ("TRANSP", "TRANSPARENT"),  # a due date, not a meeting: never shown as busy
        ("URL", published.absolute_url(incident)),
    ]


def entry_bytes(properties: Sequence[tuple[str, Any]]) -> bytes:
    """The VEVENT of these properties, as `icalendar.Event` with each `add`ed writes it (its types
    escape and format each value), without building the component: at 1,000 incidents, building
    one per open action was 0.2 s of the build."""
    import icalendar

    types = icalendar.Event.types_factory
    lines = [b"BEGIN:VEVENT"]
    for name, value in properties:
        prop = types.for_property(name)(value)
        params = prop.params.to_ical(sorted=True).decode("utf-8") if prop.params else ""  # as Contentline.from_parts
        written = prop.to_ical().decode("utf-8")
        lines.append(fold(f"{name};{params}:{written}" if params else f"{name}:{written}"))
    lines.append(b"END:VEVENT\r\n")
    return b"\r\n".join(lines)


def _calendar(actions: Iterable[Action], published: Published, name: str) -> Iterator[bytes]:
    """A calendar of the open actions among `actions`, soonest due first.

    Each entry is serialised once per build (`Published.calendar_entries`: the feed and the owners'
    feeds share them) and joined inside the calendar, as icalendar writes subcomponents: at 5,000
    incidents, one big component tree took twice as long per incident as at 500.
    """
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=REFRESH_HOURS), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", f"PT{REFRESH_HOURS}H")
    head, end = ical_bytes(calendar), b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    entries = published.calendar_entries
    chosen = sorted((a for a in actions if id(a) in entries), key=lambda a: (a.due or dt.date.max, a.incident.id, a.index))
    yield head[: -len(end)]
    yield from (entries[id(a)] for a in chosen)
    yield end


def calendar_entries(published: Published) -> dict[int, bytes]:
    """id(action) -> its VEVENT, serialised, for every open action with a due date."""
    stamp = dt.datetime.combine(published.as_of, dt.time(), dt.UTC)  # the build's date, not the clock
    return {
        id(a): entry_bytes(entry_properties(a, published, stamp))
        for a in published.catalog.actions()
        if a.is_open and a.due is not None
    }


def actions_ics(published: Published) -> Iterator[bytes]:
    """Every open action, an all-day event on its due date."""
    return _calendar(published.catalog.actions(), published, "Open corrective actions")


def owner_feed(owner: str) -> str:
    """The file name of an owner's feed under `actions/`: the owner's slug (`Dev Team` -> `dev-team.ics`).

    Owners whose names give the same slug share a feed; a name keeps its feed whatever else changes.
    """
    return f"{slug(owner.casefold())}.ics"


def owner_feeds(published: Published) -> dict[str, Iterator[bytes]]:
    """One feed per owner of any action, open or closed (a feed stays, empty, once all its actions are
    closed, so a subscription never ends in a 404): `actions/<owner-slug>.ics`."""
    owners: dict[str, list[Action]] = {}
    names: dict[str, str] = {}
    for action in published.catalog.actions():
        if action.owner:
            feed = owner_feed(action.owner)
            names.setdefault(feed, action.owner)
            owners.setdefault(feed, []).append(action)
    return {
        feed: _calendar(actions, published, f"Open corrective actions: {names[feed]}") for feed, actions in sorted(owners.items())
    }


#: The site's exports; the plugin writes each into the built site, `postmortem render` into its folder.
EXPORTS: tuple[Export, ...] = (
    Export(INCIDENTS_JSON, incidents_json),
    Export(ACTIONS_CSV, actions_csv_export),
    Export(ACTIONS_ICS, actions_ics),
    Export(OWNER_FEEDS, owner_feeds),
)


def export_files(published: Published) -> Iterator[tuple[str, Iterable[bytes]]]:
    """Every export's site path (`folder/name`, `folder/name/file` for a folder) and its pieces of
    bytes (see `Contents`: the plugin writes each piece as it is made)."""
    for export in EXPORTS:
        path = f"{published.folder}/{export.name}"
        for name, pieces in export.files(published):
            yield f"{path}/{name}" if name else path, pieces


def exports(published: Published) -> dict[str, bytes]:
    """Every export's site path -> its bytes (see `export_files`)."""
    return {path: b"".join(pieces) for path, pieces in export_files(published)}
