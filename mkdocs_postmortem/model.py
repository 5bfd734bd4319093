"""The data every stage passes around (documents as loaded, problems found in them) and the domain's words.

One home for each word of the domain. What the schema declares (the timing
moments in order, action statuses and which of them are closed, relations,
the default severities and id pattern) is read from the bundled schema in
`schema.py` (`TIMING_ORDER`, `CLOSED_STATUSES`, ...); what it cannot say is
here: how many days ahead is "due soon", how relations read, how a status
reads in words, how dates are parsed, which id a reference names.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

#: An open action due within this many days of the as-of date (that day included) is "due soon".
DUE_SOON_DAYS = 30

#: The relation of a reference written as a bare id.
DEFAULT_RELATION = "related"

#: The relation of an incident that is a recurrence of an earlier one (the metrics page lists them).
RECURRENCE = "recurrence-of"

#: How a reference reads from the referring incident's side ("recurrence of INC-1")...
RELATION_WORDS = {
    "related": "related to",
    "recurrence-of": "recurrence of",
    "caused-by": "caused by",
    "duplicate-of": "duplicate of",
}
#: ... and from the referenced incident's side ("recurred as INC-2").
INVERSE_RELATION = {
    "related": "related to",
    "recurrence-of": "recurred as",
    "caused-by": "caused",
    "duplicate-of": "duplicated by",
}


def in_words(value: str) -> str:
    """A schema value as a reader says it: `in-progress` -> "in progress", `root_caused` -> "root caused"."""
    return value.replace("-", " ").replace("_", " ")


def reference_id(item: Any) -> str | None:
    """The id named by one `references` entry (a string, or a mapping with `id`)."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return str(item["id"])
    return None


def reference_relation(item: Any) -> str:
    """The relation of one `references` entry (DEFAULT_RELATION for a bare id)."""
    relation = item.get("relation") if isinstance(item, dict) else None
    return relation if isinstance(relation, str) else DEFAULT_RELATION


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


def parse_date(value: str) -> dt.date | None:
    """The day of a `YYYY-MM-DD` string that names a real day (2025-02-30 does not), else None."""
    if not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_date_time(value: str) -> dt.datetime | None:
    """An aware datetime for an ISO 8601 date-time with an offset, else None."""
    if not _DATE_TIME.match(value):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


#: A path into the front matter: ("actions", 2, "due").
FieldPath = tuple[str | int, ...]


#: The class of an incident id shown as text beside its linked title: kept on one line, never made a mention link.
ID_CLASS = "pm-id"


def slug(text: str, empty: str = "x") -> str:
    """Letters (any script) and digits, lower case, joined by dashes: the one rule for anchors and file names.

    `empty` stands in when the text has neither ("x" for an anchor, "" for a file name).
    """
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or empty


def page_dest(src_uri: str, directory_urls: bool) -> str:
    """Where MkDocs writes a page (its rule, mkdocs.structure.files.File): a.md -> a/index.html, or a.html
    without `use_directory_urls`; an index.md stays index.html."""
    stem, _ = posixpath.splitext(src_uri)
    if posixpath.basename(stem) == "index":
        return posixpath.join(posixpath.dirname(stem), "index.html")
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def page_url(src_uri: str, directory_urls: bool) -> str:
    """A page's URL relative to the site's root, as MkDocs gives it (`File.url`): `postmortems/a/` or
    `postmortems/a.html`, quoted (`b c.md` -> `b%20c/`)."""
    dest = page_dest(src_uri, directory_urls)
    if directory_urls and posixpath.basename(dest) == "index.html":
        dest = posixpath.dirname(dest) + "/" if posixpath.dirname(dest) else "./"
    return quote(dest)


def relative_path(target: str, start: str) -> str:
    """`target` relative to the folder `start`, both paths inside the site (src_uri or dest_uri,
    normalised, "" for the top): `relative_path("pm/b/c.md", "pm/a") == "../b/c.md"`.

    `posixpath.relpath` gives the same answer but makes both paths absolute first (two `getcwd`
    system calls), and a site writes tens of thousands of links; the relation of two folders is
    worked out and the name appended. With `use_directory_urls` (MkDocs' default) every page is a
    folder, so most pairs are seen once: the cache holds the recent ones (at 1,000 post-mortems a
    build met 20,000 pairs, 16 % of them again; holding them all took 3.5 MiB).
    """
    if start == target or start.startswith(target + "/"):  # `start` is inside `target`: only `..` steps
        return _relative_folder(target, start)
    folder, name = target.rpartition("/")[::2]
    up = _relative_folder(folder, start)
    return name if up == "." else f"{up}/{name}" if name else up


def _relative_folder(target: str, start: str) -> str:
    """`target` relative to `start`, two folders. Outside `start`, the way goes through its parent
    (`..`), so the pair remembered is (target, parent): every page of a folder shares it. With
    `use_directory_urls` each page is a folder of its own, and a pair of its own was met once."""
    parent, _, leaf = start.rpartition("/")
    if leaf not in ("", ".") and target != start and not target.startswith(start + "/"):
        up = _relative_folder_cached(target, parent)
        return ".." if up == "." else f"../{up}"
    return _relative_folder_cached(target, start)


@functools.lru_cache(maxsize=1 << 10)
def _relative_folder_cached(target: str, start: str) -> str:
    to = [part for part in target.split("/") if part not in ("", ".")]
    at = [part for part in start.split("/") if part not in ("", ".")]
    common = 0
    for a, b in zip(to, at, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def format_path(path: FieldPath) -> str:
    """`("actions", 2, "due")` -> `actions[2].due`, the way people read it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


#: How long a date without a time is, written as YAML reads it (`2025-12-02`): the loader and
#: page meta share one object for each such day.
DAY_LENGTH = len("2025-12-02")


class Timestamp(str):
    """A date or date-time written unquoted in a front matter, kept as the text written (load.py).

    YAML itself reads such a value as a date or datetime, and MkDocs hands those to themes and
    plugins: render.page_meta gives them back so (mkdocs-rss-plugin reads `date` so).
    """

    __slots__ = ()


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one document, said so a person can fix it."""

    path: str  # file path as given by the user (relative where possible)
    line: int  # 1-based; 1 when a problem has no better place
    field: str  # dotted field path, "" for the document as a whole
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}: {where}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "field": self.field, "message": self.message}


@dataclass(slots=True)
class Document:
    """One post-mortem file after loading.

    `meta` is None when the front matter could not be read at all; the reasons
    are then in `problems`.  Dates and date-times in `meta` are the strings
    written in the file, whether they were quoted or not.
    """

    path: str
    meta: dict[str, Any] | None
    body: str
    body_line: int = 1  # line of the file on which the body starts
    _lines: dict[FieldPath, int] = field(default_factory=dict, repr=False)
    problems: list[Problem] = field(default_factory=list)
    #: Finds the line of every key when `lines` is first read: the loader's line-tracking parse, which
    #: costs as much as the loading itself, so it runs only for a document a problem is reported on.
    find_lines: Callable[[], dict[FieldPath, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> dict[FieldPath, int]:
        """The line of every key and list item of the front matter (`()`: the front matter's first line)."""
        if self.find_lines is not None:
            self._lines.update(self.find_lines())
            self.find_lines = None
        return self._lines

    def line_of(self, path: FieldPath) -> int:
        """The line of a field, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: FieldPath, message: str) -> Problem:
        return Problem(self.path, self.line_of(path), format_path(path), message)


#: The status of a post-mortem still being written: left out of the published site unless `drafts: publish`.
DRAFT = "draft"


def is_draft(meta: Mapping[str, Any] | None) -> bool:
    return meta is not None and meta.get("status") == DRAFT


def strip_private(meta: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """A copy of `meta` without the fields named by dotted `paths` (`impact.revenue_usd`); through a
    list, the field goes from every item (`actions.ticket`). `meta` itself is left as it is."""
    out = copy.deepcopy(dict(meta))
    for path in paths:
        _drop(out, path.split("."))
    return out


def _drop(node: Any, keys: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _drop(item, keys)
    elif isinstance(node, dict) and keys[0] in node:
        if len(keys) == 1:
            del node[keys[0]]
        else:
            _drop(node[keys[0]], keys[1:])
