"""A post-mortem page's decorations: the breadcrumb, title and summary card above the body, the
corrective actions and related incidents below it.

Written as Python, not as templates: they are on every page, and Jinja's calls back into the
renderer for each value took a third of a millisecond a page (half of the plugin's own work on a
post-mortem page at 500 incidents). Every value from a document goes through `esc` (render.md_escape:
shown literally by Markdown and HTML); what the renderer returns as Markup is HTML it built and
escaped already. HTML with entities (&rsaquo;, &rarr;, &middot;): a page's HTML stays ASCII when its
text is (Python then keeps it in one byte a character).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .model import INVERSE_RELATION, RELATION_WORDS, in_words
from .render import _finalize, minutes, moments, number, unsearched

if TYPE_CHECKING:
    from .catalog import Incident
    from .render import Renderer

#: A page's Stash, or render.inline (the HTML stays in the Markdown): `stash(search=..., caller=...)`
Stasher = Callable[..., Markup]


def esc(value: object) -> str:
    """A value as the page shows it: Markup (HTML the renderer built) and numbers as they are,
    anything else escaped (render.md_escape: shown literally by Markdown and HTML); None shows nothing."""
    return str(_finalize(value))


#: The footer's headings' anchors; the card's action progress links to the first.
ACTIONS_ANCHOR = "corrective-actions"
RELATED_ANCHOR = "related-incidents"


def header(r: Renderer, incident: Incident, own_title: str | None, stash: Stasher) -> str:
    """Breadcrumb, title and summary card (see Renderer.header)."""
    i, page_uri = incident, incident.src_uri
    crumbs = (
        f'<p class="pm-breadcrumb">{r.html_index_link(page_uri, "index.md", "Post-mortems")} &rsaquo; '
        f"{r.html_listing_link(page_uri, 'severity', i.severity)} &rsaquo; {r.html_timeline_link(page_uri, i)} &rsaquo; "
        f"{esc(i.id)}</p>\n"
    )
    out = [stash(search="text", caller=lambda: unsearched(crumbs)), "\n"]  # on every page: no words to find
    out.append(f"{own_title}\n" if own_title else f"# {esc(i.title)}\n")
    out.append("\n")
    out.append(stash(search="text", caller=lambda: _card(r, i, page_uri, moments(i))))
    out.append("\n")
    return "".join(out)


def _facts(section: Any) -> dict[str, Any]:
    return section if isinstance(section, dict) else {}


def _card(r: Renderer, i: Incident, page_uri: str, moments: list[Any]) -> str:
    impact, cause = _facts(i.impact), _facts(i.root_cause)
    review, detection = _facts(i.review), _facts(i.detection)
    head = (
        f'<p class="pm-card-head">{r.badge(i.severity)} <span class="pm-card-status">Status: <strong>'
        f'{esc(in_words(i.status))}</strong></span> <span class="pm-card-date">{esc(i.date.isoformat())}</span>'
    )
    if impact.get("type"):
        head += f' <span class="pm-card-type">{esc(in_words(impact["type"]).capitalize())}</span>'
    out = ['<div class="pm-card">\n', head, "</p>\n"]
    if i.summary:
        out.append(f'<p class="pm-card-summary">{esc(i.summary)}</p>\n')
    facts = _fact_rows(r, i, page_uri, moments, impact, cause, review, detection)
    if facts.strip():
        out.append(f'<dl class="pm-facts">\n{facts}</dl>\n')
    out.append("</div>\n")
    return "".join(out)


def _row(term: str, value: str) -> str:
    return f"<div><dt>{term}</dt><dd>{value}</dd></div>\n"


def _fact_rows(
    r: Renderer,
    i: Incident,
    page_uri: str,
    moments: list[Any],
    impact: dict[str, Any],
    cause: dict[str, Any],
    review: dict[str, Any],
    detection: dict[str, Any],
) -> str:
    rows = []
    if moments:
        items = "".join(
            f'<li>{esc(m.name)} <time datetime="{esc(m.iso)}">{esc(m.utc)}</time>'
            + (f' <span class="pm-note">({esc(m.written)})</span>' if m.written else "")
            + "</li>"
            for m in moments
        )
        rows.append(unsearched(_row('When <span class="pm-note">(UTC)</span>', f'<ol class="pm-moments">{items}</ol>')))
    durations = i.durations()
    derived = [length for _, _, _, length in durations]
    stated = i.stated_duration
    if durations or (stated is not None and stated not in derived):
        items = "".join(
            f'<li>{esc(name.capitalize())} <span class="pm-note">({esc(in_words(start))} &rarr; {esc(in_words(end))})</span> '
            f"<strong>{esc(minutes(length))}</strong></li>"
            for name, start, end, length in durations
        )
        if stated is not None and stated not in derived:
            items += f'<li>Duration <span class="pm-note">(as stated)</span> <strong>{esc(minutes(stated))}</strong></li>'
        rows.append(unsearched(_row("Durations", f'<ul class="pm-items pm-durations">{items}</ul>')))
    if i.services:
        links = "".join(f"<li>{r.html_listing_link(page_uri, 'services', s)}</li>" for s in i.services)
        rows.append(_row("Services", f'<ul class="pm-items pm-links">{links}</ul>'))
    figures = _impact_figures(impact)
    if figures:
        rows.append(_row("Impact", '<ul class="pm-items">' + "".join(f"<li>{esc(f)}</li>" for f in figures) + "</ul>"))
    if cause.get("primary") or cause.get("trigger") or cause.get("contributing"):
        value = f"<strong>{esc(cause['primary'])}</strong>" if cause.get("primary") else ""
        if cause.get("trigger"):
            value += f' <span class="pm-part">Trigger: {esc(cause["trigger"])}</span>'
        if cause.get("contributing"):
            value += f' <span class="pm-part">Contributing: {esc("; ".join(map(str, cause["contributing"])))}</span>'
        rows.append(_row("Root cause", value))
    if detection.get("source") or detection.get("method"):
        source, method = detection.get("source"), detection.get("method")
        value = esc(in_words(source or "").capitalize()) + (": " if source and method else "") + esc(method or "")
        rows.append(_row("Detection", value))
    if i.commander:
        rows.append(_row("Commander", esc(i.commander)))
    if i.participants:
        rows.append(_row("Participants", esc(", ".join(map(str, i.participants)))))
    if "actions" in i.meta:
        rows.append(_row("Actions", _action_progress(*i.action_counts(r.as_of))))
    if review:
        rows.append(_row("Review", _review(review)))
    if i.follow_up:
        rows.append(_row("Follow-up", esc(i.follow_up)))
    if i.tags:
        links = "".join(f"<li>{r.html_listing_link(page_uri, 'tags', t)}</li>" for t in i.tags)
        rows.append(_row("Tags", f'<ul class="pm-items pm-links">{links}</ul>'))
    return "".join(rows)


def _impact_figures(impact: dict[str, Any]) -> list[str]:
    """The impact the document states, a phrase each ("1,200 users affected"), unescaped."""
    figures = []
    users = impact.get("users_affected")
    if users == "all":
        figures.append("all users")
    elif users is not None:
        figures.append(f"{number(users)} users affected")
    if impact.get("regions"):
        figures.append("regions: " + ", ".join(map(str, impact["regions"])))
    if impact.get("requests_failed") is not None:
        figures.append(f"{number(impact['requests_failed'])} requests failed")
    if impact.get("peak_error_rate") is not None:
        figures.append(f"peak error rate {impact['peak_error_rate']} %")
    if impact.get("revenue_usd") is not None:
        figures.append(f"revenue impact US${number(impact['revenue_usd'])}")
    if impact.get("sla_breach") is True:
        figures.append("SLA breached")
    elif impact.get("sla_breach") is False:
        figures.append("SLA not breached")
    if impact.get("customer_tickets") is not None:
        figures.append(f"{number(impact['customer_tickets'])} customer tickets")
    if impact.get("reputation"):
        figures.append(f"reputation impact: {in_words(impact['reputation'])}")
    details = impact.get("data_loss_details")
    if impact.get("data_loss") is True:
        figures.append("data lost" + (f": {details}" if details else ""))
    elif impact.get("data_loss") is False:
        figures.append("no data loss" + (f": {details}" if details else ""))
    elif details:
        figures.append(f"data loss: {details}")
    if impact.get("other_services"):
        figures.append("also affected: " + ", ".join(map(str, impact["other_services"])))
    return figures


def _action_progress(closed: dict[str, int], overdue: int, total: int) -> str:
    """ "2 of 5 done, 1 cancelled, 1 overdue": the first closed status counts against the total."""
    if not total:
        return "none"
    parts = []
    for n, (status, count) in enumerate(closed.items()):
        if n == 0:
            parts.append(f"{count} of {total} {esc(in_words(status))}")
        elif count:
            parts.append(f", {count} {esc(in_words(status))}")
    if overdue:
        parts.append(f", <strong>{overdue} overdue</strong>")
    return f'<a href="#{ACTIONS_ANCHOR}">{"".join(parts)}</a>'


def _review(review: dict[str, Any]) -> str:
    # dates as <time>: kept on one line (the card's CSS), never broken at a hyphen on a phone
    value = f'<span class="pm-part"><time>{esc(review["date"])}</time></span>' if review.get("date") else ""
    if review.get("attendees"):
        value += f' <span class="pm-part">Attendees: {esc(", ".join(map(str, review["attendees"])))}</span>'
    if review.get("sign_off"):
        signed = "; ".join(_sign_off(s) for s in review["sign_off"])
        value += f' <span class="pm-part">Signed off: {signed}</span>'
    return value


def _sign_off(s: dict[str, Any]) -> str:
    """ "Jane Smith (Incident Commander, 2025-12-06)"."""
    date = f", <time>{esc(s['date'])}</time>" if s.get("date") else ""
    return f"{esc(s.get('name'))} ({esc(s.get('role'))}{date})"


def footer(r: Renderer, incident: Incident, stash: Stasher) -> str:
    """Corrective actions and related incidents (see Renderer.footer). HTML the theme styles
    (assets/postmortem.css): Markdown would only parse tables back into HTML on every page. The
    headings stay Markdown, so they are in the page's table of contents. The action progress
    ("2 of 5 done") is the card's; it is not repeated here. A column no action fills is left out."""
    out = []
    if incident.actions:
        out.append(f"## Corrective actions {{#{ACTIONS_ANCHOR}}}\n\n")
        out.append(stash(search="text", caller=lambda: _actions_table(r, incident)))
        out.append("\n")
    if incident.references or incident.backlinks or incident.unpublished_references:
        out.append(f"## Related incidents {{#{RELATED_ANCHOR}}}\n\n")
        out.append(stash(search="text", caller=lambda: _related(r, incident, incident.src_uri)))
        out.append("\n")
    return "".join(out)


def _actions_table(r: Renderer, i: Incident) -> str:
    as_of = r.as_of
    with_priority = any(a.priority for a in i.actions)
    with_ticket = any(a.ticket for a in i.actions)
    head = '<th class="pm-col-action">Action</th><th>Owner</th><th>Due</th>'
    head += "<th>Priority</th>" if with_priority else ""
    head += "<th>Status</th>" + ("<th>Ticket</th>" if with_ticket else "")
    rows = []
    for a in i.actions:
        kind = ""
        if a.type or a.term:
            kind = f' <span class="pm-note">{esc(in_words(a.type or "").capitalize())}'
            kind += " &middot; " if a.type and a.term else ""
            kind += f"{esc(in_words(a.term))} term" if a.term else ""
            kind += "</span>"
        if a.is_overdue(as_of):
            status = f'{r.overdue(a.days_overdue(as_of))} <span class="pm-note">({esc(in_words(a.status))})</span>'
        elif a.closed:
            status = f"{esc(in_words(a.status))}{', closed ' if a.is_open else ' on '}<time>{esc(a.closed.isoformat())}</time>"
        else:
            status = esc(in_words(a.status))
        row = (
            f'<tr><td class="pm-col-action"><span class="pm-action-title">{esc(a.title)}</span>{kind}</td>'
            f"{r.cell('Owner', a.owner)}{r.cell('Due', a.due.isoformat() if a.due else None)}"
        )
        row += str(r.cell("Priority", a.priority)) if with_priority else ""  # str: Markup + str would escape the str
        row += f'<td class="pm-col-status" data-label="Status">{status}</td>'
        row += str(r.cell("Ticket", r.ticket_html(a) if a.ticket else None)) if with_ticket else ""
        rows.append(row + "</tr>\n")
    thead = unsearched(f"<thead><tr>{head}</tr></thead>")
    return f'<table class="pm-actions">\n{thead}\n<tbody>\n{"".join(rows)}</tbody>\n</table>\n'


def _related(r: Renderer, i: Incident, page_uri: str) -> str:
    def relation(words: dict[str, str], name: str) -> str:
        return esc(words.get(name, name).capitalize())

    lines = []
    for ref in i.references:
        t = ref.target
        lines.append(
            f'<li><span class="pm-relation">{relation(RELATION_WORDS, ref.relation)}</span> {r.badge(t.severity)} '
            f'{r.title_link(page_uri, t)} {r.plain_id(t)} <span class="pm-date">{esc(t.date.isoformat())}</span></li>\n'
        )
    for u in i.unpublished_references:
        lines.append(
            f'<li><span class="pm-relation">{relation(RELATION_WORDS, u.relation)}</span> <span class="pm-unlinked">'
            f'{esc(u.title)}</span> {r.plain_id(u)} <span class="pm-note">(draft, not published)</span></li>\n'
        )
    for ref in i.backlinks:
        s = ref.source
        lines.append(
            f'<li><span class="pm-relation">{relation(INVERSE_RELATION, ref.relation)}</span> {r.badge(s.severity)} '
            f'{r.title_link(page_uri, s)} {r.plain_id(s)} <span class="pm-date">{esc(s.date.isoformat())}</span></li>\n'
        )
    return f'<ul class="pm-related">\n{"".join(lines)}</ul>\n'
