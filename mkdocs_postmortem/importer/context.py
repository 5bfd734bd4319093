"""What the section readers share while one document is converted: its structure, the front matter so far, the notes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..schema import is_identifier
from .markdown import Field, Line, Paragraph, Structure
from .values import split_list
from .vocabulary import Vocabulary

#: Sections whose fields belong to the review, not to the incident (a sign-off's "Date:" is not the incident date).
REVIEW = re.compile(r"review|approv|sign")


def outside_review(line: Line) -> bool:
    return not REVIEW.search(line.where)


@dataclass
class Context:
    doc: Structure
    vocabulary: Vocabulary
    source: str
    today: dt.date
    id_hint: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    impact: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    removed: set[int] = field(default_factory=set)  # lines taken out of the body: their content is in the front matter
    date: dt.date | None = None  # the incident's date, once read
    summary_from: Paragraph | None = None  # the paragraph `summary` is, word for word

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def first(self, keys: Iterable[str], where: Callable[[Line], bool] = lambda line: True) -> Field | None:
        """The first field with one of these (normalised) labels on a line `where` accepts."""
        wanted = set(keys)
        return next((f for f in self.doc.fields if f.key in wanted and where(self.doc.lines[f.index])), None)

    def identifiers(self, value: str, name: str) -> list[str]:
        """A list of service names, or none when one of them is no identifier (the line stays in the body)."""
        items = split_list(value)
        bad = [item for item in items if not is_identifier(item)]
        if bad:
            self.note(f"{name}: {bad[0]!r} {self.vocabulary.identifier_rule}; kept in the body")
            return []
        return items

    def remove(self, f: Field) -> None:
        """Take a field's line out of the body (its value is in the front matter), only when its label is plain."""
        if f.label.lower().split() == f.key.split():
            self.removed.add(f.index)

    def remove_lines(self, start: int, end: int) -> None:
        self.removed.update(range(start, end))

    @property
    def default_year(self) -> int:
        """The year of a date written without one: the incident's, else today's."""
        return (self.date or self.today).year
