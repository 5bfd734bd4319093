"""Check stage: schema validation and the rules that span documents, as `Problem`s for people."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .model import Document, FieldPath, Problem, format_path, parse_date, parse_date_time, reference_id
from .schema import TIMING_ORDER

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of 'key: value' lines",
    "null": "nothing",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `word`, if one is close enough to be a likely typo."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    normalised = {c.lower().replace("_", "-").replace(" ", "-"): c for c in options}
    key = word.lower().replace("_", "-").replace(" ", "-")
    if key in normalised:
        return normalised[key]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None


def show(value: Any) -> str:
    """A value as a person wrote it, shortened."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "nothing"
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, dict):
        text = "a mapping"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({show(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({show(value)})"
    if value is None:
        return "an empty value"
    return show(value)


def _hint(choice: str | None) -> str:
    return f"; did you mean '{choice}'?" if choice else ""


def schema_problems(doc: Document, validator: Draft202012Validator) -> list[Problem]:
    """Every schema violation of one loaded document."""
    if doc.meta is None:
        return []
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.meta):
        problems.extend(_explain(doc, error, validator.schema))
    return list(dict.fromkeys(problems))  # one 'required' error per missing field, each explaining all of them


def _condition_subjects(root: Any, schema_path: Iterable[Any]) -> list[str]:
    """The fields tested by the `if` of the condition whose `then` an error comes from (following local `$ref`s)."""
    node: Any = root
    tested: list[str] = []
    try:
        for key in schema_path:
            if isinstance(node, dict) and key not in node and str(node.get("$ref", "")).startswith("#/"):
                pointer = node["$ref"]  # jsonschema's path goes on inside the schema a local $ref names
                node = root
                for part in pointer[2:].split("/"):
                    node = node[part]
            if key == "then" and isinstance(node.get("if"), dict):
                tested = list(node["if"].get("properties") or {})
            node = node[key]
    except (AttributeError, KeyError, IndexError, TypeError):
        return []
    return tested


def _explain(doc: Document, error: ValidationError, root: Any = None) -> list[Problem]:
    path: FieldPath = tuple(error.absolute_path)
    kind = str(error.validator)
    rule: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if kind == "required":
        missing = [name for name in rule if isinstance(value, dict) and name not in value]
        out = []
        # a conditional requirement (an open action's owner and due, a status rule) says why in its
        # description, and points at the field its condition tests (status: approved) where it can
        conditional = "type" not in schema and bool(schema.get("description"))
        line = doc.line_of(path)
        because = ""
        if conditional and not path and root is not None:
            for subject in _condition_subjects(root, error.absolute_schema_path):
                if isinstance(value, dict) and subject in value:
                    line = doc.line_of((subject,))
                    because = f" ({subject} is {show(value[subject])})"
                    break
        for name in missing:
            prop = schema.get("properties", {}).get(name, {})
            expected = _expected(prop)
            why = f"; {schema['description'][0].lower()}{schema['description'][1:]}" if conditional else ""
            out.append(Problem(doc.path, line, format_path((*path, name)), f"required field is missing{expected}{because}{why}"))
        return out
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        out = []
        for key in value:
            if key in allowed:
                continue
            guess = did_you_mean(str(key), allowed)
            if guess:
                msg = f"unknown field '{key}'{_hint(guess)}"
            elif len(allowed) <= 10:
                msg = f"unknown field '{key}'; allowed here: {', '.join(allowed)}"
            else:
                msg = f"unknown field '{key}' (run 'postmortem schema' for the fields a post-mortem can have)"
            out.append(doc.problem((*path, str(key)), msg))
        return out
    if kind == "enum":
        options = [str(o) for o in rule]
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        return [doc.problem(path, f"{show(value)} is not one of {', '.join(options)}{_hint(guess)}")]
    if kind == "const":
        return [doc.problem(path, f"expected '{rule}', got {show(value)}")]
    if kind == "type":
        expected = rule
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        return [doc.problem(path, f"expected {words}, got {_what(value)}")]
    if kind in ("format", "pattern") and isinstance(schema.get("errorMessage"), str):
        # the schema says in words what its rule admits (VS Code shows the same errorMessage)
        return [doc.problem(path, f"{show(value)} {schema['errorMessage']}")]
    if kind == "format":
        return [doc.problem(path, _format_message(str(rule), value))]
    if kind == "pattern":
        example = (schema.get("examples") or [None])[0]
        eg = f" (for example {example})" if example else ""
        return [doc.problem(path, f"{show(value)} does not match the pattern {rule}{eg}")]
    if kind == "minLength":
        return [doc.problem(path, "must not be empty")]
    if kind == "minimum":
        return [doc.problem(path, f"must be at least {rule}, got {show(value)}")]
    if kind == "maximum":
        return [doc.problem(path, f"must be at most {rule}, got {show(value)}")]
    if kind in ("anyOf", "oneOf"):
        return _explain_alternatives(doc, error)
    return [doc.problem(path, error.message)]


def _expected(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return f" (one of {', '.join(map(str, prop['enum']))})"
    if prop.get("format") == "date":
        return " (a date, YYYY-MM-DD)"
    if prop.get("examples"):
        example = prop["examples"][0]
        if isinstance(example, str):
            return f" (for example: {example})"
    return ""


def _explain_alternatives(doc: Document, error: ValidationError) -> list[Problem]:
    """anyOf: report the branch the value was meant for, else say what each branch takes."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    for subs in branches.values():
        # a branch whose only complaint is not the value's type is the one the author meant
        if not any(s.validator in ("type", "const") and not s.relative_path for s in subs):
            return [p for s in subs for p in _explain(doc, s)]
    path: FieldPath = tuple(error.absolute_path)
    words = []
    alternatives: Any = error.validator_value
    for alternative in alternatives:
        if "const" in alternative:
            words.append(f"'{alternative['const']}'")
        elif "type" in alternative:
            words.append(_TYPE_WORDS.get(alternative["type"], alternative["type"]))
    return [doc.problem(path, f"expected {' or '.join(words)}, got {_what(error.instance)}")]


def _format_message(fmt: str, value: Any) -> str:
    text = str(value)
    day = text[:10]
    if fmt in ("date", "date-time") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and parse_date(day) is None:
        return f"{show(value)} is not a valid {fmt}: {day} is not a day of the calendar"
    if fmt == "date":
        return f"{show(value)} is not a valid date: expected YYYY-MM-DD, for example 2025-12-02"
    if fmt == "date-time":
        if "T" in text and not (text.endswith("Z") or "+" in text[10:] or "-" in text[10:]):
            return f"{show(value)} has no UTC offset: add Z for UTC or +HH:MM, for example 2025-12-02T14:29:00Z"
        return f"{show(value)} is not a valid date-time: expected ISO 8601 with an offset, for example 2025-12-02T14:29:00Z"
    return f"{show(value)} is not a valid {fmt}"


# --- rules across documents ---------------------------------------------------


#: The rules across files, which no schema can state, in words: the format reference lists these
#: (mkdocs_postmortem/docgen.py), and cross_problems below enforces each. `{timing_order}` is filled in there.
CROSS_FILE_RULES: tuple[str, ...] = (
    "`id` is unique across the site: two post-mortems with the same id are both errors, each naming the other's file and line.",
    "Every id in `references` names a post-mortem of the site (a draft counts); a close id is suggested"
    " (\"did you mean 'INC-2025-0042'?\").",
    "A post-mortem does not reference its own id.",
    "`timing` is in order, for the moments stated: {timing_order}.",
)


def cross_problems(docs: Sequence[Document], context: Sequence[Document] = ()) -> list[Problem]:
    """Unique ids, references that resolve and are not self-references (timing order: `document_problems`).

    Problems are reported for `docs` only; `context` documents (the rest of the
    site, when only some files are checked) contribute their ids.
    """
    problems: list[Problem] = []
    owners: dict[str, list[Document]] = {}
    for doc in [*docs, *context]:
        if doc.meta is not None and isinstance(doc.meta.get("id"), str):
            owners.setdefault(doc.meta["id"], []).append(doc)
    reported = {id(d) for d in docs}
    for ident, holders in owners.items():
        for doc in holders:
            if len(holders) > 1 and id(doc) in reported:
                others = ", ".join(f"{o.path}:{o.line_of(('id',))}" for o in holders if o is not doc)
                problems.append(doc.problem(("id",), f"'{ident}' is also the id of {others}; ids must be unique"))
    for doc in docs:
        if doc.meta is None:
            continue
        own = doc.meta.get("id")
        refs = doc.meta.get("references")
        for index, item in enumerate(refs if isinstance(refs, list) else []):
            target = reference_id(item)
            if target is None:
                continue
            where: FieldPath = ("references", index) if isinstance(item, str) else ("references", index, "id")
            if target == own:
                problems.append(
                    doc.problem(where, f"'{target}' is this post-mortem's own id; an incident cannot reference itself")
                )
            elif target not in owners:
                guess = did_you_mean(target, (o for o in owners if o != own))
                problems.append(doc.problem(where, f"no post-mortem has id '{target}'{_hint(guess)}"))
    return problems


def _timing_problems(doc: Document) -> list[Problem]:
    assert doc.meta is not None
    timing = doc.meta.get("timing")
    if not isinstance(timing, dict):
        return []
    moments = [(name, parse_date_time(timing[name])) for name in TIMING_ORDER if isinstance(timing.get(name), str)]
    known = [(name, when) for name, when in moments if when is not None]
    problems = []
    for (before, t_before), (after, t_after) in itertools.pairwise(known):
        if t_after < t_before:
            problems.append(
                doc.problem(
                    ("timing", after),
                    f"{timing[after]} is before timing.{before} ({timing[before]}); expected {' <= '.join(TIMING_ORDER)}",
                )
            )
    return problems


def document_problems(doc: Document, validator: Draft202012Validator) -> list[Problem]:
    """One document's own problems: what loading found, its schema violations and its timing out of
    order (nothing across documents)."""
    return [*doc.problems, *schema_problems(doc, validator), *(_timing_problems(doc) if doc.meta is not None else [])]


def check_documents(
    docs: Sequence[Document],
    validator: Draft202012Validator,
    context: Sequence[Document] = (),
    own: Callable[[Document], list[Problem]] | None = None,
) -> list[Problem]:
    """Every problem of every document: load problems, schema violations, cross-document rules.

    `own(doc)`: a document's own problems (default `document_problems`; the pipeline adds placeholders
    and, in a `mkdocs serve` session, remembers them for the documents that did not change).
    """
    problems: list[Problem] = []
    for doc in docs:
        problems.extend(own(doc) if own is not None else document_problems(doc, validator))
    problems.extend(cross_problems(docs, context))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))
