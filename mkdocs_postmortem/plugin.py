"""The MkDocs adapter: MkDocs events -> load, check, collect, render."""

from __future__ import annotations

import math
import os
import posixpath
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE
from mkdocs.utils.templates import TemplateContext

from . import assets, pipeline
from .addresses import add_addresses
from .catalog import Catalog, Incident, resolve_as_of
from .config import PostmortemConfig
from .generated import GeneratedFiles, add_section, dest_prefix, drop_from_search, lists_any
from .load import is_postmortem_name, scan_folder
from .mentions import MentionIndex, MentionsExtension
from .model import Document, Problem, strip_private
from .outputs import Published, export_files, summary
from .placeholders import read_template
from .render import PAGES, Renderer, Stash, escape_title, invalid_body, page_meta
from .scaffold import template_path
from .schema import SchemaConfigError, effective_schema, make_validator, site_files
from .serve import PROBLEMS_PAGE, Rebuilds, Renders, banner, mentioned, problems_page, render_world

log = get_plugin_logger(__name__)


def _readable(file: File) -> bool:
    """Whether MkDocs can read the page's source (it reads UTF-8 and stops the build otherwise)."""
    try:
        file.content_string  # noqa: B018 - reading is the test
    except (OSError, UnicodeDecodeError):
        return False
    return True


#: What MkDocs reads in place of a front matter the plugin has read (see without_front_matter).
_EMPTY_FRONT_MATTER = "---\n{}\n---\n"


def without_front_matter(doc: Document, text: str) -> str | None:
    """`text`, a post-mortem's file, with an empty front matter for MkDocs to read, when the plugin read
    the front matter and the body MkDocs would (its split, mkdocs.utils.meta.YAML_RE, ends where ours
    does); else None: MkDocs reads the file as it is.

    The plugin's on_page_read_source: MkDocs would parse the YAML again, which cost as much as the
    plugin's own load, and hold a second copy of it; on_page_markdown hands the page the plugin's reading.
    """
    if doc.meta is None:
        return None
    match = YAML_RE.match(text)
    if match is None or text[match.end() :].lstrip("\n") != doc.body.lstrip("\n"):
        return None
    return _EMPTY_FRONT_MATTER + text[match.end() :]


class PostmortemPlugin(BasePlugin[PostmortemConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._cache = pipeline.DocumentCache()  # kept across `mkdocs serve` rebuilds: only changed files are re-read
        self._validator_key: str | None = None
        self._validator: Any = None
        self.catalog: Catalog | None = None
        self.renderer: Renderer | None = None
        self._by_uri: dict[str, Incident] = {}
        self._docs_by_uri: dict[str, Document] = {}  # every post-mortem, valid or not
        self._mentions: MentionsExtension | None = None  # links incident ids while a post-mortem page renders
        self._mention_index = MentionIndex.of({})
        # `mkdocs serve` shows problems in the browser and keeps serving instead of failing
        self.serving = False
        self._problems: list[Problem] = []
        self._problems_by_uri: dict[str, list[Problem]] = {}
        self._problems_file: File | None = None
        self._checked = 0
        self._generated = GeneratedFiles()  # the generated pages' source files, outside docs_dir
        self._rebuilds = Rebuilds()  # a `mkdocs serve` session's rendered pages; what `--dirty` must rebuild
        self._renders = Renders()  # a `mkdocs serve` session's pages as Python-Markdown rendered them
        self._dirty = False
        self._generated_pages: list[tuple[str, File]] = []  # (nav title, file) of this build's pages
        self._stash_token = secrets.token_hex(8)  # in the markers of HTML kept out of Markdown (render.Stash)
        self._stashed: dict[str, Stash] = {}  # a post-mortem's src_uri -> the HTML its Markdown carries as markers
        self._page_stashes: dict[str, Stash] = {}  # the same for each generated page

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining this event makes MkDocs keep one plugin object for a whole `mkdocs serve`
        session (instead of one per rebuild), so `_cache` survives and only changed files are re-read."""
        self.serving = command == "serve"
        self._dirty = dirty  # `--dirty`: MkDocs rebuilds only pages whose source is newer than their HTML

    def on_shutdown(self) -> None:
        # MkDocs keeps this object for the rest of the process: a later in-process build is no serve.
        self.serving = self._dirty = False
        self._generated.remove()
        self._rebuilds = Rebuilds()
        self._renders = Renders()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        settings = self.config.settings()
        try:
            schema = effective_schema(settings, Path(config.config_file_path).parent)
            resolve_as_of(settings.as_of)  # a bad SOURCE_DATE_EPOCH fails before any page is read
        except (SchemaConfigError, ValueError) as exc:  # ValueError: a bad SOURCE_DATE_EPOCH
            raise PluginError(f"postmortem: {exc}") from exc
        key = repr(schema)
        if key != self._validator_key:  # the schema changed: every document must be checked again
            self._validator, self._validator_key = make_validator(schema), key
            self._cache.clear()
        self.settings = settings
        self.schema = schema
        self.root = Path(config.config_file_path).parent
        # The overview's callouts are admonitions and anchors use attr_list: both ship with Python-Markdown.
        for extension in ("admonition", "attr_list"):
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        config.extra_css.extend(assets.stylesheets())
        config.extra_javascript.extend(assets.scripts())
        self._mentions = MentionsExtension() if settings.link_mentions else None
        if self._mentions is not None:
            config.markdown_extensions.append(self._mentions)  # type: ignore[arg-type]
        return config

    # -110: after other plugins have added, removed or moved files, so we see the final set; in
    # particular after mkdocs-static-i18n (-100), which keeps one language's version of each page
    # and drops files whose source is outside docs_dir, as ours is.
    @event_priority(-110)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        folder = self.settings.dir
        prefix = folder + "/"
        # The walk of `postmortem validate`: a looping link is one problem; MkDocs' copies through it go.
        path = Path(config.docs_dir) / folder
        scan = scan_folder(path, lambda p: os.path.relpath(p, self.root))
        looped = tuple(f"{prefix}{loop}/" for loop in scan.loops)
        for file in [f for f in files if f.src_uri.startswith(looped)] if looped else []:
            files.remove(file)
        entries: list[tuple[Document, File]] = [
            (self._cache.load(Path(file.abs_src_path or ""), os.path.relpath(file.abs_src_path or "", self.root)), file)
            for file in files.documentation_pages()
            if file.src_uri.startswith(prefix) and not file.generated_by and is_postmortem_name(file.src_uri[len(prefix) :])
        ]
        if not entries:
            state = "does not exist" if not path.is_dir() else "holds no post-mortem"
            log.warning(f"the post-mortem folder {os.path.relpath(path, self.root)} (option 'dir') {state}")
        try:
            result = pipeline.build(
                ((d, f.src_uri) for d, f in entries),
                self.settings,
                self._validator,
                problems=scan.problems,
                show_drafts=self.serving,  # `mkdocs serve` shows drafts, under their banner
                template=read_template(template_path(path)),
                cache=self._cache,  # a rebuild checks again only the files whose bytes changed
            )
        except ValueError as exc:  # a bad SOURCE_DATE_EPOCH
            raise PluginError(f"postmortem: {exc}") from exc
        problems = result.problems
        if problems:
            # `mkdocs serve` keeps serving (raising exits it, or hangs requests): problems go in the pages
            if self.settings.on_invalid == "error" and not self.serving:
                raise PluginError(
                    "postmortem: invalid post-mortems (fix them, or run `postmortem validate`):\n"
                    + "\n".join(map(str, problems))
                    + "\n"
                    + summary(problems, result.checked)
                )
            for problem in problems:
                log.warning(str(problem))
            for doc, file in entries:  # MkDocs would fail on a dangling link or bytes that are not UTF-8
                if doc.meta is None and not _readable(file):
                    files.remove(file)
        left_out = {doc.path for doc in result.drafts}
        for doc, file in entries:  # drafts left out of the site: no page, no search entry, no sitemap line
            if doc.path in left_out:
                files.remove(file)
        entries = [(doc, file) for doc, file in entries if doc.path not in left_out]
        self.catalog = result.catalog
        self.renderer = Renderer.create(
            self.catalog, folder, result.as_of, config.use_directory_urls, metrics_since=self.settings.metrics_since
        )
        self._by_uri = {i.src_uri: i for i in self.catalog.incidents.values()}
        self._docs_by_uri = {file.src_uri: doc for doc, file in entries}
        self._mention_index = MentionIndex.of({i.id: i.src_uri for i in self.catalog.incidents.values()})
        key = None
        if self.serving:  # everything the generated pages and the post-mortems' decorations are made of
            made_of = [(i.src_uri, i.path, i.meta) for i in self.catalog.incidents.values()], [d.meta for d in result.drafts]
            key = repr((made_of, problems, result.as_of, self.settings, config.use_directory_urls, config.site_url))
        self._rebuilds.start(key)
        # a serve session keeps each page's rendering; the ids mentions link to are part of what it follows from
        self._renders.start(render_world(config, repr(sorted(self._mention_index.targets.items()))) if self.serving else None)
        for _, file in entries:
            file.inclusion = InclusionLevel.NOT_IN_NAV  # reached through the indexes, not the nav
        self._generated.new_build()
        prefix_dest = dest_prefix((file for _, file in entries), config)
        self._add_generated(files, config, prefix_dest)
        for collision in add_addresses(self.catalog, folder, files, config):  # INC-1/ leads to INC-1's page
            log.warning(collision)
        if self.serving:
            self._add_problems_page(problems, entries, files, config, prefix_dest)
        if self._dirty and self._rebuilds.changed:
            self._rebuilds.mark_stale(self._shown_elsewhere(entries, problems))
        return files

    def _shown_elsewhere(
        self, entries: list[tuple[Document, File]], problems: list[Problem]
    ) -> dict[str, tuple[File, list[str]]]:
        """What each post-mortem page shows that its own file does not say, for `--dirty`: the front
        matter of the incidents it references and of those referencing it (the footer lists their
        titles, severities and relations; a draft's title), the ids its text mentions, its problems,
        and for every page the nav and the list pages its header links to. A template that comes to show
        more of other post-mortems adds it here (tests/test_serve.py holds the references both ways)."""
        assert self.renderer is not None
        listings = {kind: {name: page.uri for name, page in names.items()} for kind, names in self.renderer.listings.items()}
        every = repr(([(title, file.src_uri) for title, file in self._generated_pages], listings))
        targets = self._mention_index.targets if self._mentions is not None else {}
        own: dict[str, list[Problem]] = {}
        for problem in problems:
            own.setdefault(problem.path, []).append(problem)
        shown = {}
        for doc, file in entries:
            parts = [every, repr(own.get(doc.path, [])), mentioned(doc.body, targets)]
            incident = self._by_uri.get(file.src_uri)
            if incident is not None:
                others = [r.target for r in incident.references] + [r.source for r in incident.backlinks]
                listed = self.renderer._listed_in.get(incident.id)  # the timeline page its breadcrumb links to
                parts += [repr([(i.src_uri, i.meta) for i in others]), repr(incident.unpublished_references)]
                parts.append(listed.uri if listed is not None else "")
            shown[file.src_uri] = (file, parts)
        return shown

    def _render_pages(self, config: MkDocsConfig) -> tuple[dict[str, str], dict[str, Stash], list[str]]:
        """The generated pages' Markdown and the HTML blocks it carries as markers, by src_uri; the
        exports' paths, each written into the generated folder as it is made (and let go)."""
        assert self.renderer is not None
        stashes: dict[str, Stash] = {}
        pages = self.renderer.pages(self.settings.nav_title, lambda uri: stashes.setdefault(uri, Stash(self._stash_token)))
        published = Published(
            self.renderer.catalog, self.renderer.as_of, self.settings.dir, config.use_directory_urls, config.site_url or ""
        )
        written = []
        for path, pieces in export_files(published):
            self._generated.write(path, pieces)
            written.append(path)
        return pages, stashes, written

    def _add_generated(self, files: Files, config: MkDocsConfig, prefix_dest: str) -> None:
        assert self.renderer is not None
        self._generated_pages = []
        in_nav = {posixpath.join(self.settings.dir, name): title for name, (_, title) in PAGES.items()}
        pages, stashes, exported = self._rebuilds.pages(lambda: self._render_pages(config))
        self._page_stashes = {}  # only the pages the plugin writes: a site's own overview carries no marker
        for uri, content in pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                if uri != posixpath.join(self.settings.dir, "index.md"):
                    log.warning(f"{uri} exists in docs_dir, so the plugin does not generate its own {posixpath.basename(uri)}")
                existing.inclusion = InclusionLevel.NOT_IN_NAV  # a site's own overview goes in the section too
            else:
                stash = self._page_stashes[uri] = stashes[uri]
                existing = self._generated.page(config, uri, content, dest_prefix=prefix_dest, shows=stash.digest())
                files.append(existing)
            # only the summaries are in the nav: the page of each severity, year, service, tag and
            # owner (and its parts) is reached from them (NOT_IN_NAV: no --strict warning)
            if uri in in_nav:
                self._generated_pages.append((in_nav[uri], existing))
        for asset in assets.ASSETS:
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.source)))
        for path in exported:  # written by _render_pages, in this build or (serve) one with the same key
            files.append(self._generated.data(config, path))

    def _add_problems_page(
        self, problems: list[Problem], entries: list[tuple[Document, File]], files: Files, config: MkDocsConfig, prefix_dest: str
    ) -> None:
        """During `mkdocs serve`: the page listing every problem (kept when there are none, so a
        browser left on it shows "nothing to fix" after the fix instead of a 404)."""
        # not the files removed above (unreadable): they have no page to link to
        file_of = {doc.path: file for doc, file in entries if files.get_file_from_path(file.src_uri) is file}
        self._checked = len(entries)
        self._problems = problems
        self._problems_by_uri = {}
        for problem in problems:
            if problem.path in file_of:
                self._problems_by_uri.setdefault(file_of[problem.path].src_uri, []).append(problem)
        uri = posixpath.join(self.settings.dir, PROBLEMS_PAGE)
        existing = files.get_file_from_path(uri)
        if existing is not None:  # a `_` name is never a post-mortem; while serving, ours wins
            files.remove(existing)
        page = self._generated.page(config, uri, None, dest_prefix=prefix_dest)  # written below, once its links are known
        urls = {path: file.url_relative_to(page) for path, file in file_of.items()}
        self._generated.rewrite(page, problems_page(problems, len(entries), urls, self.settings.on_invalid))
        files.append(page)
        self._problems_file = page

    # After MkDocs and nav plugins have built the nav (mkdocs-awesome-nav builds its own at +100;
    # mkdocs-literate-nav sets config.nav in on_files), before mkdocs-static-i18n (-100) translates it.
    @event_priority(-50)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """One section of the generated pages at the end of the nav, unless the nav already lists one
        of them (mkdocs.yml's `nav`, awesome-nav's `.nav.yml`, literate-nav's `SUMMARY.md`)."""
        if not lists_any(nav, (file for _, file in self._generated_pages)):
            add_section(nav, self.settings.nav_title, self._generated_pages, config)
        return nav

    def _page_meta(self, page: Page, doc: Document) -> dict[str, Any]:
        """Every post-mortem page, valid or not (on_invalid: warn publishes invalid ones), hands the
        theme and other plugins the same safe meta: see render.page_meta. Its front matter is the
        plugin's reading (see without_front_matter), over what other plugins set."""
        meta = page.meta if doc.meta is None else {**page.meta, **doc.meta}
        private = self.settings.private_fields  # a deep copy only when there is something to strip: page_meta copies
        return page_meta(strip_private(meta, private) if private else meta, self.schema)

    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        doc = self._docs_by_uri.get(page.file.src_uri)
        return None if doc is None else without_front_matter(doc, page.file.content_string)

    def _decorate(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._mentions is not None:
            self._mentions.finder = None  # only post-mortem pages link mentions
        doc = self._docs_by_uri.get(page.file.src_uri)
        if doc is None:
            return markdown
        page.meta = self._page_meta(page, doc)
        incident = self._by_uri.get(page.file.src_uri)
        if incident is None or self.renderer is None:
            return invalid_body(doc)
        if self._mentions is not None:  # the page's Markdown is rendered right after this event
            self._mentions.finder = self._mention_index.finder(page.file.src_uri, incident.id)
        stash = self._stashed[page.file.src_uri] = Stash(self._stash_token)  # card, footer: markers put back later
        return self.renderer.decorate(incident, markdown, stash, self._rebuilds.decorations(self.renderer.decorations))

    # Last: the Markdown MkDocs renders is the page's final one, after every plugin's on_page_markdown.
    @event_priority(-math.inf)
    def _kept_render(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri not in self._docs_by_uri and page.file.src_uri not in self._page_stashes:
            return markdown  # only the plugin's pages: those whose number grows with the site
        return self._renders.before(page, markdown, files)

    on_page_markdown = CombinedEvent(_decorate, _kept_render)

    # First: a page whose rendering a serve session kept gets it back before any handler reads it.
    @event_priority(math.inf)
    def _put_back_render(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._renders.after(page, html, files)

    # 100: first, so a post-mortem's HTML is sanitized (body_html) before any other plugin reads it
    # (mkdocs-rss-plugin at -75, Material's search later) or adds markup of its own, which it may.
    @event_priority(100)
    def _sanitize_body(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        doc = self._docs_by_uri.get(uri)
        if doc is not None and self.settings.body_html == "sanitized":
            html = self._rebuilds.sanitized(html)
        stash = self._stashed.get(uri) or self._page_stashes.get(uri)
        if stash is None:
            return html
        if doc is not None:  # MkDocs' "original Markdown content from the file", not ours decorated:
            page.markdown = doc.body  # a copy of every page less to hold for the whole build
        # HTML the renderer escaped: put back after the sanitizer, not through it
        html = self._stash_error(uri, stash.restore, html)
        if uri in self._stashed or not self.serving:  # a serve rebuild may be handed the generated pages' again
            stash.release()
        return html

    # -100: after mkdocs-rss-plugin (-75), which reads page.title in its on_page_content and escapes
    # it itself, so the feed shows the title as written; and before any template is rendered (MkDocs
    # runs every page's on_page_content first), since themes print page.title raw into <title>, the
    # header, <h1>, nav and search results (MkDocs' Jinja has no autoescape).
    @event_priority(-100)
    def _escape_title(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self._docs_by_uri:
            escape_title(page.meta)
        if self._mentions is not None:
            self._mentions.finder = None  # the page is rendered: Markdown rendered later by others is not this page
        return html

    on_page_content = CombinedEvent(_put_back_render, _sanitize_body, _escape_title)

    # After the search plugin has indexed the page: the banner is for the author, not for search.
    @event_priority(-100)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        self._searched(page, config)
        target = self._problems_file
        if self.serving and self._problems and target is not None and target is not page.file and page.content is not None:
            url = target.url_relative_to(page.file)
            own = self._problems_by_uri.get(page.file.src_uri, [])
            page.content = banner(self._problems, self._checked, own, url, self.settings.on_invalid) + page.content
        return context

    def _searched(self, page: Page, config: MkDocsConfig) -> None:
        """Once the search plugin has indexed a page: an index page it should not have indexed is taken
        out; the words of the card and the footer, which search has read, leave the HTML the page
        holds to the end of the build (its template's output gets the blocks themselves: on_post_page)."""
        if (page.meta.get("search") or {}).get("exclude") and page.file.generated_by:
            # Material's search honours `search: exclude` (_not_searched.md.j2); take it out of MkDocs' own
            drop_from_search(config, page.url)
        stash = self._stashed.get(page.file.src_uri) or self._page_stashes.get(page.file.src_uri)
        if stash is not None and page.content is not None:
            page.content = stash.indexed(page.content)

    # 100: the finished page gets its card (or a generated page its blocks left out of search) before any other
    # plugin (a minifier) rewrites the HTML
    @event_priority(100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        stash = self._stashed.pop(page.file.src_uri, None) or self._page_stashes.pop(page.file.src_uri, None)  # after search
        return self._stash_error(page.file.src_uri, stash.finish, output) if stash and stash.unfinished else output

    @staticmethod
    def _stash_error(uri: str, put_back: Callable[[str], str], html: str) -> str:
        """`put_back(html)` (render.Stash), a block another extension or plugin dropped failing the build."""
        try:
            return put_back(html)
        except ValueError as exc:
            raise PluginError(f"postmortem: {uri}: {exc}") from exc

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for path in [self.settings.schema, *site_files(self.schema)] if self.settings.schema else []:
            server.watch(str(path))  # the extension and the site files its $refs name
        return server
