"""The structure of a classic post-mortem, read with markdown-it-py: every piece with its line.

`Structure(text)` parses once (CommonMark, GFM tables, task lists from
mdit-py-plugins) and offers what the section readers need: each line's
section and sub-heading, the ``**Label:** value`` fields, the tables, the
lists with their checkboxes, the paragraphs.  Line numbers are 0-based
indexes into ``text.split("\\n")``.  Nothing inside fenced or indented code
is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

from .values import given, norm

#: Marks people use for a ticked box; the task-list plugin knows x and X only.
CHECKED = "xX✓✔✅☑"
_BOX = re.compile(rf"\[(?P<mark>[ {CHECKED}]?)\ufe0f?\](?P<label>[^\[\]]*)")
_LEADING_BOX = re.compile(rf"^\[(?P<mark>[ {CHECKED}]?)\ufe0f?\]\s+(?P<label>.*)$", re.DOTALL)
_ATX = re.compile(r"^#{1,6}(?=\s|$)|\s+#+\s*$|^#+\s*$")
_FIELD = re.compile(r"^\*\*(?P<label>[^*:\n]{1,60}?)\s*(?::\s*\*\*|\*\*\s*:)(?P<value>.*)$")


def _words(text: str) -> list[str]:
    return sorted(re.findall(r"[^\W_]+", text))


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(tasklists_plugin)


@dataclass
class Line:
    text: str
    section: str  # lower-case title of the enclosing level-1/2 section ('' before the first)
    sub: str  # lower-case title of the enclosing level-3+ heading within it
    code: bool = False  # inside fenced or indented code
    heading: int = 0  # heading level, 0 when the line is not a heading

    @property
    def where(self) -> str:
        return f"{self.section} / {self.sub}"


@dataclass
class Heading:
    index: int
    level: int
    text: str
    end: int  # line after the heading (a setext heading has two)


@dataclass
class Field:
    index: int
    label: str  # as written
    key: str  # normalised
    value: str


@dataclass
class Table:
    start: int  # line of the header row
    end: int  # line after the last row
    header: list[str]
    rows: list[tuple[int, list[str]]]
    exact: bool = True  # every row's cells hold all its text (markdown-it drops cells beyond the header's)


@dataclass
class Item:
    index: int  # first line
    end: int  # line after the item
    text: str  # the item's own text (its first paragraph, lines joined), without a leading checkbox
    full: str  # everything in the item, nested lists too, joined by spaces
    checked: bool | None  # None: not a checkbox item


@dataclass
class List:
    start: int
    end: int
    depth: int  # 0 for a list that is not inside another
    items: list[Item] = field(default_factory=list)


@dataclass
class Paragraph:
    start: int
    end: int
    lines: list[str]
    in_list: bool


def boxes(value: str) -> list[tuple[bool, str]]:
    """`[ ] P0 [x] P1` -> [(False, 'P0'), (True, 'P1')]."""
    out = []
    for m in _BOX.finditer(value):
        label = m["label"].strip().strip("|/,;").strip()
        out.append((bool(m["mark"].strip()), label))
    return out


def only_boxes(value: str) -> bool:
    """The value is checkboxes and their labels, nothing else (`[ ] P0 [x] P1`, not `[x] P1 (first guess)`)."""
    return bool(_BOX.search(value)) and not _BOX.sub("", value).strip()


class Structure:
    """One classic document, parsed."""

    def __init__(self, text: str) -> None:
        raw = text.split("\n")
        self.lines = [Line(t, "", "") for t in raw]
        self.headings: list[Heading] = []
        self.fields: list[Field] = []
        self.tables: list[Table] = []
        self.lists: list[List] = []
        self.paragraphs: list[Paragraph] = []
        self.hrs: set[int] = set()
        self._read(_parser().parse(text))
        self._sections()

    # -- reading the tokens --

    def _read(self, tokens: list[Token]) -> None:
        open_lists: list[List] = []
        items: list[tuple[Item, int]] = []  # open items and where their tokens start
        for i, token in enumerate(tokens):
            start, end = token.map or (0, 0)
            if token.type in ("fence", "code_block"):
                for n in range(start, min(end, len(self.lines))):
                    self.lines[n].code = True
            elif token.type == "hr":
                self.hrs.add(start)
            elif token.type == "heading_open":
                level = int(token.tag[1])
                self.headings.append(Heading(start, level, self._heading_text(start, tokens[i].markup), end))
                for n in range(start, min(end, len(self.lines))):
                    self.lines[n].heading = level
            elif token.type == "table_open":
                self._table(tokens, i)
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                block = List(start, end, len(open_lists))
                open_lists.append(block)
                self.lists.append(block)
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                open_lists.pop()
            elif token.type == "list_item_open":
                item = Item(start, end, "", "", None)
                open_lists[-1].items.append(item)
                items.append((item, i))
            elif token.type == "list_item_close":
                item, first = items.pop()
                self._item(item, tokens[first:i])
            elif token.type == "paragraph_open":
                inline = tokens[i + 1]
                content = inline.content.split("\n")
                self.paragraphs.append(Paragraph(start, end, content, bool(open_lists)))
                for offset, line in enumerate(content):
                    m = _FIELD.match(line.strip())
                    if m:
                        self.fields.append(Field(start + offset, m["label"].strip(), norm(m["label"]), m["value"]))

    def _heading_text(self, index: int, markup: str) -> str:
        """As written (markdown-it replaces NUL and the like, which the front matter's scrubbing handles itself)."""
        text = self.lines[index].text.strip()
        if markup.startswith("#"):
            text = _ATX.sub("", text)
        return text.strip()

    @staticmethod
    def _item(item: Item, tokens: list[Token]) -> None:
        inlines = [t for t in tokens if t.type == "inline"]
        if not inlines:
            return
        first = inlines[0]
        text = " ".join(line.strip() for line in first.content.split("\n"))
        if "task-list-item" in str(tokens[0].attrs.get("class", "")):
            box = first.children[0] if first.children else None
            item.checked = box is not None and "checked" in box.content.replace("checkbox", "")
            text = text.strip()
        else:
            m = _LEADING_BOX.match(text)
            if m:
                item.checked = bool(m["mark"].strip())
                text = m["label"]
        item.text = text.strip()
        rest = " ".join(" ".join(line.strip() for line in t.content.split("\n")) for t in inlines[1:])
        item.full = f"{item.text} {rest}".strip()

    def _table(self, tokens: list[Token], i: int) -> None:
        start, end = tokens[i].map or (0, 0)
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        row: list[str] | None = None
        row_line = start
        for token in tokens[i + 1 :]:
            if token.type == "table_close":
                break
            if token.type == "tr_open":
                row, row_line = [], (token.map or (start, start))[0]
            elif token.type == "inline" and row is not None:
                row.append(token.content.strip())
            elif token.type == "tr_close" and row is not None:
                if row_line == start:
                    header = row
                else:
                    rows.append((row_line, row))
        table = Table(start, end, header, rows)
        for index, cells in rows:
            table.exact = table.exact and _words(self.lines[index].text) == _words(" ".join(cells))
        self.tables.append(table)

    def _sections(self) -> None:
        """Each line's section and sub-heading; the first level-1 heading is the document's title, not a section."""
        section = sub = ""
        title_seen = False
        changes = {}
        for h in self.headings:
            name = h.text.lower()
            if h.level == 1 and not title_seen:
                title_seen = True
            elif h.level <= 2:
                section, sub = name, ""
            else:
                sub = name
            changes[h.index] = (section, sub)
        section = sub = ""
        for n, line in enumerate(self.lines):
            section, sub = changes.get(n, (section, sub))
            line.section, line.sub = section, sub

    # -- questions the readers ask --

    def list_at(self, index: int) -> List | None:
        """The top-level or nested list starting right below line `index` (one blank line allowed in between)."""
        for block in self.lists:
            if block.start == index + 1 or (block.start == index + 2 and not self.lines[index + 1].text.strip()):
                return block
        return None

    def choices(self, f: Field) -> list[tuple[bool, str]]:
        """Checkboxes on the field's line, or in a checkbox list right below a field without a value."""
        inline = boxes(f.value)
        if inline or given(f.value):
            return inline
        block = self.list_at(f.index)
        out: list[tuple[bool, str]] = []
        for item in block.items if block else []:
            if item.checked is None:
                break
            out.append((item.checked, item.text))
        return out

    def checkbox_list(self, f: Field) -> List | None:
        """The checkbox list right below a field without a value, as `choices` reads it."""
        if boxes(f.value) or given(f.value):
            return None
        block = self.list_at(f.index)
        return block if block and block.items and all(item.checked is not None for item in block.items) else None

    def list_after(self, index: int) -> list[str]:
        """The items of the list right below line `index`, nested text included, blanks left out."""
        block = self.list_at(index)
        return [g for g in (given(item.full) for item in block.items) if g] if block else []

    def first_heading(self, level: int) -> Heading | None:
        return next((h for h in self.headings if h.level == level), None)
