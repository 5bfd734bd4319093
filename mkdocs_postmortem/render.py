"""Render stage: the catalog -> Markdown pages and page decorations, through Jinja templates.

Every value that comes from a document is escaped for Markdown *and* HTML by
the environment's `finalize` hook, so a template cannot forget it; the few
fragments we build ourselves (links, badges) are marked safe with `Markup`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import listings as listings_module
from .catalog import ACTION_STATES, Action, ActionReport, ActionRow, Catalog, Incident, UnpublishedReference
from .listings import Dimension, Listing, by_month, by_state, by_year, file_names, split
from .metrics import FEW, MEASURES, RECURRENCES_SHOWN, TREND_MONTHS, Metrics, compute
from .model import (
    DAY_LENGTH,
    DUE_SOON_DAYS,
    ID_CLASS,
    RELATION_WORDS,
    Document,
    Timestamp,
    in_words,
    page_dest,
    relative_path,
    slug,  # class names of severities and states
)
from .schema import CLOSED_STATUSES, is_identifier

#: Generated pages in the nav: file name under the post-mortem folder -> (template, nav title).
#: The by-severity, timeline, by-service, by-tag and open-actions pages summarise; each severity,
#: year, service, tag and owner has its own page (or pages) under the folder named after the
#: summary (`severity/p0.md`, `timeline/2025.md`, ...: see LISTINGS), reached by links, not in the nav.
PAGES: dict[str, tuple[str, str]] = {
    "index.md": ("index.md.j2", "Overview"),
    "severity.md": ("severity.md.j2", "By severity"),
    "timeline.md": ("timeline.md.j2", "Timeline"),
    "services.md": ("services.md.j2", "By service"),
    "tags.md": ("tags.md.j2", "By tag"),
    "actions.md": ("actions.md.j2", "Open actions"),
    "metrics.md": ("metrics.md.j2", "Metrics"),
}

#: The listings under each summary page: the summary's file stem (also their folder) -> the
#: dimensions a listing too long for a page is split along, in order (see listings.split).
LISTINGS: dict[str, tuple[Dimension, ...]] = {
    "severity": (by_year, by_month),
    "timeline": (by_month,),
    "services": (by_year, by_month),
    "tags": (by_year, by_month),
    "actions": (by_state,),
}

#: Beside a draft's title in every list that shows one (`mkdocs serve`, or a site with `drafts: publish`).
DRAFT_LABEL = Markup('<span class="pm-label pm-label-draft">draft</span>')

#: Above a draft's page, wherever one is shown (`mkdocs serve`, or a site with `drafts: publish`).
DRAFT_BANNER = (
    '!!! warning pm-draft "Draft"\n\n    This post-mortem is a draft: it is still being written and has not been reviewed.\n\n'
)

# Characters that mean something to Markdown or HTML anywhere in a line.
_MD_SPECIAL = "\\`*_{}[]()#+!|<>&\"'~=:$^"
# each special as a numeric entity; a line break as a space (a line of its own must not start a list,
# quote or heading). One str.translate: every value of every page goes through it.
_MD_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _MD_SPECIAL} | {ord("\r"): " ", ord("\n"): " "}
# Whether a text has anything to escape: one C scan. Most values (ids, names, dates, titles) have
# nothing, and str.translate looks every character up in the table above, four times slower.
_MD_ESCAPED = re.compile("[" + re.escape(_MD_SPECIAL) + "\r\n]")


def md_escape(value: object) -> str:
    """Text shown literally by Markdown and HTML: specials become numeric entities."""
    if value is None:
        return ""
    text = str(value)
    return text.translate(_MD_ESCAPES) if _MD_ESCAPED.search(text) else text


def _finalize(value: object) -> object:
    if isinstance(value, Markup):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return md_escape(value)


#: A listing page's heading, by the key of LISTINGS; `{}` is what it lists ("P0, March 2025").
HEADINGS = {
    "severity": "Severity {}",
    "timeline": "Incidents in {}",
    "services": "Service {}",
    "tags": "Tag {}",
    "actions": "Open actions owned by {}",
}


def heading(kind: str, lineage: list[Listing]) -> str:
    """ "Service checkout-api, March 2025": the names down to this listing, a year left out before its month."""
    names = [listing.name for listing in lineage]
    kept = [name for name, after in zip(names, [*names[1:], ""], strict=True) if not after.endswith(" " + name)]
    return HEADINGS[kind].format(", ".join(kept))


def by_month_of(incidents: Iterable[Incident]) -> list[tuple[Incident, list[Incident]]]:
    """Incidents (newest first) grouped by month, in order: [(the month's first incident, its incidents)]."""
    groups: dict[tuple[int, int], list[Incident]] = {}
    for incident in incidents:
        groups.setdefault((incident.date.year, incident.date.month), []).append(incident)
    return [(members[0], members) for members in groups.values()]


def month_anchor(date: dt.date) -> str:
    """The anchor of a month on the timeline: y2025-03."""
    return f"y{date.year}-{date.month:02d}"


def minutes(value: int | None) -> str:
    if value is None:
        return "—"
    if value < 60:
        return f"{value} min"
    hours, rest = divmod(value, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def number(value: object) -> str:
    """A count as people read it: 30000 -> "30,000"."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Moment:
    """One timing moment as the card shows it: in UTC, and as written when the author gave another offset."""

    name: str  # "root caused"
    iso: str  # for <time datetime>
    utc: str  # "14:29" or "2025-12-03 04:29" (the date when it differs from the one shown before)
    written: str  # "" when written in UTC, else "16:29 +02:00" (with its date when that differs)


def moments(incident: Incident) -> list[Moment]:
    """The incident's timing moments in order; a date is shown only where it changes (the first against `date`)."""
    out = []
    shown = incident.date
    for name, when in incident.timing.items():
        offset = when.utcoffset() or dt.timedelta(0)
        utc = when.astimezone(dt.UTC)
        text = utc.strftime("%H:%M") if utc.date() == shown else utc.strftime("%Y-%m-%d %H:%M")
        shown = utc.date()
        written = ""
        if offset:
            local = when.strftime("%H:%M") if when.date() == utc.date() else when.strftime("%Y-%m-%d %H:%M")
            sign, rest = ("-", -offset) if offset < dt.timedelta(0) else ("+", offset)
            hours, seconds = divmod(int(rest.total_seconds()), 3600)
            written = f"{local} {sign}{hours:02d}:{seconds // 60:02d}"
        # Markup: digits, dashes, colons and a sign only, nothing to escape
        out.append(Moment(in_words(name), Markup(utc.isoformat()), Markup(text), Markup(written)))
    return out


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for a Markdown link, else None (javascript:, data:, relative, ...)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url.strip()):
        return None
    return quote(url.strip(), safe=":/?#@!$&*+,;=%~-._")


def ticket_label(url: str) -> str:
    """A short label for a ticket URL: its key (.../browse/PROJ-1 -> PROJ-1) or its last two segments (issues/88)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return urlsplit(url).netloc
    if segments[-1].isdigit() and len(segments) > 1:
        return "/".join(segments[-2:])
    return segments[-1]


def inline(search: str = "html", *, caller: Callable[[], str]) -> Markup:
    """`{% call stash() %}html{% endcall %}` when the HTML stays in the Markdown: for an engine that
    renders the Markdown itself (`postmortem render`), where it is written as raw HTML blocks."""
    return Markup(without_search_marks(caller()))


_TAG = re.compile(r"<[^>]*>")

#: Around a part of a block searched as text that search leaves out: words every incident's page
#: has (the card's times and durations, a table's column names), with which every incident would
#: match a search for "detected" or "owner" and every result's preview would start.
UNSEARCHED, SEARCHED = "<!--pm-unsearched-->", "<!--/pm-unsearched-->"
_UNSEARCHED = re.compile(f"{re.escape(UNSEARCHED)}.*?{re.escape(SEARCHED)}", re.DOTALL)


def unsearched(html: str) -> str:
    return f"{UNSEARCHED}{html}{SEARCHED}"


def searched_words(html: str) -> str:
    """The words search indexes for a block searched as text: its text, less its `unsearched` parts."""
    return " ".join(_TAG.sub(" ", _UNSEARCHED.sub(" ", html)).split())


def without_search_marks(html: str) -> str:
    return html.replace(UNSEARCHED, "").replace(SEARCHED, "") if UNSEARCHED in html else html


#: Renderer.decorations, or a function like it: (incident, own title, stash) -> (above the body, below it)
Decorations = Callable[["Incident", "str | None", "Stash | None"], tuple[str, str]]


class Stash:
    """HTML blocks a page's Markdown carries as one-word markers, put back into the page's HTML once
    Markdown has rendered it (`restore`): the card, the footer and the generated lists are HTML
    already, and Python-Markdown's raw-HTML parser took half of a post-mortem page's Markdown time
    reading them back. For an engine that renders the Markdown itself (`postmortem render`) the
    templates' `stash` is `inline`, which leaves the HTML in place.

    A marker is a paragraph of its own (`pmstash<token>n<k>`); `token` is random per build, so no
    document's text is a marker. A block made with `search="text"` (the card: a hundred elements
    around a few words) is first put back as its words alone, a paragraph between two comments, which
    the search plugin indexes (finding an incident by its service or tag) and feeds may quote; the
    finished page gets the block (`finish`). Search parsing the card's HTML took a third of a
    post-mortem page's indexing time. Its `unsearched` parts are left out of those words (a block
    with no words left is put back as the two comments alone); `search="none"` leaves a whole block
    out of search (the overview's table of incidents, which search finds on their own pages).
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.blocks: list[tuple[str, str | None]] = []  # (HTML, its words when searched as text)

    def __call__(self, search: str = "html", *, caller: Callable[[], str]) -> Markup:
        html = str(caller())
        words = "" if search == "none" else searched_words(html) if search == "text" else None
        self.blocks.append((without_search_marks(html), words))
        return Markup(f"\n\n{self.marker(len(self.blocks) - 1)}\n\n")

    def marker(self, k: int) -> str:
        return f"pmstash{self.token}n{k}"

    def restore(self, html: str) -> str:
        """Markdown's `html` with each marker's paragraph replaced by its block (or its words). A marker
        another extension moved out of its paragraph is replaced where it is; one that is gone is an
        error, never a silently lost card."""
        for k, (block, text) in enumerate(self.blocks):
            marker = self.marker(k)
            put = block if text is None else f"<!--{marker}-->{f'<p>{text}</p>' if text else ''}<!--/{marker}-->"
            paragraph = f"<p>{marker}</p>"
            if paragraph in html:
                html = html.replace(paragraph, put, 1)
            elif marker in html:
                html = html.replace(marker, put, 1)
            else:
                raise ValueError(f"a Markdown extension dropped HTML block {k} of this page (marker {marker})")
        return html

    def release(self) -> None:
        """Forget what `restore` put in the page's HTML, keeping what `finish` still needs: a site of
        thousands of post-mortems holds every page's stash from its Markdown to its template."""
        self.blocks = [(block, "") if text is not None else ("", None) for block, text in self.blocks]

    def digest(self) -> str:
        """A digest of the blocks: a generated page whose Markdown is unchanged shows new HTML when it changes."""
        return hashlib.sha256(repr(self.blocks).encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def unfinished(self) -> bool:
        """Whether a block is put back as its words until `finish`."""
        return any(text is not None for _, text in self.blocks)

    def indexed(self, html: str) -> str:
        """The page's HTML once search has indexed it: each block's words taken out again, its comments
        kept for `finish`. Nothing reads them after search but the template, whose output `finish`
        puts the block in; a page keeps its HTML to the end of the build, and its card's and footer's
        words were a fifth of it."""
        for k, (_, text) in enumerate(self.blocks):
            if text is not None:
                start, end = f"<!--{self.marker(k)}-->", f"<!--/{self.marker(k)}-->"
                first = html.find(start)
                last = html.find(end, first)
                if first >= 0 and last >= 0:  # one that is gone is finish's error, said there
                    html = html[: first + len(start)] + html[last:]
        return html

    def finish(self, html: str) -> str:
        """The finished page `html` with the words of each block searched as text replaced by the block."""
        for k, (block, text) in enumerate(self.blocks):
            if text is not None:
                start, end = f"<!--{self.marker(k)}-->", f"<!--/{self.marker(k)}-->"
                first, last = html.find(start), html.find(end)
                if first < 0 or last < first:
                    raise ValueError(f"the theme or a plugin dropped HTML block {k} of this page (comment {start})")
                html = html[:first] + block + html[last + len(end) :]
        return html


@functools.cache
def _environment() -> Environment:
    """The templates, compiled once per process: compiling them took most of each render (every
    `mkdocs serve` rebuild created a Renderer); the environment holds no state of a build."""
    env = Environment(
        loader=PackageLoader("mkdocs_postmortem", "templates"),
        auto_reload=False,  # the package's own files: no stat of the template on every get_template
        autoescape=False,  # Markdown, not HTML: escaping is `finalize`'s job
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["minutes"] = minutes
    return env


@dataclass
class Renderer:
    """Renders pages for one catalog; `page_uri` is the src_uri of the page being written."""

    catalog: Catalog
    folder: str  # the post-mortem folder under docs_dir, e.g. "postmortems"
    as_of: dt.date
    env: Environment
    report: ActionReport  # the open actions as of `as_of`
    listings: dict[str, dict[str, Listing]]  # LISTINGS key -> name (severity, year, service, tag, owner) -> its listing
    directory_urls: bool = True  # MkDocs' use_directory_urls: where a page lands, for links written as HTML
    metrics_since: dt.date | None = None  # the metrics page's first day (the `metrics_since` option)
    page_rows: int = listings_module.PAGE_ROWS  # the most rows a generated list page holds
    # Links written as HTML name the source page (`inc-1.md`), as Markdown links do: for an engine
    # that rewrites links in raw HTML too (Zensical; `postmortem render`). MkDocs does not.
    source_links: bool = False
    _listed_in: dict[str, Listing] = field(default_factory=dict, repr=False)  # incident id -> its timeline page
    _dests: dict[str, str] = field(default_factory=dict, repr=False)  # src_uri -> dest_uri: a page is linked to many times

    @classmethod
    def create(
        cls,
        catalog: Catalog,
        folder: str,
        as_of: dt.date,
        directory_urls: bool = True,
        metrics_since: dt.date | None = None,
        page_rows: int | None = None,
        *,
        source_links: bool = False,
    ) -> Renderer:
        """`page_rows`: the most rows a generated list page holds (default: listings.PAGE_ROWS)."""
        page_rows = listings_module.PAGE_ROWS if page_rows is None else page_rows
        env = _environment()
        report = catalog.action_report(as_of)  # one computation for the overview, the open-actions pages and their links
        groups: dict[str, list[tuple[str, list[Any]]]] = {
            "severity": catalog.by_severity(),
            "timeline": [(str(year), [i for _, month in months for i in month]) for year, months in catalog.by_month()],
            "services": catalog.by_service(),
            "tags": catalog.by_tag(),
            "actions": report.by_owner(),  # an open action with no owner (on_invalid: warn) is listed under "no owner"
        }
        listings: dict[str, dict[str, Listing]] = {}
        for kind, named in groups.items():
            files = file_names(name for name, _ in named)
            stem = posixpath.join(folder, kind)
            listings[kind] = {
                name: split(f"{stem}/{files[name]}", name or "no owner", rows, LISTINGS[kind], page_rows) for name, rows in named
            }
        renderer = cls(
            catalog, folder, as_of, env, report, listings, directory_urls, metrics_since, page_rows, source_links=source_links
        )
        for listing in listings["timeline"].values():
            for leaf in listing.leaves():
                renderer._listed_in.update((i.id, leaf) for i in leaf.rows)
        return renderer

    # --- links ------------------------------------------------------------

    def href(self, page_uri: str, target_uri: str, anchor: str = "") -> str:
        rel = relative_path(target_uri, posixpath.dirname(page_uri))
        return quote(rel) + (f"#{anchor}" if anchor else "")

    def link(self, page_uri: str, incident: Incident, text: str | None = None) -> Markup:
        """A link to an incident: its id (kept on one line) or the given text; a draft says so (see title_link)."""
        label = f" {DRAFT_LABEL}" if incident.is_draft else ""
        if text is None:
            return Markup(f"[{md_escape(incident.id)}]({self.href(page_uri, incident.src_uri)}){{: .pm-id }}{label}")
        return Markup(f"[{md_escape(text)}]({self.href(page_uri, incident.src_uri)}){label}")

    def plain_id(self, incident: Incident | UnpublishedReference) -> Markup:
        """An incident's id as text kept on one line, for rows whose title already links to the page."""
        return Markup(f'<span class="{ID_CLASS}">{md_escape(incident.id)}</span>')

    def dest_uri(self, src_uri: str) -> str:
        """Where MkDocs writes a page: `model.page_dest` with this site's `use_directory_urls`."""
        dest = self._dests.get(src_uri)
        if dest is None:
            dest = self._dests[src_uri] = page_dest(src_uri, self.directory_urls)
        return dest

    def page_url(self, src_uri: str) -> str:
        """A page's URL in the site, as MkDocs gives it (`File.url`): `postmortems/inc-1/` or `postmortems/inc-1.html`."""
        dest = self.dest_uri(src_uri)
        if self.directory_urls and posixpath.basename(dest) == "index.html":
            return posixpath.dirname(dest) + "/" if posixpath.dirname(dest) else "./"
        return dest

    def html_href(self, page_uri: str, target_uri: str) -> str:
        """A link from one page to another in HTML, which MkDocs does not rewrite as it does Markdown links."""
        if self.source_links:
            return self.href(page_uri, target_uri)
        target = self.dest_uri(target_uri)
        rel = relative_path(target, posixpath.dirname(self.dest_uri(page_uri)))
        if self.directory_urls and posixpath.basename(rel) == "index.html":
            rel = posixpath.dirname(rel) + "/" if posixpath.dirname(rel) else "./"
        return quote(rel)

    def title_link(self, page_uri: str, incident: Incident) -> Markup:
        """The one link of an incident's row in a generated list: its title, as HTML; a draft says so
        (drafts are listed only where they are shown: `mkdocs serve`, or `drafts: publish`)."""
        return self.html_incident_link(page_uri, incident, ' class="pm-title"')

    def html_incident_link(self, page_uri: str, incident: Incident, attributes: str = "") -> Markup:
        """A link to an incident, its title as text, as HTML (`attributes`: the renderer's own markup); a draft says so."""
        link = f'<a{attributes} href="{self.html_href(page_uri, incident.src_uri)}">{md_escape(incident.title)}</a>'
        return Markup(link + (f" {DRAFT_LABEL}" if incident.is_draft else ""))

    def severity_rank(self, incident: Incident) -> int:
        """0 for the most severe level of the site's scale; 99 for a severity the scale does not list."""
        return self.catalog.severities.index(incident.severity) if incident.severity in self.catalog.severities else 99

    def row_data(self, incident: Incident) -> Markup:
        """A list row's data-* attributes: what postmortem.js sorts and filters by (comma-free services: see identifier)."""
        rank = self.severity_rank(incident)
        values = {
            "severity": incident.severity,
            "rank": str(rank),
            "status": in_words(incident.status),
            "year": str(incident.date.year),
            "date": incident.date.isoformat(),
            "duration": "" if incident.duration_minutes is None else str(incident.duration_minutes),
            "services": ",".join(incident.services),
            "title": incident.title,
        }
        return Markup(" ".join(f'data-pm-{key}="{md_escape(value)}"' for key, value in values.items()))

    def index_link(self, page_uri: str, page: str, text: str, anchor: str = "") -> Markup:
        label = text if isinstance(text, Markup) else md_escape(text)
        return Markup(f"[{label}]({self.href(page_uri, posixpath.join(self.folder, page), anchor)})")

    def ticket(self, action: Action) -> Markup:
        """An action's ticket as a Markdown link (a URL, shown by its key) or as text."""
        if not action.ticket:
            return Markup("")
        url = safe_url(action.ticket)
        if url:
            return Markup(f"[{md_escape(ticket_label(action.ticket))}]({url})")
        return Markup(md_escape(action.ticket))

    def ticket_html(self, action: Action) -> Markup:
        """`ticket` as HTML, for the pages' HTML parts (MkDocs does not parse Markdown inside them)."""
        url = safe_url(action.ticket or "")
        if url:
            return Markup(f'<a href="{html_escape(url)}">{md_escape(ticket_label(action.ticket or ""))}</a>')
        return Markup(md_escape(action.ticket or ""))

    @staticmethod
    def cell(label: str, value: str | None) -> Markup:
        """A table cell carrying its column's name (a stacked row shows it on a phone); "—" when not stated."""
        column, label = f"pm-col-{slug(label)}", md_escape(label)
        if value is None or value == "":
            return Markup(f'<td class="{column} pm-none" data-label="{label}">&mdash;</td>')
        return Markup(f'<td class="{column}" data-label="{label}">{_finalize(value)}</td>')

    @staticmethod
    def overdue(days: int) -> Markup:
        """ "12 days overdue", in the overdue colour: on the open-actions page and an incident's actions."""
        return Markup(f'<span class="pm-state pm-overdue">{days} day{"s" if days != 1 else ""} overdue</span>')

    def state(self, row: ActionRow) -> Markup:
        """An open action's state, as the open-actions page shows it first: "12 days overdue", "due soon", "later"."""
        if row.days_overdue is not None:
            return self.overdue(row.days_overdue)
        return Markup(f'<span class="pm-state pm-{slug(row.state)}">{md_escape(in_words(row.state))}</span>')

    @staticmethod
    def state_counts(rows: Iterable[ActionRow]) -> str:
        """ "2 overdue, 1 later": how many of `rows` are in each state, states with none left out."""
        states = [row.state for row in rows]
        return ", ".join(f"{states.count(s)} {in_words(s)}" for s in ACTION_STATES if s in states)

    def export_link(self, page_uri: str, name: str, text: str) -> Markup:
        """A link to an export (`outputs.EXPORTS`; `folder/file` for a file of a folder export), or
        nothing when the site does not write it."""
        from . import outputs  # here, not at the top: outputs imports this module

        if name.split("/")[0] not in {export.name for export in outputs.EXPORTS}:
            return Markup("")
        return self.index_link(page_uri, name, text)

    def badge(self, severity: str) -> Markup:
        return Markup(f'<span class="pm-badge pm-sev-{slug(severity)}">{md_escape(severity)}</span>')

    def severity_counts(self, incidents: Iterable[Incident]) -> Markup:
        """How many of `incidents` have each severity, most severe first, severities with none left out."""
        counts: dict[str, int] = {}
        for incident in incidents:
            counts[incident.severity] = counts.get(incident.severity, 0) + 1
        order = sorted(counts, key=lambda s: (self.catalog.severities.index(s) if s in self.catalog.severities else 99, s))
        pairs = " ".join(f"<span>{self.badge(s)}&nbsp;{counts[s]}</span>" for s in order)  # kept together on a line
        return Markup(f'<span class="pm-sevs">{pairs}</span>')

    # --- the listings: a page per severity, year, service, tag and owner (see listings.py) ----------

    def html_listing_link(self, page_uri: str, kind: str, name: str) -> Markup:
        """`listing_link` as HTML, for the card (MkDocs does not parse Markdown inside it)."""
        return Markup(f'<a href="{self.html_href(page_uri, self.listings[kind][name].uri)}">{md_escape(name)}</a>')

    def listing_link(self, page_uri: str, kind: str, name: str, text: str | Markup | None = None, anchor: str = "") -> Markup:
        """A Markdown link to the page of one severity, year, service, tag or owner (a key of LISTINGS)."""
        label = text if isinstance(text, Markup) else md_escape(name if text is None else text)
        return Markup(f"[{label}]({self.href(page_uri, self.listings[kind][name].uri, anchor)})")

    def html_index_link(self, page_uri: str, page: str, text: str) -> Markup:
        """`index_link` as HTML (the breadcrumb, kept out of Markdown)."""
        return Markup(f'<a href="{self.html_href(page_uri, posixpath.join(self.folder, page))}">{md_escape(text)}</a>')

    def html_timeline_link(self, page_uri: str, incident: Incident) -> Markup:
        """A link to the month of the timeline that lists the incident, as HTML (the breadcrumb, kept out of Markdown)."""
        date = incident.date
        href = f"{self.html_href(page_uri, self._listed_in[incident.id].uri)}#{month_anchor(date)}"
        return Markup(f'<a href="{href}">{calendar.month_name[date.month]} {date.year}</a>')

    def listing_page(self, kind: str, listing: Listing, stash: Stash | None = None, **extra: Any) -> str:
        """One listing's page as Markdown: its rows, or links to the pages it is split into."""
        context = self._context(listing.uri, stash) | {
            "kind": kind,
            "listing": listing,
            "summary_title": PAGES[f"{kind}.md"][1],
            "month_anchor": month_anchor,
            "listing_href": lambda target: self.html_href(listing.uri, target.uri),
        }
        context.update(extra)
        return self.env.get_template("listing.md.j2").render(context)

    def pages(self, title: str, stash: Callable[[str], Stash] | None = None) -> dict[str, str]:
        """Every generated page, src_uri -> Markdown: those of PAGES first (in its order), then every listing's.

        `title` is the overview's heading (the plugin's nav_title). `stash`, if given, makes the Stash
        of a page (by its src_uri) that keeps the page's HTML blocks out of its Markdown."""
        out = {}
        for name in PAGES:
            uri = posixpath.join(self.folder, name)
            out[uri] = self.page(name, stash(uri) if stash else None, title=title)
        for kind, named in self.listings.items():
            for top in named.values():
                for listing in top.pages():
                    out[listing.uri] = self.listing_page(kind, listing, stash(listing.uri) if stash else None)
        return out

    # --- pages --------------------------------------------------------------

    def _context(self, page_uri: str, stash: Stash | None = None) -> dict[str, Any]:
        """What every template reads; `stash` keeps the page's HTML blocks out of its Markdown (see Stash)."""
        from . import outputs  # here, not at the top: outputs imports this module (minutes)

        return {
            "catalog": self.catalog,
            "as_of": self.as_of,
            "link": lambda incident, text=None: self.link(page_uri, incident, text),
            "plain_id": self.plain_id,
            "title_link": lambda incident: self.title_link(page_uri, incident),
            "html_incident_link": lambda incident: self.html_incident_link(page_uri, incident),
            "row_data": self.row_data,
            "index_link": lambda page, text, anchor="": self.index_link(page_uri, page, text, anchor),
            "ticket": self.ticket,
            "ticket_html": self.ticket_html,
            "overdue": self.overdue,
            "badge": self.badge,
            "export_link": lambda name, text: self.export_link(page_uri, name, text),
            "exports": {"incidents": outputs.INCIDENTS_JSON, "csv": outputs.ACTIONS_CSV, "ics": outputs.ACTIONS_ICS},
            "owner_feed": lambda owner: f"{outputs.OWNER_FEEDS}/{outputs.owner_feed(owner)}",
            "state": self.state,
            "state_counts": self.state_counts,
            "anchor": lambda name: Markup(f" {{#{slug(str(name))}}}"),
            "listings": self.listings,
            "listing_link": lambda kind, name, text=None, anchor="": self.listing_link(page_uri, kind, name, text, anchor),
            "html_link": lambda listing, text: Markup(
                f'<a href="{self.html_href(page_uri, listing.uri)}">{text if isinstance(text, Markup) else md_escape(text)}</a>'
            ),
            "severity_counts": self.severity_counts,
            "month_anchor": month_anchor,
            # Markup: a URL path (quoted by html_href), "#" and y2025-03, nothing to escape
            "month_href": lambda incident: Markup(
                f"{self.html_href(page_uri, self._listed_in[incident.id].uri)}#{month_anchor(incident.date)}"
            ),
            "index_link_to": lambda listing, text: Markup(f"[{md_escape(text)}]({self.href(page_uri, listing.uri)})"),
            "heading": heading,
            "by_month": by_month_of,
            "plural": lambda n, word: f"{number(n)} {word}{'' if n == 1 else 's'}",
            "relation_words": RELATION_WORDS,
            "page_titles": {name: title for name, (_, title) in PAGES.items()},
            "due_soon_days": DUE_SOON_DAYS,
            "closed_statuses": CLOSED_STATUSES,
            "in_words": in_words,
            "number": number,
            "month_names": calendar.month_name,
            "recent_count": 10,
            "page_rows": self.page_rows,
            "stash": inline if stash is None else stash,
        }

    def page(self, name: str, stash: Stash | None = None, **extra: Any) -> str:
        """One generated page (a key of PAGES) as Markdown; with a `stash`, its HTML blocks are markers (see Stash)."""
        template, _ = PAGES[name]
        page_uri = posixpath.join(self.folder, name)
        context = self._context(page_uri, stash) | {"page_title": PAGES[name][1], "report": self.report}
        if name == "metrics.md":
            context |= metrics_context(self.metrics())
        context.update(extra)
        return self.env.get_template(template).render(context)

    def metrics(self) -> Metrics:
        """The figures of the metrics page, which `postmortem stats` prints."""
        return compute(self.catalog, self.as_of, self.metrics_since)

    def header(self, incident: Incident, own_title: str | None = None, stash: Stash | None = None) -> str:
        """Breadcrumb, title and summary card, at the top of a post-mortem page (decorations.py).

        `own_title` is the body's own `# ...` line, kept as the title; else the title comes from the front matter.
        """
        from . import decorations  # here, not at the top: decorations imports this module

        return decorations.header(self, incident, own_title, inline if stash is None else stash)

    def decorate(self, incident: Incident, body: str, stash: Stash | None = None, decorations: Decorations | None = None) -> str:
        """A post-mortem's body with its header above and its footer below.

        A body that opens with its own `# Title` keeps it, above the card;
        otherwise the front matter's title is used. With a `stash`, the card and the footer's HTML
        are markers in the Markdown (see Stash); without, raw HTML blocks. `decorations`: what makes
        the header and footer, `self.decorations` or one that remembers them (serve.Rebuilds).
        """
        body = body.lstrip("\n")
        own_title = None
        if body.startswith("# "):
            own_title, _, body = body.partition("\n")
        above, below = (decorations or self.decorations)(incident, own_title, stash)
        return above + "\n" + body + "\n" + below

    def decorations(self, incident: Incident, own_title: str | None, stash: Stash | None) -> tuple[str, str]:
        """What `decorate` puts above a post-mortem's body (a draft's banner, the header) and below it (the footer)."""
        banner = DRAFT_BANNER if incident.is_draft else ""
        return banner + self.header(incident, own_title, stash), self.footer(incident, stash)

    def footer(self, incident: Incident, stash: Stash | None = None) -> str:
        """Corrective actions and related incidents, placed at the bottom of a post-mortem page (decorations.py)."""
        from . import decorations

        return decorations.footer(self, incident, inline if stash is None else stash)


def metrics_context(m: Metrics) -> dict[str, Any]:
    """What the metrics page's template reads: the figures, the charts (inline SVG) and a few sums."""
    # imported here: pygal takes a few tenths of a second to import, which every command that renders
    # nothing (`postmortem validate` in a pre-commit hook) would otherwise pay
    from .charts import backlog_chart, incidents_chart, times_chart

    timed = [s for s in m.severities if any(m.times[measure][s].n for measure in MEASURES)]
    has_times = bool(timed)
    return {
        "m": m,
        "measures": MEASURES,
        "few_incidents": FEW,
        "recurrences_shown": RECURRENCES_SHOWN,
        "trend_months": TREND_MONTHS,
        "window": lambda w: (
            f"{w.total} incident{'s' if w.total != 1 else ''}"
            + (" (" + ", ".join(f"{n} {s}" for s, n in w.counts.items() if n) + ")" if w.total else "")
        ),
        "any_few": any(f.few for by in m.times.values() for f in by.values()),
        "has_times": has_times,
        "timed_severities": timed,
        "untimed_severities": [s for s in m.severities if s not in timed],
        "period_totals": [sum(m.counts[s][i] for s in m.severities) for i in range(len(m.periods))],
        "on_time_percent": round(100 * m.on_time_share) if m.on_time_share is not None else None,
        "charts": {  # SVG drawn from numbers and the site's severities, escaped by the XML writer
            "incidents": incidents_chart(m),
            "median": times_chart(m, "median", minutes) if has_times else None,
            "p90": times_chart(m, "p90", minutes) if has_times else None,
            "backlog": backlog_chart(m) if m.actions else None,
        },
        "svg": lambda chart: Markup(chart.svg),
    }


# --- what a post-mortem page hands to the theme and to other plugins -----------------------


_TIMESTAMPS = yaml.constructor.SafeConstructor()


def _yaml_timestamp(text: str) -> dt.date | dt.datetime | str:
    """A date or date-time written unquoted as YAML reads it, or the text when YAML cannot read it."""
    try:
        value: dt.date = _TIMESTAMPS.construct_yaml_timestamp(yaml.ScalarNode("tag:yaml.org,2002:timestamp", text))
    except ValueError:
        return text
    return value


#: One object for each day: a site's pages repeat the same few thousand days (due dates, reviews),
#: and dates are immutable, so every page's meta may share them.
_yaml_day = functools.lru_cache(maxsize=4096)(_yaml_timestamp)


def as_yaml_reads(value: Any, _copies: dict[int, Any] | None = None) -> Any:
    """`value` with every date and date-time written unquoted (model.Timestamp) as YAML reads it, a
    date or datetime, as MkDocs' own reading of a front matter gives it; one YAML cannot read
    (2025-02-30) stays text.

    A list or mapping shared by aliases is copied once and stays shared, so the work is the size of
    the YAML, not of what its aliases expand to (MkDocs' reading of an invalid document can be an
    "alias bomb" of a billion items in nine lines); a recursive one stays recursive."""
    if isinstance(value, Timestamp):
        return (_yaml_day if len(value) == DAY_LENGTH else _yaml_timestamp)(str(value))
    if not isinstance(value, (list, dict)):
        return value
    copies = {} if _copies is None else _copies
    if id(value) in copies:
        return copies[id(value)]
    if isinstance(value, list):
        out: list[Any] = []
        copies[id(value)] = out
        out.extend(as_yaml_reads(v, copies) for v in value)
        return out
    mapping: dict[Any, Any] = {}
    copies[id(value)] = mapping
    mapping.update((k, as_yaml_reads(v, copies)) for k, v in value.items())
    return mapping


def page_meta(meta: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """A post-mortem page's `page.meta`, safe for every theme and plugin, whether the document validated or not.

    `meta` is the front matter as MkDocs read it. The decision, per kind of value (docs/plugin.md,
    "What reaches the theme"):

    - fields the schema does not know are dropped (a published invalid document must not steer the
      theme with `template`, `hide`, `status`, `subtitle`, ...);
    - identifier lists (`tags`, `services`) keep only the names the schema admits, which are safe
      unescaped: Material's search and tags plugins and feed categories print them as they are;
    - `title` becomes "ID: title" in plain text; `escape_title` makes it HTML, once, after
      mkdocs-rss-plugin (which escapes titles itself) has read it and before any template prints it;
    - `description` is the summary as HTML (escaped once): themes print it raw into
      `<meta name="description">`, and RSS descriptions and JSON Feed's content_html are HTML.
    """
    properties = schema.get("properties", {})
    meta = as_yaml_reads({key: value for key, value in meta.items() if key in properties})  # only what is kept
    ident = meta.get("id")
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if key not in properties:
            continue
        if key == "title":
            if isinstance(value, str) and value:
                out["title"] = f"{ident}: {value}" if isinstance(ident, str) and ident else value
        elif key == "summary":
            if isinstance(value, str) and value:
                out["summary"] = value
                out["description"] = html_escape(value)
        elif properties[key].get("items") == {"$ref": "#/$defs/identifier"}:
            if isinstance(value, list):
                out[key] = [v for v in value if isinstance(v, str) and v and is_identifier(v)]
        else:
            out[key] = value
    return out


def escape_title(meta: MutableMapping[str, Any]) -> None:
    """Make `page_meta`'s plain-text title the HTML themes print raw: the one place a post-mortem's title is escaped.

    The plugin calls it once other plugins have read the plain title (see its on_page_content);
    `postmortem render` calls it before writing the front matter, since an engine without the
    plugin prints the title as it finds it.
    """
    if isinstance(meta.get("title"), str):
        meta["title"] = html_escape(meta["title"])


def front_matter(meta: Mapping[str, Any]) -> str:
    """`meta` as a YAML front matter block, keys in their order."""
    return "---\n" + yaml.safe_dump(dict(meta), sort_keys=False, allow_unicode=True, width=1_000_000) + "---\n\n"


def invalid_body(doc: Document) -> str:
    """The Markdown an invalid post-mortem is published with (`on_invalid: warn`): its body, never its front matter.

    MkDocs renders a front matter it cannot read as Markdown, markup and all; the loader knows where
    the front matter ends. One that never ends is shown as the text it is, in a code block.
    """
    if doc.meta is None and doc.body_line == 1 and doc.body.lstrip("\ufeff").startswith("---"):
        longest = max((len(run) for run in re.findall(r"`+", doc.body)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}text\n{doc.body.rstrip()}\n{fence}\n"
    return doc.body
