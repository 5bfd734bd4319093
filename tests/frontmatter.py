"""How each front-matter value reads on its incident page: a rule per kind of value, never the values.

The tests walk a document's front matter (`leaves`) and look for each value in the text a reader
sees (`missing`), so a fixture states its values once, and a field added to the format without
a place on the page fails the test that walks a document filling it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from mkdocs_postmortem.model import RELATION_WORDS, in_words, parse_date_time
from mkdocs_postmortem.render import minutes, number, ticket_label

#: Yes/no facts read as words (the card's), keyed by field.
BOOLEAN_WORDS = {
    "impact.sla_breach": {True: "SLA breached", False: "SLA not breached"},
    "impact.data_loss": {True: "data lost", False: "no data loss"},
}


def leaves(meta: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """("impact.regions", "eu-west"), ...: every scalar of the front matter with its field (list items share it)."""
    for key, value in meta.items():
        yield from _leaves(value, f"{path}.{key}" if path else key)


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        yield from leaves(value, path)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


def readings(path: str, value: Any) -> list[tuple[str, ...]]:
    """What shows `value` on the page: every group must appear, in any one of its spellings."""
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    if isinstance(value, bool):
        return [(BOOLEAN_WORDS[path][value],)]
    if isinstance(value, (int, float)):
        return [(minutes(value),)] if path.endswith("_minutes") and isinstance(value, int) else [(number(value), str(value))]
    text = str(value)
    if not text:
        return []  # nothing stated, nothing shown
    if path == "references.relation":
        return [(RELATION_WORDS[text],)]
    if text.startswith(("http://", "https://")):  # a ticket URL is shown by its key, and links
        return [(text, ticket_label(text))]
    when = parse_date_time(text)
    if when is not None:  # shown in UTC, and as written when the offset is not Z
        utc = when.astimezone(dt.UTC).strftime("%H:%M")
        return [(utc,)] if not when.utcoffset() else [(utc,), (when.strftime("%H:%M"),)]
    return [(text, in_words(text))]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def missing(meta: Mapping[str, Any], page_text: str, skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    """The fields (with their value) of `meta` whose value the page's text does not show; `skip`: fields left out."""
    text = _normal(page_text)
    out: dict[str, Any] = {}
    for path, value in leaves(meta):
        if path in skip or path.split(".")[0] in skip:
            continue
        if any(not any(_normal(spelling) in text for spelling in group) for group in readings(path, value)):
            out.setdefault(path, value)
    return out


def schema_fields(schema: Mapping[str, Any]) -> set[str]:
    """Every field a schema defines, as `leaves` names them ("impact.regions", "review.sign_off.role")."""
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def walk(node: Mapping[str, Any], path: str) -> None:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{key}" if path else key)
        if "items" in node:
            walk(node["items"], path)
        for choice in node.get("oneOf", node.get("anyOf", [])):
            walk(choice, path)
        if path and not node.get("properties") and "items" not in node:
            out.add(path)

    walk(schema, "")
    return out
