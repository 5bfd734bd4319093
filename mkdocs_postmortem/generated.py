"""The plugin's generated pages, made to look like any other page to other plugins.

- Each has a real source file (`abs_src_path`), written into a private folder
  outside `docs_dir` (writing into `docs_dir` would make `mkdocs serve` rebuild
  forever) and removed when the process ends or `mkdocs serve` stops:
  mkdocs-rss-plugin and others open or stat `page.file.abs_src_path`.
- A file is written only when its bytes change (or, for a page whose HTML blocks
  are kept out of its Markdown, render.Stash, when they change: `shows`), so its
  modification time says when what it shows last changed: `mkdocs serve --dirty` rebuilds a page only when
  its source is newer than its HTML, so it rebuilds exactly the generated pages an
  edit changed.
- They go where the post-mortems went: mkdocs-static-i18n moves another
  language's pages under `fr/`, and the generated ones follow.
- Their nav section is added to the `Navigation` MkDocs or a nav plugin built
  (mkdocs-awesome-nav, mkdocs-literate-nav), never by replacing `config.nav`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.contrib.search import SearchPlugin
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


class GeneratedFiles:
    """A private folder for the generated pages' source files, kept for a whole `mkdocs serve` session."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._finalizer: weakref.finalize[..., GeneratedFiles] | None = None
        self._shown: dict[Path, str] = {}  # a page's file -> what else it showed when last written

    def new_build(self) -> None:
        """Make the folder, once: the files stay across rebuilds, rewritten only when they change."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="mkdocs_postmortem_"))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)

    def page(self, config: MkDocsConfig, uri: str, content: str | None, *, dest_prefix: str = "", shows: str = "") -> File:
        """A generated page (or asset) at `uri`, backed by a real file holding `content`
        (None: written later, by `rewrite`); `shows`: what else the page shows (its stashed HTML)."""
        assert self._root is not None, "new_build() first"
        path = self._root / uri
        if content is not None:
            if self._shown.get(path, shows) != shows:  # the same Markdown showing other HTML: a new mtime
                path.unlink(missing_ok=True)
            self._shown[path] = shows
            _write(path, [content.encode("utf-8")])
        file = File.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
        if dest_prefix:  # before anything reads url or abs_dest_path, which derive from dest_uri
            file.dest_uri = dest_prefix + file.dest_uri
        return file

    def write(self, uri: str, pieces: Iterable[bytes]) -> None:
        """Write a generated file that is not a page (an export) at `uri`, a piece at a time as they
        are made (outputs.Contents)."""
        assert self._root is not None, "new_build() first"
        _write(self._root / uri, pieces)

    def data(self, config: MkDocsConfig, uri: str) -> File:
        """The file `write` wrote at `uri`: MkDocs copies it into the site, and the build does not
        hold its bytes (megabytes at thousands of incidents)."""
        assert self._root is not None, "new_build() first"
        return File.generated(config, uri, abs_src_path=str(self._root / uri))

    def rewrite(self, file: File, content: str) -> None:
        assert file.abs_src_path is not None
        _write(Path(file.abs_src_path), [content.encode("utf-8")])

    def remove(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._root = self._finalizer = None


def _same_bytes(one: Path, other: Path) -> bool:
    """Whether two files hold the same bytes (`other` may not exist), read a block at a time.
    Not filecmp.cmp: it remembers answers by size and modification time, which two writes within
    the file system's time resolution can share."""
    try:
        if one.stat().st_size != other.stat().st_size:
            return False
        with one.open("rb") as a, other.open("rb") as b:
            while True:
                block = a.read(1 << 16)
                if block != b.read(1 << 16):
                    return False
                if not block:
                    return True
    except FileNotFoundError:
        return False


def _write(path: Path, pieces: Iterable[bytes]) -> None:
    """Write the pieces into a file beside `path`, which replaces it unless `path` holds the same bytes
    already: its modification time is when it last changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = path.with_name(path.name + ".new")
    with new.open("wb") as out:
        for piece in pieces:
            out.write(piece)
    if _same_bytes(new, path):
        new.unlink()
    else:
        os.replace(new, path)


def dest_prefix(files: Iterable[File], config: MkDocsConfig) -> str:
    """The folder another plugin moved the given pages into ("fr/" for mkdocs-static-i18n's French
    build), found by comparing where one of them goes with where MkDocs alone would put it."""
    for file in files:
        plain = File(file.src_uri, None, config.site_dir, config.use_directory_urls).dest_uri
        if file.dest_uri != plain and file.dest_uri.endswith("/" + plain):
            return file.dest_uri[: -len(plain)]
        return ""
    return ""


def lists_any(nav: Navigation, files: Iterable[File]) -> bool:
    wanted = {id(f) for f in files}
    return any(id(page.file) in wanted for page in nav.pages)


def add_section(nav: Navigation, title: str, entries: Sequence[tuple[str, File]], config: MkDocsConfig) -> None:
    """Append a section of pages to a built nav, linked as MkDocs links its own: parents, previous and next."""
    pages = [Page(page_title, file, config) for page_title, file in entries]
    if not pages:
        return
    section = Section(title, list(pages))
    for page in pages:
        page.parent = section
    previous = [nav.pages[-1] if nav.pages else None, *pages[:-1]]
    for before, after in zip(previous, pages, strict=True):
        after.previous_page = before
        if before is not None:
            before.next_page = after
    nav.items.append(section)
    nav.pages.extend(pages)


def drop_from_search(config: MkDocsConfig, url: str) -> None:
    """Take the page at `url` out of MkDocs' own search index, right after that plugin's
    on_page_context added it (its entries are the last ones); other search plugins are left alone."""
    for plugin in config.plugins.values():
        entries = getattr(getattr(plugin, "search_index", None), "_entries", None)
        if isinstance(plugin, SearchPlugin) and isinstance(entries, list):
            while entries and str(entries[-1].get("location", "")).split("#")[0] == url:
                entries.pop()
