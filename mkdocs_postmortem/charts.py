"""The metrics page's charts: inline SVG drawn at build time with pygal, from a `metrics.Metrics`.

pygal by default links its tooltip script from a CDN, embeds its configuration in a second
script, stamps a comment with today's date and names each chart (and its CSS) with a random
uuid. Here: no script at all (`js=()`, and the configuration script removed), no comment, a
fixed id per chart (so its CSS is scoped to it), no per-bar tooltip `<desc>` data (bytes a
page without the script never uses). Same metrics, same bytes; readable without JavaScript.

Colours are CSS variables of the shipped stylesheet (`--pm-chart-*`, with Material's
foreground colour for text and axes), so an inline chart follows Material's light and dark
palettes. Each chart has a `<title>` and a `<desc>` (its text alternative, referenced by
`aria-labelledby`); the page puts the numbers in a table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from .metrics import MEASURES, Metrics

#: Text, axes and guides: the theme's foreground (Material's variables; the text colour elsewhere).
_FG = "var(--md-default-fg-color, currentColor)"
_FG_SUBTLE = "var(--md-default-fg-color--lightest, rgba(127, 127, 127, .35))"
#: How many severity colours the stylesheet defines (`--pm-chart-sev-0` ...): the site's scale, most severe first.
SEVERITY_COLOURS = 5


@dataclass(frozen=True)
class Chart:
    svg: str  # inline SVG, its <desc> holding `text`
    text: str  # what the chart shows, in one or two sentences: its text alternative, also shown as its caption


def _style(colours: Sequence[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=_FG,
        foreground_strong=_FG,
        foreground_subtle=_FG_SUBTLE,
        colors=tuple(colours),
        font_family="inherit",
        label_font_size=15,
        major_label_font_size=15,
        legend_font_size=15,
        title_font_size=16,
        opacity="1",
        opacity_hover="1",
        transition="none",
    )


def _config(ident: str, colours: Sequence[str]) -> dict[str, Any]:
    return {
        "style": _style(colours),
        "js": (),  # pygal's default links its tooltip script from a CDN
        "disable_xml_declaration": True,  # inline in HTML
        # small enough that the labels stay legible when a phone shrinks the chart to its column
        "width": 600,
        "height": 340,
        "legend_at_bottom": True,
        "legend_box_size": 14,
        "show_y_guides": True,
        "show_x_guides": False,
        "print_values": False,
        "margin": 12,
        "margin_right": 32,  # room for the last x label, centred on the last bar or point
        # pygal's own CSS draws guides black (unreadable on a dark page): the theme's subtle colour instead
        "css": (
            "file://style.css",
            "file://graph.css",
            f"inline:#chart-{ident} .axis .guide.line,#chart-{ident} .axis .major.guide.line"
            f"{{stroke:{_FG_SUBTLE};stroke-dasharray:none}}",
        ),
    }


def _local(tag: object) -> str:
    """An element's name without its namespace; "" for a comment (pygal builds on lxml when present)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(ident: str, title: str, desc: str) -> Callable[[Any], Any]:
    def clean(root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                name = _local(child.tag)
                # comments (one dated today), scripts, and the per-value data only pygal's script reads
                if not name or name == "script" or (name == "desc" and _local(parent.tag) != "svg"):
                    parent.remove(child)
                elif name == "title" and _local(parent.tag) != "svg":
                    parent.remove(child)  # a tooltip per y label: noise for a screen reader
                elif "id" in child.attrib:
                    del child.attrib["id"]  # legend ids repeat in every chart: unique ones only
        root.set("id", f"chart-{ident}")
        root.set("role", "img")
        root.set("aria-labelledby", f"chart-{ident}-title chart-{ident}-desc")
        for child in root:
            if _local(child.tag) == "title":
                child.text = title
                child.set("id", f"chart-{ident}-title")
                description = child.makeelement(child.tag.replace("title", "desc"), {"id": f"chart-{ident}-desc"})
                description.text = desc
                root.insert(list(root).index(child) + 1, description)
                break
        return root

    return clean


def _render(chart: Any, ident: str, title: str, desc: str) -> Chart:
    chart.uuid = ident  # pygal's random id would change every build
    chart.add_xml_filter(_clean(ident, title, desc))
    svg = str(chart.render(is_unicode=True))
    if "xlink:" not in svg.replace("xmlns:xlink", ""):  # lxml declares the namespace whether used or not
        svg = re.sub(r' xmlns:xlink="[^"]*"', "", svg)
    return Chart(svg, desc)


def _steps(top: float, unit_steps: Sequence[int], most: int = 6) -> list[int]:
    """Whole-number y labels from 0 past `top`, at the first step of `unit_steps` giving at most `most` of them."""
    step = next((s for s in unit_steps if top / s <= most - 1), unit_steps[-1] * (int(top // (unit_steps[-1] * (most - 1))) + 1))
    return list(range(0, int(top // step + 2) * step, step))


#: Steps for counts, and for durations in minutes (5 min ... 1 h ... 1 d ... 4 weeks).
_COUNT_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
_MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 7200, 10080, 20160, 40320)


def _x_labels(chart: Any, labels: Sequence[str]) -> None:
    chart.x_labels = list(labels)
    if len(labels) > 8:  # a label every few periods, so they never overlap
        chart.x_labels_major_every = -(-len(labels) // 6)
        chart.show_minor_x_labels = False
        chart.truncate_label = -1


def severity_colours(count: int) -> list[str]:
    return [f"var(--pm-chart-sev-{i % SEVERITY_COLOURS})" for i in range(count)]


def incidents_chart(m: Metrics) -> Chart:
    """Incidents per month or quarter, stacked by severity."""
    ident = "pm-incidents"
    shown = [s for s in m.severities if sum(m.counts[s])] or list(m.severities)
    colours = [severity_colours(len(m.severities))[m.severities.index(s)] for s in shown]
    chart = pygal.StackedBar(**_config(ident, colours), legend_at_bottom_columns=min(len(shown), 5))
    _x_labels(chart, [p.label for p in m.periods])
    busiest_count = max((sum(m.counts[s][i] for s in m.severities) for i in range(len(m.periods))), default=0)
    chart.y_labels = _steps(busiest_count, _COUNT_STEPS)
    for severity in shown:
        chart.add(severity, list(m.counts[severity]))
    busiest = max(range(len(m.periods)), key=lambda i: sum(m.counts[s][i] for s in m.severities), default=None)
    if busiest is None or not m.incidents:
        desc = "No incidents in this period."
    else:
        top = sum(m.counts[s][busiest] for s in m.severities)
        by = ", ".join(f"{sum(m.counts[s])} {s}" for s in m.severities if sum(m.counts[s]))
        desc = (
            f"{m.incidents} incident{'s' if m.incidents != 1 else ''} from {m.periods[0].label} to {m.periods[-1].label} "
            f"({by}); at most {top} in a {m.unit}, first in {m.periods[busiest].label}."
        )
    return _render(chart, ident, f"Incidents per {m.unit}, by severity", desc)


#: Colours of the times chart's series (one per measure) and of the backlog's lines.
MEASURE_COLOURS = [f"var(--pm-chart-{i})" for i in range(len(MEASURES))]
BACKLOG_COLOURS = ["var(--pm-chart-open)", "var(--pm-chart-overdue)", "var(--pm-chart-closed)"]


def times_chart(m: Metrics, which: str, label: Callable[[int | None], str]) -> Chart:
    """`which` ("median" or "p90") of each measure per severity, in minutes; `label` words a number of minutes."""
    ident = f"pm-times-{which}"
    shown = [s for s in m.severities if any(m.times[measure][s].n for measure in MEASURES)]
    chart = pygal.Bar(**_config(ident, MEASURE_COLOURS), legend_at_bottom_columns=2, value_formatter=lambda v: label(round(v)))
    chart.x_labels = shown
    values = [getattr(m.times[measure][s], which) or 0 for measure in MEASURES for s in shown]
    chart.y_labels = _steps(max(values, default=0), _MINUTE_STEPS)
    for measure in MEASURES:
        chart.add(measure.capitalize(), [getattr(m.times[measure][s], which) for s in shown])
    words = "Median" if which == "median" else "90th percentile"
    parts = [f"{s} " + ", ".join(label(getattr(m.times[measure][s], which)) for measure in MEASURES) for s in shown]
    names = ", ".join(measure.removeprefix("time to ") for measure in MEASURES)
    desc = f"{words} time to {names}: " + "; ".join(parts) + "." if parts else "No incident states its timing."
    return _render(chart, ident, f"{words} time per severity", desc)


def backlog_chart(m: Metrics) -> Chart:
    """Open, overdue and closed corrective actions at each period's end."""
    ident = "pm-backlog"
    chart = pygal.Line(**_config(ident, BACKLOG_COLOURS), legend_at_bottom_columns=3, dots_size=3, include_x_axis=True)
    _x_labels(chart, [b.label for b in m.backlog])
    chart.y_labels = _steps(max((max(b.open, b.closed) for b in m.backlog), default=0), _COUNT_STEPS)
    chart.add("Open", [b.open for b in m.backlog])
    chart.add("Overdue", [b.overdue for b in m.backlog])
    chart.add("Closed", [b.closed for b in m.backlog])
    if m.backlog:
        first, last = m.backlog[0], m.backlog[-1]
        desc = (
            f"Open actions: {first.open} at the end of {first.label}, {last.open} on {last.day.isoformat()} "
            f"({last.overdue} of them overdue); {last.closed} closed by then."
        )
    else:
        desc = "No corrective actions in this period."
    return _render(chart, ident, f"Corrective actions at each {m.unit}'s end", desc)
