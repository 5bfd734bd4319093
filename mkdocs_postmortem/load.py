"""Load stage: one file on disk -> one `Document`, never an exception for bad input.

The front matter is parsed once, with libyaml's CSafeLoader where it is
available.  The composed node tree gives the line of every key and lets us
catch duplicate keys and alias bombs before anything walks the values.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import DAY_LENGTH, Document, FieldPath, Problem, Timestamp, format_path

try:  # libyaml is several times faster; PyYAML's pure-Python loader is the fallback
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Most values YAML aliases may add to a front matter: what the document holds
#: once its aliases are written out, minus what it holds as written.  Sharing a
#: list of names through an anchor adds a handful; an alias bomb ("billion
#: laughs") adds billions from a few lines.  A large document written out in
#: full (10,000 actions) adds nothing and is not limited.
MAX_ALIAS_VALUES = 10_000

#: Deepest nesting of a front matter.  The format nests four levels
#: (review.sign_off[0].name); deeper structures only strain every stage that walks them.
MAX_DEPTH = 64

_OPENING = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as the text written in the file.

    YAML turns `2025-12-02` into a date and `2025-12-02T14:29:00` into a naive
    datetime, and an impossible date such as 2025-02-30 into a ValueError.
    Keeping the text means quoted and unquoted dates validate alike and error
    messages quote what the author wrote.
    """


#: One Timestamp for each date (`2025-12-02`) the process has read, up to this many days (a century
#: is 36,525): post-mortems repeat the same days (due dates, reviews), and each Timestamp, a str
#: subclass, takes about 110 bytes. Date-times, mostly each written once, are not shared.
SHARED_DATES = 50_000
_dates: dict[str, Timestamp] = {}


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Timestamp:
    text: str = node.value
    if len(text) != DAY_LENGTH:
        return Timestamp(text)
    shared = _dates.get(text)
    if shared is None:
        shared = Timestamp(text)
        if len(_dates) < SHARED_DATES:
            _dates[text] = shared
    return shared


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

#: Longest text the loader interns (`sys.intern`): the keys, and the values every document repeats
#: (a status, a severity, an owner's name, a service). libyaml makes a new string of each key of each
#: document; a site of thousands of post-mortems holds them all for the whole build.
INTERNED_LENGTH = 40


def _str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value: str = node.value
    return sys.intern(value) if len(value) <= INTERNED_LENGTH else value


_Loader.add_constructor("tag:yaml.org,2002:str", _str)
# written back as it was read: unquoted (a document the plugin writes, `postmortem render`, reads the same)
yaml.SafeDumper.add_representer(
    Timestamp, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(value))
)


class _Unbounded(Exception):
    """The node tree would be unbounded or too costly to walk: a problem at `node`."""

    def __init__(self, line: int, path: FieldPath, message: str) -> None:
        super().__init__(message)
        self.line, self.path, self.message = line, path, message


def _children(node: yaml.Node, path: FieldPath) -> list[tuple[yaml.Node, FieldPath, int]]:
    """(child, its path, the line it is written on): a value is where its key is (an alias node has no line of its own)."""
    if isinstance(node, yaml.MappingNode):
        out: list[tuple[yaml.Node, FieldPath, int]] = []
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            line = key.start_mark.line
            out += [(key, path, line), (value, (*path, str(name)), line)]
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(item, (*path, index), item.start_mark.line) for index, item in enumerate(node.value)]
    return []


def _bound_aliases(root: yaml.Node) -> None:
    """Raise `_Unbounded` when aliases loop or would add more than MAX_ALIAS_VALUES values, or nesting is too deep.

    An alias is the very node its anchor names, so the composed tree is a graph
    whose repeated nodes cost nothing until something walks the values.  Each
    distinct node is measured once (what it expands to, from its children's
    measures), so this costs as much as the document as written, however much
    its aliases would expand.
    """
    size: dict[int, int] = {}  # id(node) -> values it expands to
    repeats: dict[int, int] = {}  # id(node) -> times reached again through an alias
    first: dict[int, tuple[int, FieldPath]] = {}
    entered: set[int] = set()  # the nodes being measured: the ancestors of the current one
    stack: list[tuple[yaml.Node, FieldPath, int, int, bool]] = [(root, (), root.start_mark.line, 0, False)]
    while stack:
        node, path, line, depth, done = stack.pop()
        key = id(node)
        if done:
            entered.discard(key)
            size[key] = 1 + sum(size[id(child)] for child, _, _ in _children(node, path))
            continue
        if key in size:
            repeats[key] = repeats.get(key, 0) + 1
            continue
        if key in entered:
            raise _Unbounded(line, path, "a YAML alias here refers to a value that contains it, so it never ends")
        if depth > MAX_DEPTH:
            raise _Unbounded(line, path[:1], f"nests deeper than {MAX_DEPTH} levels here; keep the front matter flat")
        entered.add(key)
        first[key] = (line, path)
        stack.append((node, path, line, depth, True))
        stack.extend((child, at, where, depth + 1, False) for child, at, where in reversed(_children(node, path)))
    added = size[id(root)] - len(size)
    if added > MAX_ALIAS_VALUES:
        # Blame the anchored value whose repetitions cost the most: that is the line to write out.
        worst = max(repeats, key=lambda k: repeats[k] * size[k])
        line, path = first[worst]
        raise _Unbounded(
            line,
            path,
            f"YAML aliases repeat the value anchored here until the front matter would hold {size[id(root)]:,} values "
            f"({added:,} more than written; at most {MAX_ALIAS_VALUES:,} are allowed): write the values out",
        )


def load_file(path: Path | str, display_path: str | None = None, *, raw: bytes | None = None) -> Document:
    """Read and load one post-mortem file (`raw`: its bytes, when the caller has read them already)."""
    shown = display_path or str(path)
    try:
        raw = Path(path).read_bytes() if raw is None else raw
    except OSError as exc:
        return Document(shown, None, "", problems=[Problem(shown, 1, "", f"cannot read file: {exc.strerror or exc}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Document(
            shown,
            None,
            "",
            problems=[
                Problem(
                    shown,
                    line,
                    "",
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
                )
            ],
        )
    return load_text(text, shown, source=Path(path))


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line the body starts on), or None when there is no closing `---`.

    Only called when the text starts with an opening `---` line.
    """
    opening = _OPENING.match(text)
    assert opening is not None
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        return None
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    return text[opening.end() : closing.start()], text[body_start:], text.count("\n", 0, body_start) + 1


#: The line of a file on which its front matter's first field is written, after the opening `---`.
FIRST_LINE = 2


def load_text(text: str, path: str, *, fast: bool = True, source: Path | None = None) -> Document:
    """Load a post-mortem from its text; `path` is only used in problems (`fast`: see `parse_front_matter`).

    `source`: the file `text` was read from. The lines of the fields are then read from it again if a
    problem is reported, instead of the document holding its front matter's text until then (a
    quarter of a post-mortem's text, kept for every document of a site that has no problem).
    """
    if not _OPENING.match(text):
        return Document(
            path,
            None,
            text,
            problems=[
                Problem(
                    path, 1, "", "no front matter: a post-mortem starts with a line '---', its YAML fields, and another '---'"
                )
            ],
        )
    split = split_front_matter(text)
    if split is None:
        return Document(
            path,
            None,
            text,
            problems=[Problem(path, 1, "", "front matter is not closed: add a line '---' after the last field")],
        )
    fm_text, body, body_line = split
    doc = Document(path, None, body, body_line=body_line)
    parse_front_matter(fm_text, doc, first_line=FIRST_LINE, fast=fast)
    if source is not None and doc.find_lines is not None:
        doc.find_lines = functools.partial(_key_lines_in_file, source, hash(fm_text))
    return doc


def _key_lines_in_file(source: Path, front_matter: int) -> dict[FieldPath, int]:
    """`_key_lines` of the front matter `load_text` read from `source` (`front_matter`: its text's
    hash), read from the file again. If the file has changed since, only the front matter's first
    line is known; the next load reads the new text."""
    try:
        text = source.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    split = split_front_matter(text) if _OPENING.match(text) else None
    if split is None or hash(split[0]) != front_matter:
        return {(): FIRST_LINE}
    return _key_lines(split[0], FIRST_LINE)


def parse_front_matter(fm_text: str, doc: Document, first_line: int, *, fast: bool = True) -> None:
    """Parse YAML into `doc.meta`; problems go into `doc.problems`, key lines into `doc.lines`.

    Two paths give the same verdict and the same data (a property test holds them equal):

    - the fast one, libyaml's parse and nothing else, for a front matter that cannot hold an
      alias (no `&` anywhere: no anchor, so nothing to alias), has no merge key (`<<`), no
      duplicate key and nests at most MAX_DEPTH levels. Lines are found later, and only if a
      problem is reported on the document (`Document.find_lines`);
    - the line-tracking one for everything else, or with `fast=False`: it walks the composed
      nodes to bound aliases and nesting, find duplicate keys and record every key's line, and
      explains whatever is wrong.
    """
    offset = first_line - 1
    if fast and "&" not in fm_text:
        value = _fast_load(fm_text)
        if value is not None:
            doc.meta = value
            doc.find_lines = functools.partial(_key_lines, fm_text, first_line)
            return
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.problems.append(
                Problem(doc.path, first_line, "", "front matter is empty: it needs at least id, title, date, severity and status")
            )
            return
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            doc.problems.append(
                Problem(
                    doc.path,
                    node.start_mark.line + 1 + offset,
                    "",
                    f"front matter must be a mapping of 'key: value' lines, not {kind}",
                )
            )
            return
        _bound_aliases(node)
        duplicates: list[tuple[FieldPath, int, int]] = []
        lines: dict[FieldPath, int] = {}
        _walk(node, (), lines, duplicates, offset)
        doc.lines.update(lines)
        if duplicates:
            for fpath, line, first in duplicates:
                doc.problems.append(
                    Problem(doc.path, line, format_path(fpath), f"duplicate key: already defined on line {first}")
                )
            return
        value = loader.construct_document(node)
    except _Unbounded as exc:
        doc.problems.append(Problem(doc.path, exc.line + 1 + offset, format_path(exc.path), exc.message))
        return
    except RecursionError:  # pragma: no cover - only PyYAML's pure-Python composer recurses per level
        doc.problems.append(Problem(doc.path, first_line, "", f"the front matter nests deeper than {MAX_DEPTH} levels"))
        return
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        last_line = offset + max(fm_text.count("\n"), 1)  # an error "at the end" is on the last line, not on the closing ---
        doc.problems.append(Problem(doc.path, min(line, last_line), "", _yaml_message(exc, offset)))
        return
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        doc.problems.append(Problem(doc.path, first_line, "", f"YAML error: {exc}"))
        return
    finally:
        loader.dispose()
    doc.lines[()] = first_line
    doc.meta = value


class _NotPlain(Exception):
    """The front matter needs the line-tracking path: a duplicate or merge key."""


class _FastLoader(_Loader):
    """`_Loader` that gives up (`_NotPlain`) where the line-tracking path would judge differently from the data."""

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # A merge key (`<<`) reshapes the mapping, so the data would not show the nesting as written.
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _NotPlain

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep)
        if len(mapping) != len(node.value):  # a duplicate key: the later value replaced the earlier one
            raise _NotPlain
        return mapping


def _fast_load(fm_text: str) -> dict[str, Any] | None:
    """The front matter's mapping, parsed by libyaml alone, or None when the line-tracking path must decide.

    Only called without an anchor in the text, so no value is shared and walking it is bounded.
    """
    loader = _FastLoader(fm_text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return None  # empty, a list or a single value: the other path says so
        value = loader.construct_document(node)
    except (yaml.YAMLError, _NotPlain, RecursionError):
        return None
    finally:
        loader.dispose()
    return None if _too_deep(value) else value


def _too_deep(value: Any) -> bool:
    """Whether a value (without aliases) nests deeper than `_bound_aliases` allows: a node below level MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = list(item.values()) if isinstance(item, dict) else item
        if not children:
            continue
        if depth >= MAX_DEPTH:  # its children (a mapping's keys too) are below the limit
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _key_lines(fm_text: str, first_line: int) -> dict[FieldPath, int]:
    """The line of every key and list item of a front matter the fast path loaded (see `parse_front_matter`)."""
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {(): first_line}
    if node is not None:  # always: the fast path loaded a mapping from this text
        _walk(node, (), lines, [], first_line - 1)
    return lines


def _yaml_message(exc: yaml.MarkedYAMLError, offset: int) -> str:
    problem = exc.problem or "invalid YAML"
    if "could not determine a constructor" in problem:
        quoted = re.search(r"tag '([^']*)'", problem)
        tag = (quoted.group(1) if quoted else "?").replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed: front matter holds plain values only"
    message = f"YAML syntax error: {problem}"
    if exc.context:
        message += f" ({exc.context}"
        if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
            message += f" started on line {exc.context_mark.line + 1 + offset}"
        message += ")"
    return message


def _walk(
    node: yaml.Node,
    path: FieldPath,
    lines: dict[FieldPath, int],
    duplicates: list[tuple[FieldPath, int, int]],
    offset: int,
) -> None:
    """Record the line of every key and item; find duplicate keys (after `_bound_aliases`: the walk is bounded)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key: Any = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1 + offset
            child = (*path, str(key))
            if key in seen:
                duplicates.append((child, line, seen[key]))
            else:
                seen[key] = line
                lines[child] = line
            _walk(value_node, child, lines, duplicates, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1 + offset
            _walk(item, child, lines, duplicates, offset)


#: The file name endings MkDocs publishes as pages (`mkdocs.utils.markdown_extensions`; a test
#: holds the two equal).  Each of them is a post-mortem in the folder, so nothing is published unchecked.
MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


def is_markdown(name: str) -> bool:
    """Whether MkDocs would publish a file of this name as a page."""
    return name.lower().endswith(MARKDOWN_EXTENSIONS)


def is_postmortem_name(relative: str) -> bool:
    """Whether a file under the post-mortem folder (path relative to it) is a post-mortem.

    Markdown files are, except the index at the top (`index.md`, a site's own
    overview) and names starting with `_` or `.` (templates, drafts kept aside).
    The CLI and the plugin both ask this, so they check and publish the same files.
    """
    parts = relative.replace("\\", "/").split("/")
    name = parts[-1]
    if not is_markdown(name) or (len(parts) == 1 and name.rsplit(".", 1)[0].lower() == "index"):
        return False
    return not any(p.startswith(("_", ".")) for p in parts)


@dataclass
class FolderScan:
    """What a post-mortem folder holds, walked the way MkDocs walks docs_dir (following symbolic links)."""

    files: list[Path] = field(default_factory=list)  # the post-mortems, by relative path
    loops: list[str] = field(default_factory=list)  # relative paths of links to a folder that contains them
    problems: list[Problem] = field(default_factory=list)  # one per loop


def scan_folder(folder: Path, display: Callable[[Path], str] = str) -> FolderScan:
    """The post-mortems under `folder`, in a stable order, and the symbolic links that loop.

    MkDocs follows links to folders; a link back to a folder that contains it
    (`ln -s . loop`) would list every file again at each depth until the system
    refuses.  Such a link is reported as a problem with the link and not followed
    (the plugin drops the files MkDocs found through it).  A dangling or looping
    link to a file is listed like any file: loading it reports that it cannot be read.
    """
    scan = FolderScan()
    if not folder.is_dir():
        return scan
    found: list[tuple[str, Path]] = []
    stack: list[tuple[Path, str, frozenset[str]]] = [(folder, "", frozenset({os.path.realpath(folder)}))]
    while stack:
        directory, relative, chain = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:  # unreadable folder: MkDocs skips it too
            continue
        for entry in entries:
            rel = f"{relative}{entry.name}"
            if entry.name.startswith("."):
                continue  # MkDocs leaves out dot names, so does the name rule
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if not is_dir:
                if is_postmortem_name(rel):
                    found.append((rel, Path(entry.path)))
                continue
            real = os.path.realpath(entry.path)
            if real in chain:
                scan.loops.append(rel)
                scan.problems.append(
                    Problem(
                        display(Path(entry.path)),
                        1,
                        "",
                        f"symbolic link to {display(Path(real))}, a folder that contains it: it would list "
                        "every post-mortem again at each depth; remove the link (it is not followed)",
                    )
                )
                continue
            stack.append((Path(entry.path), rel + "/", chain | {real}))
    scan.files = [path for _, path in sorted(found)]
    scan.loops.sort()
    scan.problems.sort()
    return scan


def find_postmortems(folder: Path) -> list[Path]:
    """Post-mortem files under `folder`, in a stable order (see `scan_folder`)."""
    return scan_folder(folder).files
