"""The data every stage passes around: documents as loaded, and problems found in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: A path into the front matter: ("actions", 2, "due").
FieldPath = tuple[str | int, ...]


def slug(text: str, empty: str = "x") -> str:
    """Letters (any script) and digits, lower case, joined by dashes: the one rule for anchors and file names.

    `empty` stands in when the text has neither ("x" for an anchor, "" for a file name).
    """
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-") or empty


def format_path(path: FieldPath) -> str:
    """`("actions", 2, "due")` -> `actions[2].due`, the way people read it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


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


@dataclass
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
    lines: dict[FieldPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: FieldPath) -> int:
        """The line of a field, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: FieldPath, message: str) -> Problem:
        return Problem(self.path, self.line_of(path), format_path(path), message)
