"""What `mkdocs serve` shows instead of failing on invalid post-mortems.

`mkdocs build` stops on the first invalid post-mortem; `mkdocs serve` keeps
serving, so an author sees the problems where they look: a banner on every
page, the affected pages listing their own problems, and one page listing
every problem with its file and line. Every value from a document (paths,
fields, messages quoting the document) is HTML-escaped here.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from mkdocs.structure.files import File

from .model import Problem
from .outputs import summary
from .sanitize import sanitize

if TYPE_CHECKING:
    from .catalog import Incident
    from .render import Decorations, Stash

T = TypeVar("T")

#: The page listing every problem, under the post-mortem folder during `mkdocs serve`.
#: Names starting with `_` are never post-mortems, so no post-mortem can take this one.
PROBLEMS_PAGE = "_problems.md"
PROBLEMS_TITLE = "Problems in post-mortems"

_CLASS = "admonition danger pm-problems"


def consequence(on_invalid: str) -> str:
    """What the problems cost, by the `on_invalid` option (HTML)."""
    command = "mkdocs build" if on_invalid == "error" else "mkdocs build --strict"
    return f"<code>{command}</code> fails until they are fixed; meanwhile the invalid post-mortems are left out of the indexes."


def _item(problem: Problem, url: str | None, *, with_path: bool = True) -> str:
    """One problem: `path:line` (what an editor opens) where it is not this page's own, else `line N`."""
    where = escape(f"{problem.path}:{problem.line}" if with_path else f"line {problem.line}")
    where = f'<a href="{escape(url)}"><code>{where}</code></a>' if url else f"<code>{where}</code>"
    field = f"<code>{escape(problem.field)}</code>: " if problem.field else ""
    return f"<li>{where} {field}{escape(problem.message)}</li>"


def _files(problems: Sequence[Problem], shown: int = 3) -> str:
    """The names of the files with problems, a few of them: the reader sees at once which ones."""
    names = list(dict.fromkeys(PurePosixPath(p.path).name for p in problems))
    listed = ", ".join(f"<code>{escape(name)}</code>" for name in names[:shown])
    more = len(names) - shown
    return f"In {listed}{f' and {more} more' if more > 0 else ''}."


def problems_page(problems: Sequence[Problem], checked: int, urls: Mapping[str, str], on_invalid: str) -> str:
    """The problems page's Markdown: a title and one raw HTML block (never parsed as Markdown).

    `urls` maps a document's path to the URL of its page, relative to the problems page.
    """
    if not problems:
        body = f'<p class="pm-problems-none">{escape(summary(problems, checked))}: nothing to fix.</p>'
    else:
        items = "".join(_item(p, urls.get(p.path)) for p in problems)
        body = (
            f'<div class="{_CLASS}"><p class="admonition-title">{escape(summary(problems, checked))}</p>'
            f"<p>{consequence(on_invalid)} <code>mkdocs serve</code> keeps serving and updates this page on every save.</p>"
            f"<ul>{items}</ul></div>"
        )
    # Material's search honours `search.exclude`: the page is for the author, not for readers' searches.
    return f"---\nsearch:\n  exclude: true\n---\n\n# {PROBLEMS_TITLE}\n\n{body}\n"


def banner(problems: Sequence[Problem], checked: int, own: Sequence[Problem], problems_url: str, on_invalid: str) -> str:
    """The HTML put above every page's content while problems remain; `own` are this page's problems."""
    if not problems:
        return ""
    link = f'<a href="{escape(problems_url)}">{"All problems" if own else "See the problems"}</a>'
    if own:
        count = f"{len(own)} problem{'s' if len(own) != 1 else ''}"
        items = "".join(_item(p, None, with_path=False) for p in own)
        return (
            f'<div class="{_CLASS}" role="alert"><p class="admonition-title">This post-mortem has {count}</p>'
            f"<ul>{items}</ul><p>{link} ({escape(summary(problems, checked))}). {consequence(on_invalid)}</p></div>"
        )
    return (
        f'<div class="{_CLASS}" role="alert"><p class="admonition-title">{escape(summary(problems, checked))}</p>'
        f"<p>{_files(problems)} {consequence(on_invalid)} {link}.</p></div>"
    )


# --- what a `mkdocs serve` session remembers between rebuilds -----------------------------------

#: A whole word or hyphenated run: what a mention of an incident id is (mentions.py's rule).
_WORD = re.compile(r"[\w-]+")


class Rebuilds:
    """What one `mkdocs serve` session keeps between rebuilds, so a rebuild redoes only what an edit changed.

    - The generated pages' Markdown and the exports (incidents.json, the calendars): made again
      only when `key` (everything they are made of: the catalog, the problems, the as-of date, the
      options, the site's URL) changes. An edit to a post-mortem's prose changes none of it.
    - Each post-mortem's header and footer (the card, the actions, the related incidents), made of
      the same: made again when `key` changes, or the body's own title does.
    - The sanitizer's output for each page's HTML, kept from one build to the next: a page whose
      Markdown did not change gives the same HTML, and the same sanitized HTML.
    - Under `--dirty` (the authoring loop), which post-mortem pages must be rebuilt although their
      own file did not change. MkDocs rebuilds a page only when its source file is newer than its
      HTML, but a post-mortem's page also shows other post-mortems: the incidents it references and
      those referencing it (titles, severities, relations), the ids its text mentions (linked only
      while the site has them), the nav and its own problems. When a digest of that part changes,
      the page's HTML is dated 1970, so MkDocs rebuilds it too.
    """

    def __init__(self) -> None:
        self._key: str | None = None
        self._pages: Any = None  # what `pages` rendered last
        self._shown: dict[str, str] = {}  # src_uri -> digest of what the page shows of other files
        self.changed = True  # whether the current build's key differs from the previous build's
        self._decorations: dict[tuple[str, str | None], tuple[str, str, list[Any]]] = {}
        self._clean: tuple[dict[bytes, str], dict[bytes, str]] = ({}, {})  # digest of HTML -> sanitized: last build's, this one's

    def start(self, key: str | None) -> None:
        """Begin a build whose pages are made of `key` (any text that changes when they may); None
        outside `mkdocs serve`: MkDocs keeps the plugin object for the whole process, and a build
        that is not a serve session's rebuild renders everything afresh."""
        self._clean = (self._clean[1], {})  # what the last build sanitized; what it did not use again is let go
        digest = None if key is None else hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        self.changed = digest is None or digest != self._key
        if self.changed:
            self._key = digest
            self._pages = None
            self._decorations = {}

    def pages(self, render: Callable[[], T]) -> T:
        """The generated pages (their Markdown by src_uri, and what else `render` returns), rendered once per key;
        kept only in a serve session. The exports are files of the generated folder, written as they are
        made: `render` returns their paths, and a build holds none of their bytes."""
        if self._pages is not None:
            kept: T = self._pages
            return kept
        pages = render()
        if self._key is not None:
            self._pages = pages
        return pages

    def decorations(self, make: Decorations) -> Decorations:
        """`make` (Renderer.decorations), remembered per page for as long as the key stays the same;
        the page's stash gets the HTML blocks the markers stand for. Outside a serve session, `make` itself."""
        if self._key is None:
            return make

        def remembered(incident: Incident, own_title: str | None, stash: Stash | None) -> tuple[str, str]:
            key = (incident.src_uri, own_title)
            hit = self._decorations.get(key)
            if hit is None or stash is None or stash.blocks:
                above, below = make(incident, own_title, stash)
                if stash is not None:
                    self._decorations[key] = (above, below, list(stash.blocks))
                return above, below
            stash.blocks = list(hit[2])
            return hit[0], hit[1]

        return remembered

    def sanitized(self, html: str) -> str:
        """sanitize.sanitize(html), remembered from the previous build (a page whose Markdown did not
        change); outside a serve session, nothing is kept."""
        if self._key is None:
            return sanitize(html)
        digest = hashlib.sha256(html.encode("utf-8", "surrogatepass")).digest()
        before, now = self._clean
        clean = now[digest] = before[digest] if digest in before else sanitize(html)
        return clean

    def mark_stale(self, shown: Mapping[str, tuple[File, Iterable[str]]]) -> list[str]:
        """Date 1970 the HTML of every page whose shown part (src_uri -> its file, the texts it shows
        of other files) differs from the previous build's, so `--dirty` rebuilds it; their src_uris."""
        stale = []
        digests = {}
        for uri, (file, parts) in shown.items():
            digests[uri] = digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
            if self._shown.get(uri, digest) != digest:
                stale.append(uri)
                if os.path.isfile(file.abs_dest_path):
                    os.utime(file.abs_dest_path, (0, 0))
        self._shown = digests
        return stale


def mentioned(body: str, targets: Mapping[str, str]) -> str:
    """The ids a post-mortem's text mentions that the site has, with the file each links to
    (every id the site has when one is not a plain word: then any text may mention it)."""
    if any(not _WORD.fullmatch(ident) for ident in targets):
        return repr(sorted(targets.items()))
    return repr(sorted((word, targets[word]) for word in set(_WORD.findall(body)) if word in targets))


# --- a page's Markdown, rendered once per serve session ----------------------------------------

#: Markdown extensions whose HTML for a page follows from the page's Markdown, its place in the site,
#: the site's files and the configuration alone (as named in mkdocs.yml; Python-Markdown's own also
#: as `markdown.extensions.<name>`). A site whose extensions are all here gets its pages' rendering
#: kept between serve rebuilds (Renders); one with any other (pymdownx.snippets includes other
#: files, pymdownx.b64 reads images) renders every page every time, as MkDocs does.
PURE_EXTENSIONS = frozenset(
    {
        *("abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes", "md_in_html", "tables", "toc"),
        *("codehilite", "legacy_attrs", "legacy_em", "meta", "nl2br", "sane_lists", "smarty", "wikilinks"),
        *(f"pymdownx.{name}" for name in ("arithmatex", "betterem", "caret", "critic", "details", "emoji", "escapeall")),
        *(f"pymdownx.{name}" for name in ("extra", "fancylists", "highlight", "inlinehilite", "keys", "magiclink", "mark")),
        *(f"pymdownx.{name}" for name in ("progressbar", "saneheaders", "smartsymbols", "striphtml", "superfences")),
        *(f"pymdownx.{name}" for name in ("tabbed", "tasklist", "tilde", "blocks.admonition", "blocks.details", "blocks.tab")),
        *(f"pymdownx.{name}" for name in ("blocks.html", "blocks.definition", "blocks.caption")),
        "mkdocs_postmortem.mentions.MentionsExtension",  # the plugin's own: the ids it links are render_world's `extra`
    }
)

#: The loggers a page's rendering writes to: its warnings are kept with it and said again when it is put back.
_RENDER_LOGGERS = ("mkdocs", "MARKDOWN")


def _extension_name(extension: object) -> str:
    name = extension if isinstance(extension, str) else f"{type(extension).__module__}.{type(extension).__qualname__}"
    return name.removeprefix("markdown.extensions.")


def render_world(config: Any, extra: str) -> str | None:
    """Everything besides a page's Markdown, place and the files it links to that its rendering
    follows from, as text: the Markdown extensions and their options, the URL style, the link
    checks' levels and `extra`; None when an extension is not pure."""
    names = [_extension_name(extension) for extension in config.markdown_extensions]
    if not all(name in PURE_EXTENSIONS for name in names):
        return None
    return repr((names, config.mdx_configs, config.use_directory_urls, config.validation, extra))


def _place(file: File | None) -> tuple[str, str, str] | None:
    """Where a file a page links to lands, as far as the link is concerned (None: no such file)."""
    return None if file is None else (file.dest_uri, file.url, file.inclusion.name)


class _Records(logging.Handler):
    """The log records of the building thread while a page renders (the server's threads log too)."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append(record)


@dataclass(slots=True)
class Rendered:
    """What MkDocs' `Page.render` made of a page: its HTML, table of contents, title, anchors, the
    anchors it links to in other files (by their src_uri) and what it logged."""

    html: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None
    records: list[logging.LogRecord]
    looked_up: dict[str, tuple[str, str, str] | None]  # each file its links looked for -> where it was (_place)

    def holds(self, files: Any) -> bool:
        """Whether the files this page's links looked for are where they were."""
        return all(_place(files.get_file_from_path(uri)) == place for uri, place in self.looked_up.items())


class Renders:
    """Python-Markdown's rendering of each of the plugin's pages, kept from one `mkdocs serve`
    rebuild to the next: MkDocs renders every page on every save, and at 1,000 post-mortems that was
    3.4 s of a 7.6 s rebuild (in one process, after a one-sentence edit), for pages whose Markdown
    had not changed.

    A page is kept under a digest of its final Markdown (after every plugin's on_page_markdown), its
    place, and `render_world`, while the files its links looked for (MkDocs resolves and checks each
    link with `Files.get_file_from_path`, recorded while the page renders) are where they were.
    `before` (the last on_page_markdown) hands MkDocs an empty text for a page kept, which
    Python-Markdown renders at once; `after` (the first on_page_content) puts back
    the HTML and what `Page.render` sets besides (table of contents, title, anchors, links to other
    pages' anchors) and says its warnings again, so every later handler, the theme and MkDocs' link
    checks see the page as a fresh render. Kept: what the previous build used, and this build's.
    """

    def __init__(self) -> None:
        self._before: dict[bytes, Rendered] = {}
        self._now: dict[bytes, Rendered] = {}
        self._world: str | None = None  # a digest of this build's render_world; None: nothing is kept
        self._open: dict[str, tuple[bytes, Rendered | None, str]] = {}  # src_uri -> (key, kept, Markdown)
        self._records: _Records | None = None
        self._looked_up: dict[str, tuple[str, str, str] | None] = {}
        self._files: Any = None  # the Files whose lookups are being recorded
        self.kept: list[str] = []  # the src_uris of this build's pages put back

    def start(self, world: str | None) -> None:
        """Begin a build: `world` is its `render_world`; None outside a serve session (a build renders
        everything afresh) or with an extension that is not pure."""
        self._stop_recording()
        active = world is not None
        self._before, self._now = (self._now, {}) if active else ({}, {})
        # a digest: the world's text (every incident id mentions link to) is long, and each page's key holds it
        self._world = None if world is None else hashlib.sha256(world.encode("utf-8", "surrogatepass")).hexdigest()
        self._open, self.kept = {}, []

    def before(self, page: Any, markdown: str, files: Any) -> str:
        """The Markdown MkDocs is to render for `page`: its own, or "" when its rendering is kept."""
        if self._world is None:
            return markdown
        place = (self._world, page.file.src_uri, page.file.dest_uri, markdown)
        key = hashlib.sha256("\0".join(place).encode("utf-8", "surrogatepass")).digest()
        kept = self._now.get(key) or self._before.get(key)
        if kept is not None and not kept.holds(files):
            kept = None
        self._open[page.file.src_uri] = (key, kept, markdown)
        if kept is not None:
            self._now[key] = kept
            return ""
        self._stop_recording()
        self._records, self._looked_up = _Records(), {}
        for name in _RENDER_LOGGERS:
            logging.getLogger(name).addHandler(self._records)
        find, looked_up = files.get_file_from_path, self._looked_up

        def recorded(path: str) -> File | None:
            file: File | None = find(path)
            looked_up[path] = _place(file)
            return file

        files.get_file_from_path = recorded  # this page's rendering only: _stop_recording takes it away
        self._files = files
        return markdown

    def after(self, page: Any, html: str, files: Any) -> str:
        """The page's HTML once MkDocs has rendered it: kept, or put back from the last build."""
        opened = self._open.pop(page.file.src_uri, None)
        if opened is None:
            return html
        key, kept, page.markdown = opened
        if kept is None:
            links = page.links_to_anchors
            self._now[key] = Rendered(
                html,
                copy.deepcopy(page.toc),  # a later handler may change the page's own
                page._title_from_render,  # what Page.render sets besides; Page.title reads it
                page.present_anchor_ids,
                None if links is None else {file.src_uri: dict(anchors) for file, anchors in links.items()},
                self._stop_recording(),
                self._looked_up,
            )
            return html
        page.toc, page._title_from_render = copy.deepcopy(kept.toc), kept.title
        page.present_anchor_ids = None if kept.anchors is None else set(kept.anchors)
        if kept.links is not None:
            linked = ((files.get_file_from_path(uri), anchors) for uri, anchors in kept.links.items())
            page.links_to_anchors = {file: dict(anchors) for file, anchors in linked if file is not None}
        for record in kept.records:
            logging.getLogger(record.name).handle(record)
        self.kept.append(page.file.src_uri)
        return kept.html

    def _stop_recording(self) -> list[logging.LogRecord]:
        records, self._records = self._records, None
        if records is None:
            return []
        for name in _RENDER_LOGGERS:
            logging.getLogger(name).removeHandler(records)
        files, self._files = self._files, None
        if files is not None and "get_file_from_path" in vars(files):
            del files.get_file_from_path  # the method again
        return records.records
