"""The one pipeline: documents -> check -> collect, as the plugin, every command and the benchmark run it.

    load (yours, or `load_folder`) ──▶ check ──▶ problems
                                         └──▶ collect the valid ones ──▶ Catalog, as-of date

One rule decides which documents reach the catalog: a document is left out
when its front matter could not be read or any problem names its file. With
`on_invalid: warn` the site publishes the rest; `postmortem actions` reports
on the rest; `postmortem render` and `mkdocs build` (on_invalid: error) refuse
to go on when `problems` is not empty.

No MkDocs here: the plugin is an adapter that hands in the documents MkDocs
lists (loaded through `DocumentCache`, so `mkdocs serve` re-reads only files
whose bytes changed); the commands hand in the folder's files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from jsonschema import Draft202012Validator

from .catalog import Catalog, build_catalog, resolve_as_of
from .check import check_documents, document_problems
from .load import load_file, scan_folder
from .model import Document, Problem, is_draft, strip_private
from .placeholders import Template, placeholder_problems, starter_template
from .schema import statuses_from
from .settings import Settings

#: A post-mortem as the pipeline takes it: the loaded document and its src_uri (path under docs_dir, `/`-separated).
Entry = tuple[Document, str]


@dataclass(frozen=True)
class Build:
    """What the pipeline found: the catalog of valid post-mortems, every problem, and the report's date."""

    catalog: Catalog
    problems: list[Problem]  # sorted; of the documents checked, of the folder, of nothing else
    as_of: dt.date
    checked: int  # how many documents were checked (the "N post-mortems checked" of the summary)
    left_out: list[Document] = field(default_factory=list)  # invalid documents, not in the catalog
    drafts: list[Document] = field(default_factory=list)  # drafts left out of the site (`drafts: exclude`), valid or not


def build(
    entries: Iterable[Entry],
    settings: Settings,
    validator: Draft202012Validator,
    *,
    context: Sequence[Document] = (),
    problems: Iterable[Problem] = (),
    as_of: dt.date | None = None,
    show_drafts: bool = False,
    template: Template | None = None,
    cache: DocumentCache | None = None,
) -> Build:
    """Check `entries`, collect the valid ones into a catalog, and settle the as-of date.

    `context`: the site's other post-mortems when only some are checked (`postmortem validate FILE`):
    their ids count for references and uniqueness; they are neither reported on nor collected.
    `problems`: found before loading (links in the folder that loop), reported with the rest.
    `as_of`: overrides the `as_of` option (`--as-of`); otherwise the option, SOURCE_DATE_EPOCH, today.
    `template`: the template `postmortem new` copies (the site's `_template.md`); default the starter one.
    `show_drafts`: collect drafts whatever the `drafts` option says (`mkdocs serve` shows them).
    `cache`: the `DocumentCache` the documents were loaded through: each one's own problems are
    remembered with it, so a `mkdocs serve` rebuild checks again only the files that changed.
    Raises ValueError (a message for people) for a SOURCE_DATE_EPOCH that is no date.

    Every document is checked, drafts included (a published post-mortem may reference a draft).
    Then, before anything is collected, drafts are left out (unless published or shown) and the
    `private_fields` are stripped: no page, index, report or export can show what is not collected.
    """
    day = resolve_as_of(as_of or settings.as_of)
    listed = list(entries)
    docs = [doc for doc, _ in listed]
    found = check(docs, settings, validator, context=context, problems=problems, template=template, cache=cache)
    invalid = {p.path for p in found}
    valid = [(doc, uri) for doc, uri in listed if doc.meta is not None and doc.path not in invalid]
    left_out = [doc for doc, _ in listed if doc.meta is None or doc.path in invalid]
    publish_drafts = show_drafts or settings.drafts == "publish"
    # a draft is left out valid or not: `on_invalid: warn` publishes invalid documents, never drafts
    drafts = [doc for doc, _ in listed if not publish_drafts and is_draft(doc.meta)]
    published = [(_private_off(doc, settings), uri) for doc, uri in valid if publish_drafts or not is_draft(doc.meta)]
    unpublished = {d.meta["id"]: d.meta["title"] for d in drafts if d.meta is not None and d.path not in invalid}
    catalog = build_catalog(published, settings.severities, unpublished)
    return Build(catalog=catalog, problems=found, as_of=day, checked=len(docs), left_out=left_out, drafts=drafts)


def check(
    docs: Sequence[Document],
    settings: Settings,
    validator: Draft202012Validator,
    *,
    context: Sequence[Document] = (),
    problems: Iterable[Problem] = (),
    template: Template | None = None,
    cache: DocumentCache | None = None,
) -> list[Problem]:
    """Every problem of `docs`, sorted: the checking half of `build` (the arguments are `build`'s),
    all `postmortem validate` needs."""
    own = _own_problems(settings, validator, template)
    if cache is not None:
        own = cache.remembered(own, (validator, settings, template))
    return sorted({*problems, *check_documents(docs, validator, context, own)})


def _own_problems(
    settings: Settings, validator: Draft202012Validator, template: Template | None
) -> Callable[[Document], list[Problem]]:
    """A document's problems that depend on it alone: loading, schema, and from `approved` on, template
    text left unchanged (a status rule: `lifecycle: off` drops it)."""
    statuses = () if settings.lifecycle == "off" else statuses_from(dict(validator.schema), "approved")  # type: ignore[arg-type]

    def own(doc: Document) -> list[Problem]:
        found = document_problems(doc, validator)
        if doc.meta is not None and doc.meta.get("status") in statuses:
            found += placeholder_problems(doc, template or starter_template())
        return found

    return own


def _private_off(doc: Document, settings: Settings) -> Document:
    """The document as the site may show it: without its `private_fields` (checked already, never collected)."""
    if not settings.private_fields or doc.meta is None:
        return doc
    return replace(doc, meta=strip_private(doc.meta, settings.private_fields))


@dataclass
class Folder:
    """The post-mortems of a folder, loaded, with the problems of the folder itself."""

    entries: list[Entry]
    problems: list[Problem]


def load_folder(
    folder: Path, uri_prefix: str, display: Callable[[Path], str] = str, load: Callable[[Path, str], Document] = load_file
) -> Folder:
    """Every post-mortem under `folder` (the rule of `load.scan_folder`), with src_uri `uri_prefix/relative path`.

    `load(path, shown)` loads one file: `load_file`, or a `DocumentCache`'s `load`.
    """
    scan = scan_folder(folder, display)
    prefix = uri_prefix.strip("/")
    entries = [(load(p, display(p)), "/".join(filter(None, [prefix, p.relative_to(folder).as_posix()]))) for p in scan.files]
    return Folder(entries, list(scan.problems))


class DocumentCache:
    """Loads files, re-reading only those whose bytes changed since the last call: a `mkdocs serve` session's memory.

    Keyed by the content's digest, not modification time and size: an editor, `git checkout` or a
    copy with preserved times can change a file and keep both. Reading is cheap next to parsing.
    """

    def __init__(self) -> None:
        self._documents: dict[str, tuple[bytes, Document]] = {}
        self._problems: dict[int, tuple[Document, list[Problem]]] = {}  # id(document) -> its own problems
        self._inputs: tuple[object, ...] | None = None  # what those problems were found with

    def clear(self) -> None:
        """Forget every document (the schema changed: each must be checked again)."""
        self._documents.clear()
        self._problems.clear()

    def remembered(
        self, own: Callable[[Document], list[Problem]], inputs: tuple[object, ...]
    ) -> Callable[[Document], list[Problem]]:
        """`own` (a document's own problems), found once per document for as long as `inputs` (the
        validator, the settings, the template) stay the same: a document this cache did not load
        again is the same object, unchanged."""
        if (
            self._inputs is None
            or len(inputs) != len(self._inputs)
            or any(a is not b and a != b for a, b in zip(inputs, self._inputs, strict=True))
        ):
            self._problems.clear()
            self._inputs = inputs

        def remembered(doc: Document) -> list[Problem]:
            hit = self._problems.get(id(doc))
            if hit is not None and hit[0] is doc:
                return hit[1]
            found = own(doc)
            self._problems[id(doc)] = (doc, found)
            return found

        return remembered

    def load(self, path: Path, shown: str) -> Document:
        try:
            raw = path.read_bytes()
        except OSError:
            return load_file(path, shown)  # reports the unreadable file as a problem
        digest = hashlib.sha256(raw).digest()
        key = str(path)  # not the src_uri: the same name under another docs_dir is another file
        cached = self._documents.get(key)
        if cached and cached[0] == digest:
            return cached[1]
        doc = load_file(path, shown, raw=raw)
        if cached:
            self._problems.pop(id(cached[1]), None)
        self._documents[key] = (digest, doc)
        return doc
