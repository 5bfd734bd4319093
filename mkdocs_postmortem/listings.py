"""Generated list pages that stay small however large the site grows.

Every severity, year, service, tag and action owner has a page of its own (its "listing"); a
listing with more rows than a page holds (`PAGE_ROWS`) is split along the next dimension a reader
filters by: incidents by year, then by month; open actions by state (overdue, due soon, later).
A group that cannot be split further is cut into numbered parts. The page of a split listing
links to its parts instead of listing the rows. Addresses follow the split: an incident of
checkout-api in March 2025 is listed on `services/checkout-api/` while that service has few
incidents, then on `services/checkout-api/2025/`, then `services/checkout-api/2025/03/`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import in_words, slug

#: The most rows (incidents, or open actions) one generated list page holds: about 200 KB of HTML
#: with Material's page around it (bench/bench_pages.py measures it).
PAGE_ROWS = 200

#: Names a listing's file may not take: `services/index.md` would land where `services.md` does.
RESERVED = frozenset({"index"})

#: A row -> (the key in its page's address, the group's name as a reader says it).
Dimension = Callable[[Any], tuple[str, str]]


def by_year(incident: Any) -> tuple[str, str]:
    return str(incident.date.year), str(incident.date.year)


def by_month(incident: Any) -> tuple[str, str]:
    date = incident.date
    return f"{date.month:02d}", f"{calendar.month_name[date.month]} {date.year}"


def by_state(row: Any) -> tuple[str, str]:
    return row.state, in_words(row.state)


@dataclass(eq=False)
class Listing:
    """One generated list page: its rows, or, when they are too many for a page, the listings they are split into."""

    uri: str  # the page's src_uri: "postmortems/services/checkout-api/2025.md"
    name: str  # what it lists, as a reader says it: "checkout-api", "2025", "March 2025", "overdue", "201-400" (an en dash)
    rows: list[Any]  # every row under this page, in the order shown
    children: list[Listing] = field(default_factory=list)
    parent: Listing | None = None

    @property
    def anchor(self) -> str:
        """The last part of its address (`checkout-api`, `2025`): its section's anchor where a summary page
        lists it inline, distinct among its siblings as their addresses are."""
        return self.uri.rpartition("/")[2].removesuffix(".md")

    def pages(self) -> Iterator[Listing]:
        """This listing and every listing it is split into, each before its parts."""
        yield self
        for child in self.children:
            yield from child.pages()

    def leaves(self) -> Iterator[Listing]:
        """The pages that list rows (a listing that fits on a page is its own leaf)."""
        return (page for page in self.pages() if not page.children)

    def lineage(self) -> list[Listing]:
        """From the top listing down to this one."""
        chain = [self]
        while chain[-1].parent is not None:
            chain.append(chain[-1].parent)
        return chain[::-1]


def split(stem: str, name: str, rows: Sequence[Any], dimensions: Sequence[Dimension], limit: int = PAGE_ROWS) -> Listing:
    """The listing at `stem + ".md"` of `rows`, split along the first of `dimensions` that separates
    them while they are more than `limit`; then into numbered parts of at most `limit` rows."""
    return _split(stem, name, list(rows), list(dimensions), max(1, limit), None)


def _split(stem: str, name: str, rows: list[Any], dimensions: list[Dimension], limit: int, parent: Listing | None) -> Listing:
    listing = Listing(stem + ".md", name, rows, parent=parent)
    if len(rows) <= limit:
        return listing
    for n, dimension in enumerate(dimensions):
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in rows:
            groups.setdefault(dimension(row), []).append(row)
        if len(groups) > 1:
            listing.children = [
                _split(f"{stem}/{key}", label, members, dimensions[n + 1 :], limit, listing)
                for (key, label), members in groups.items()
            ]
            return listing
    listing.children = [
        Listing(f"{stem}/{part}.md", f"{start + 1}–{min(start + limit, len(rows))}", rows[start : start + limit], parent=listing)
        for part, start in enumerate(range(0, len(rows), limit), 1)
    ]
    return listing


def file_names(names: Iterable[str]) -> dict[str, str]:
    """A distinct file name for each name, in order, never a reserved one: 'a*b' and 'a-b' both
    slug to 'a-b', so the second gets 'a-b-2'; case never tells two apart (file systems ignore it)."""
    out: dict[str, str] = {}
    taken = set(RESERVED)
    for name in names:
        base = candidate = slug(name, empty="none")
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out[name] = candidate
    return out
