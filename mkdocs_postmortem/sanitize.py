"""The HTML of a post-mortem page, made safe for readers: the one allowlist of what it may contain.

A post-mortem arrives by pull request from many hands and is read by the whole company, so its
body's raw HTML (`<script>`, `<img onerror=...>`, `[x](javascript:...)`, `<iframe srcdoc=...>`, a
`<style>` that hides the page, a `<meta http-equiv=refresh>`) must never reach a reader as written.
With the `body_html: sanitized` option (the default) the plugin passes each post-mortem page's HTML,
as Python-Markdown rendered it (decorations included), through ammonia (the `nh3` binding), keeping
only what this allowlist names: the markup of ordinary content, of Python-Markdown's standard
extensions, of pymdownx (highlight, superfences, inlinehilite, tabbed, details, tasklist, emoji,
keys, mark, tilde, caret, arithmatex), admonitions, `attr_list` classes and ids, tables, footnotes,
toc permalinks, Material's icons and buttons, and the plugin's own summary card and mentions.

Everything else goes: elements not listed here lose their tag and keep their text; `script`,
`style` and the like lose their content too; every attribute not listed (all `on*` handlers,
`srcdoc`, `formaction`, `style` properties other than alignment, `data-*` other than those listed)
is dropped; a URL whose scheme is not http, https or mailto (`javascript:`, `vbscript:`, `data:`,
`data:image` included: an image is linked, not inlined) is dropped, relative URLs and `#anchors`
stay. docs/plugin.md ("What reaches the theme") says the same for users.
"""

from __future__ import annotations

from functools import cache

import nh3

_SVG = {"svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon"}

#: Elements kept (their allowed attributes with them); any other element is removed and its text kept.
TAGS = frozenset(
    {
        # text
        *("p", "br", "hr", "wbr", "span", "div", "a", "img", "blockquote", "pre", "code", "kbd", "samp", "var"),
        *("em", "strong", "b", "i", "u", "s", "small", "mark", "del", "ins", "sub", "sup", "abbr", "dfn", "cite", "q"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "time", "bdi", "bdo", "ruby", "rt", "rp"),
        *("section", "article", "aside", "header", "footer", "figure", "figcaption"),
        # lists, definition lists, tables
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        # pymdownx.details and raw <details>; pymdownx.tasklist checkboxes and pymdownx.tabbed radio buttons
        *("details", "summary", "input", "label"),
        # Material's icons and emoji (material.extensions.emoji.to_svg inlines <svg><path d=...>)
        *_SVG,
    }
)

#: Elements removed together with everything inside them (their text is code or markup, not prose).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript", "noembed", "noframes", "xmp"})

#: Attributes kept on every element in TAGS.
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "role", "style"})

#: Attribute name prefixes kept on every element: accessibility.
GLOBAL_PREFIXES = frozenset({"aria-"})

#: Attributes kept on one element (URLs among them are checked against URL_SCHEMES).
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name", "hreflang"}),  # name: pymdownx.highlight's line anchors
    "img": frozenset({"src", "alt", "width", "height"}),
    "input": frozenset({"checked", "disabled", "name"}),  # type: see ATTRIBUTE_VALUES
    "label": frozenset({"for"}),
    "details": frozenset({"open"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "td": frozenset({"colspan", "rowspan", "headers", "data-label"}),  # data-label: a stacked row's column name (postmortem.css)
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
    # data-* only where an extension or the theme reads it: pymdownx.tabbed, pymdownx.highlight's inline line numbers
    "div": frozenset({"data-tabs"}),
    "span": frozenset({"data-linenos"}),
    "svg": frozenset({"xmlns", "viewBox", "width", "height", "fill", "stroke", "stroke-width"}),
    **{
        shape: frozenset(
            {
                *("d", "fill", "fill-rule", "clip-rule", "fill-opacity", "opacity", "transform"),
                *("stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-opacity"),
                *("cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "points"),
            }
        )
        for shape in _SVG - {"svg"}
    },
}

#: Attributes kept on one element only with one of these values (any other value drops the attribute).
ATTRIBUTE_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "input": {"type": frozenset({"checkbox", "radio"})},  # task lists and content tabs, never a text field
    "img": {"loading": frozenset({"lazy", "eager"})},
    # a new tab, never `_top` or a named frame; browsers open `_blank` without `window.opener`
    "a": {"target": frozenset({"_blank"})},
}

#: CSS properties kept in a `style` attribute: Python-Markdown's tables align columns with them;
#: nothing that can move, cover or hide anything (`position`, `display`, `opacity` ...).
STYLE_PROPERTIES = frozenset({"text-align", "vertical-align"})

#: Schemes a URL in href or src may have; relative URLs and #anchors are kept.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _cleaner() -> nh3.Cleaner:
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}
    attributes["*"] = set(GLOBAL_ATTRIBUTES)
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=attributes,
        generic_attribute_prefixes=set(GLOBAL_PREFIXES),
        tag_attribute_values={tag: {name: set(allowed) for name, allowed in by.items()} for tag, by in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,  # our own links (indexes, mentions, anchors) stay as they are
        strip_comments=True,
    )


def sanitize(html: str) -> str:
    """`html` with only what the allowlist above keeps."""
    return _cleaner().clean(html)
