"""The JSON schema: the bundled one, a site's extension merged into it, and one compiled validator."""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from . import __version__
from .model import parse_date, parse_date_time
from .settings import Settings

if sys.platform == "win32":  # pragma: no cover - what urllib.request.url2pathname is on Windows
    from nturl2path import url2pathname
else:  # and elsewhere: urllib.request imports http.client and ssl, 1.8 MiB of a build for one call
    from urllib.parse import unquote as url2pathname

SCHEMA_NAME = "postmortem.schema.json"
#: The project on GitHub (as pyproject.toml's [project.urls] names it).
REPOSITORY = "mkdocs-postmortem/mkdocs-postmortem"
#: Where this release's schema is published: the file at the release's tag. The bundled schema's
#: `$id`, and the editor modeline `postmortem new` and `postmortem init` write. It follows the
#: package version (`__version__`, its one home), so an editor checks against the installed release.
SCHEMA_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/v{__version__}/schema/{SCHEMA_NAME}"
#: The schema of the incidents.json export (outputs.incidents_json), shipped beside it.
INCIDENTS_SCHEMA_NAME = "incidents.schema.json"


class SchemaConfigError(Exception):
    """The site's schema configuration is unusable (a usage error, not a bad post-mortem)."""


def bundled_schema_path(name: str = SCHEMA_NAME) -> Path:
    """A schema shipped with the package: the post-mortem schema, or another by file name.

    In a wheel it lives at mkdocs_postmortem/schema/; in a source checkout
    (editable install) it is the repository's schema/ folder.
    """
    packaged = resources.files("mkdocs_postmortem") / "schema" / name
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schema" / name


@cache
def _bundled_text() -> str:
    return bundled_schema_path().read_text(encoding="utf-8")


def bundled_schema() -> dict[str, Any]:
    """A fresh copy of the bundled schema (callers may change it), with this release's `$id`.

    The file has no `$id` of its own: the version would then be written twice.
    """
    document = json.loads(_bundled_text())
    return {"$schema": document["$schema"], "$id": SCHEMA_URL, **document}


# --- the domain's words, as the bundled schema declares them (a site's extension may not change core fields) ---

_CORE = bundled_schema()["properties"]
_ACTION = _CORE["actions"]["items"]

#: The moments of `timing`, in the order they must come.
TIMING_ORDER: tuple[str, ...] = tuple(_CORE["timing"]["properties"])
#: An action's statuses, in their order; the closed ones (no owner or due date needed; never overdue).
ACTION_STATUSES: tuple[str, ...] = tuple(_ACTION["properties"]["status"]["enum"])
CLOSED_STATUSES: tuple[str, ...] = tuple(_ACTION["if"]["properties"]["status"]["not"]["enum"])
#: How one incident may relate to another (`references[].relation`).
RELATIONS: tuple[str, ...] = tuple(_CORE["references"]["items"]["anyOf"][1]["properties"]["relation"]["enum"])
#: The severities and id pattern of a site that sets neither option.
DEFAULT_SEVERITIES: tuple[str, ...] = tuple(_CORE["severity"]["enum"])
DEFAULT_ID_PATTERN: str = _CORE["id"]["pattern"]


def effective_schema(settings: Settings, base_dir: Path | None = None) -> dict[str, Any]:
    """The bundled schema with the site's settings applied.

    - `severities` replaces the severity enum;
    - `id_pattern` replaces the pattern of `id` and of referenced ids;
    - `schema` names a JSON (or YAML) schema extension, merged by `_merge`:
      it may add fields, make optional fields required and add conditions
      (`allOf`, `if`/`then`/`else`), never loosen or retype a core field.
      Its `$ref`s resolve within the bundled schema, the extension and the
      site's own files (under `base_dir`, the folder of mkdocs.yml); the
      site files it refers to are embedded, so nothing is ever fetched.
    """
    schema = bundled_schema()
    props = schema["properties"]
    if list(settings.severities) != props["severity"]["enum"]:
        props["severity"]["enum"] = list(settings.severities)
        props["severity"]["examples"] = list(settings.severities[:1])
    if settings.id_pattern:
        try:
            re.compile(settings.id_pattern)
        except re.error as exc:
            raise SchemaConfigError(f"id_pattern {settings.id_pattern!r} is not a valid regular expression: {exc}") from exc
        for node in (props["id"], *_reference_id_schemas(schema)):
            node["pattern"] = settings.id_pattern
    if settings.lifecycle == "off":
        schema["allOf"] = [c for c in schema.get("allOf", []) if c != LIFECYCLE_REF]
        if not schema["allOf"]:
            del schema["allOf"]  # an empty allOf is not a valid schema
    if settings.schema:
        path = (Path(settings.schema) if base_dir is None else base_dir / settings.schema).resolve()
        name = _display(path)
        extension = _read_extension(path, name)
        _merge(schema, extension, name)
        own_id = _extension_id(extension, path, name)
        _embed_site_files(schema, extension, path, (base_dir or path.parent).resolve(), name, own_id)
        schema["$id"] = own_id  # no longer the bundled schema: it must not claim that schema's URL
    try:
        _check_schema(json.dumps(schema, sort_keys=True))
    except SchemaError as exc:
        where = "/".join(map(str, exc.absolute_path))
        whose = f"schema extension {_display(Path(settings.schema))}" if settings.schema else "the effective schema"
        raise SchemaConfigError(f"{whose} is not a valid JSON schema: {where + ': ' if where else ''}{exc.message}") from exc
    if settings.schema:
        _check_refs(schema, name)
    for field in settings.private_fields:
        _check_private_field(schema, field)
    return schema


@lru_cache(maxsize=8)
def _check_schema(text: str) -> None:
    """Raise SchemaError when the schema (as JSON) is not a valid 2020-12 schema. Remembered: every
    `mkdocs serve` rebuild makes the effective schema again, and checking it against the metaschema
    cost more than the rest of a rebuild's own work."""
    Draft202012Validator.check_schema(json.loads(text))


#: The bundled schema's status rules, referenced from its `allOf`: `lifecycle: off` drops the reference.
LIFECYCLE_REF = {"$ref": "#/$defs/lifecycle"}


def statuses_from(schema: dict[str, Any], status: str) -> tuple[str, ...]:
    """`status` and every later one, in the order of the schema's `status` enum (the lifecycle's order)."""
    order: list[str] = schema["properties"]["status"]["enum"]
    return tuple(order[order.index(status) :])


def field_paths(schema: dict[str, Any]) -> dict[str, bool]:
    """Every field of the schema as a dotted path (`impact.revenue_usd`; through a list, `actions.ticket`),
    each with whether its object requires it."""
    paths: dict[str, bool] = {}

    def walk(node: Any, prefix: str) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("items"), dict):
            walk(node["items"], prefix)
        required = node.get("required", [])
        for key, child in (node.get("properties") or {}).items():
            path = f"{prefix}{key}"
            paths[path] = key in required
            walk(child, path + ".")

    walk(schema, "")
    return paths


def _check_private_field(schema: dict[str, Any], field: str) -> None:
    paths = field_paths(schema)
    if field not in paths:
        close = difflib.get_close_matches(field, sorted(paths), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else " (run 'postmortem schema' for the fields a post-mortem can have)"
        raise SchemaConfigError(f"private_fields: '{field}' names no field of the schema{hint}")
    if field_paths(bundled_schema()).get(field):  # the core's own requirements, not a site's additions
        raise SchemaConfigError(
            f"private_fields: '{field}' is a field every post-mortem (or every item of its list) must have, "
            "and the site lists and links incidents by it: it cannot be private"
        )


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _reference_id_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    string_form, object_form = schema["properties"]["references"]["items"]["anyOf"]
    return [string_form, object_form["properties"]["id"]]


#: What an extension may hold: everything else could loosen the core schema.
EXTENSION_KEYS = ("properties", "required", "allOf", "if", "then", "else", "$defs")
_EXTENSION_NOTES = ("$schema", "$id", "$comment", "title", "description")
_RULE = (
    "an extension may add fields, make optional fields required and add conditions "
    "(JSON Schema if/then, allOf), but never loosen or retype a core field"
)


def _read_document(path: Path, name: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SchemaConfigError(f"schema extension {name}: cannot read it ({reason})") from exc
    try:
        return yaml.safe_load(text)  # YAML is a superset of JSON: either works
    except yaml.YAMLError as exc:
        raise SchemaConfigError(f"schema extension {name}: not valid JSON or YAML: {exc}") from exc


def _read_extension(path: Path, name: str) -> dict[str, Any]:
    data = _read_document(path, name)
    if not isinstance(data, dict):
        raise SchemaConfigError(f"schema extension {name}: expected a JSON object with 'properties'")
    unknown = set(data) - {*EXTENSION_KEYS, *_EXTENSION_NOTES}
    if unknown:
        raise SchemaConfigError(
            f"schema extension {name}: only {', '.join(EXTENSION_KEYS)} are merged; remove {', '.join(sorted(unknown))} ({_RULE})"
        )
    return data


def _extension_id(extension: dict[str, Any], path: Path, name: str) -> str:
    """The `$id` of a site's effective schema: the extension's own `$id`, else the extension file's URI.

    Never the bundled schema's: a tool caching schemas by `$id` would mistake one for the other.
    """
    declared = extension.get("$id")
    if declared is None:
        return path.as_uri()
    if not isinstance(declared, str) or not urlsplit(declared).scheme or urlsplit(declared).fragment:
        raise SchemaConfigError(
            f"schema extension {name}: $id {declared!r} must be an absolute URI without a fragment "
            "(where the site publishes its schema, e.g. https://lessons.example.com/postmortem.schema.json)"
        )
    return declared


def _merge(schema: dict[str, Any], extension: dict[str, Any], name: str) -> None:
    props = extension.get("properties", {})
    required = extension.get("required", [])
    defs = extension.get("$defs", {})
    all_of = extension.get("allOf", [])
    if not isinstance(props, dict) or not isinstance(required, list) or not isinstance(defs, dict):
        raise SchemaConfigError(f"schema extension {name}: 'properties' and '$defs' must be objects and 'required' a list")
    if not isinstance(all_of, list):
        raise SchemaConfigError(f"schema extension {name}: 'allOf' must be a list of conditions")
    core = schema["properties"]
    for key, definition in props.items():
        if key in core and definition != core[key]:
            raise SchemaConfigError(
                f"schema extension {name}: properties.{key} redefines the core field '{key}'; {_RULE}. "
                f"To constrain '{key}' further, add a condition: allOf: [{{properties: {{{key}: {{...}}}}}}]"
            )
    for key, definition in defs.items():
        if key in schema.get("$defs", {}) and definition != schema["$defs"][key]:
            raise SchemaConfigError(f"schema extension {name}: $defs.{key} redefines a core definition; rename it")
    core.update(copy.deepcopy(props))
    missing = [r for r in required if r not in core]
    if missing:
        raise SchemaConfigError(f"schema extension {name}: required field(s) {', '.join(missing)} have no property")
    schema["required"] = list(dict.fromkeys([*schema["required"], *required]))
    schema.setdefault("$defs", {}).update(copy.deepcopy(defs))
    conditions = copy.deepcopy(all_of)
    if "if" in extension or "then" in extension or "else" in extension:
        conditions.append({k: copy.deepcopy(extension[k]) for k in ("if", "then", "else") if k in extension})
    if conditions:
        schema["allOf"] = [*schema.get("allOf", []), *conditions]


# --- $ref: resolved within the bundled schema and the site's files, never fetched ---


def _refs(node: Any) -> Iterator[dict[str, Any]]:
    """Every subschema holding a `$ref`, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _merged_parts(schema: dict[str, Any], extension: dict[str, Any]) -> list[Any]:
    """The subschemas of the effective schema that came from the extension."""
    parts: list[Any] = [schema["properties"][k] for k in extension.get("properties", {})]
    parts += [schema["$defs"][k] for k in extension.get("$defs", {})]
    parts += schema.get("allOf", [])  # with the bundled one's (LIFECYCLE_REF): a "#" ref, never a site file
    return parts


def _embed_site_files(schema: dict[str, Any], extension: dict[str, Any], path: Path, site: Path, name: str, root: str) -> None:
    """Make the extension's `$ref`s to other site files absolute, and embed those files.

    A ref to another file is written relative to the extension; merged into the bundled
    schema it would resolve against the bundled schema's https `$id`. So it is made an
    absolute file URI, and the file is embedded under `$defs` with that URI as its `$id`
    (a compound schema document): validation then never retrieves anything. A ref to the
    extension or to the bundled schema (by its URL) names the merged root, whose `$id` is `root`.
    """
    own = path.as_uri()
    core = schema["$id"]
    queue: list[tuple[str, list[Any]]] = [(own, _merged_parts(schema, extension))]
    embedded: dict[str, Any] = {}
    while queue:
        base, parts = queue.pop()
        for node in (n for part in parts for n in _refs(part)):
            ref = node["$ref"]
            target, fragment = urldefrag(urljoin(base, ref))
            if ref.startswith("#") or (target == base and base != own):
                continue  # within its own document
            if target in (own, core):  # the extension or the bundled schema: both are merged into the root
                node["$ref"] = f"{root}#{fragment}"
                continue
            if urlsplit(target).scheme != "file":
                raise SchemaConfigError(
                    f"schema extension {name}: $ref {ref!r} points outside the bundled schema and the site's files; "
                    "a schema is never fetched over the network: copy what it needs into the site"
                )
            file = Path(url2pathname(urlsplit(target).path)).resolve()
            if not file.is_relative_to(site):
                raise SchemaConfigError(f"schema extension {name}: $ref {ref!r} points outside the site's folder")
            node["$ref"] = f"{target}#{fragment}" if fragment else target
            if target not in embedded:
                document = _read_document(file, f"{name}: $ref {ref!r}")
                if not isinstance(document, dict):
                    raise SchemaConfigError(f"schema extension {name}: $ref {ref!r}: expected a JSON object")
                embedded[target] = {**document, "$id": target}
                queue.append((target, [embedded[target]]))
    for uri, document in sorted(embedded.items()):
        schema["$defs"][f"site:{_display(Path(url2pathname(urlsplit(uri).path)))}"] = document


def site_files(schema: dict[str, Any]) -> list[Path]:
    """The site's own files an effective schema embeds (besides the extension): `mkdocs serve` watches them."""
    defs = schema.get("$defs", {})
    return [Path(url2pathname(urlsplit(d["$id"]).path)) for k, d in sorted(defs.items()) if k.startswith("site:")]


def _check_refs(schema: dict[str, Any], name: str) -> None:
    """Resolve every `$ref` now, so a broken one is a config error naming it, not a traceback mid-build."""
    root = _registry().resolver_with_root(Resource.from_contents(schema, default_specification=DRAFT202012))

    def walk(node: Any, resolver: Any) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value, resolver)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("$id"), str) and node is not schema:  # an embedded site file: its own base URI
            resolver = resolver.in_subresource(Resource.from_contents(node, default_specification=DRAFT202012))
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolver.lookup(ref)
            except Unresolvable as exc:
                raise SchemaConfigError(f"schema extension {name}: $ref {ref!r} cannot be resolved ({_why(exc)})") from None
        for value in node.values():
            walk(value, resolver)

    walk(schema, root)


def _why(exc: Unresolvable) -> str:
    if isinstance(exc, PointerToNowhere):
        return f"nothing at {exc.ref}"  # never str(exc): it prints the whole schema
    if isinstance(exc, NoSuchAnchor):
        return f"no anchor {exc.anchor!r}"
    return "not part of the bundled schema or the site's files"


def _refuse(uri: str) -> Resource[Any]:
    raise NoSuchResource(uri)  # a schema is never fetched: everything it needs is embedded


def _registry() -> Registry[Any]:
    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


# --- formats -----------------------------------------------------------------

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date")
def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type keyword reports non-strings
    return parse_date(value) is not None


@FORMAT_CHECKER.checks("date-time")
def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_date_time(value) is not None


#: Besides letters, marks and digits of any script: the characters an identifier (a tag, a service) may hold.
IDENTIFIER_PUNCTUATION = frozenset(" -_.+/")


@FORMAT_CHECKER.checks("identifier")
def is_identifier(value: object) -> bool:
    """A tag or service name: Unicode letters, marks and digits, space and - _ . + /, nothing else.

    Themes, search indexes and feeds print these names unescaped (Material's search renders
    tags as HTML, mkdocs-rss-plugin writes them into <category> as they are), so the schema
    admits only characters that mean nothing to HTML, XML or Markdown. Python's `re` has no
    Unicode classes (no \\p{L}), hence a format rather than a pattern; the message is the
    schema's `errorMessage`.
    """
    if not isinstance(value, str):
        return True
    return all(c in IDENTIFIER_PUNCTUATION or unicodedata.category(c)[0] in "LMN" for c in value)


#: Keywords whose meaning depends on the path a validation took to a subschema, not on the subschema alone.
_DYNAMIC_KEYWORDS = frozenset({"$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"})


def make_validator(schema: dict[str, Any]) -> Draft202012Validator:
    """One compiled validator, reused for every document of a build.

    With a registry that retrieves nothing: jsonschema's default would fetch an http `$ref`.
    Compiled once per subschema (see `_compiled`) when the schema is one resource without
    dynamic references (the bundled schema and any extension that refers to no other file).
    """
    if _one_static_resource(schema):
        return _compiled(schema)
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER, registry=_registry())


def _one_static_resource(schema: dict[str, Any]) -> bool:
    """No `$id` below the root (an embedded site file is another resource) and no dynamic reference."""

    def static(node: Any, root: bool = False) -> bool:
        if isinstance(node, list):
            return all(static(value) for value in node)
        if not isinstance(node, dict):
            return True
        if _DYNAMIC_KEYWORDS.intersection(node) or ("$id" in node and not root):
            return False
        return all(static(value) for value in node.values())

    return static(schema, root=True)


def _compiled(schema: dict[str, Any]) -> Draft202012Validator:
    """jsonschema's Draft 2020-12 validator, with each subschema's validator made once instead of per value.

    jsonschema makes a new validator object (and a new reference resolver) every time it descends
    into a subschema, about 80 times per post-mortem: that was 40% of validating one. Within one
    resource and without dynamic references a subschema's validator does not depend on the path
    that led to it, so one per subschema serves every document. The keywords, their order and the
    errors (messages, paths, schema paths) are jsonschema's own; a test holds them equal to a
    plain Draft202012Validator's on the corpus and on random documents.
    """
    cls: Any = validators.extend(Draft202012Validator)  # type: ignore[no-untyped-call]
    plain_evolve = cls.evolve
    plain_descend = cls.descend
    made: dict[int, Any] = {}  # id(subschema) -> its validator, which keeps the subschema (and so its id) alive

    def evolve(self: Any, **changes: Any) -> Any:
        if changes.keys() != {"schema"}:
            return plain_evolve(self, **changes)
        subschema = changes["schema"]
        found = made.get(id(subschema))
        if found is None:
            found = made[id(subschema)] = plain_evolve(self, schema=subschema)
        return found

    def descend(
        self: Any, instance: Any, schema: Any, path: Any = None, schema_path: Any = None, resolver: Any = None
    ) -> Iterator[ValidationError]:
        if schema is True or schema is False:
            yield from plain_descend(self, instance, schema, path, schema_path, resolver)
            return
        evolved = evolve(self, schema=schema)  # one resource: `resolver` would name the same base URI
        for keyword, k, v in evolved._validators:  # jsonschema's own loop (Validator.descend), unchanged
            for error in keyword(evolved, v, instance, schema) or ():
                error._set(validator=k, validator_value=v, instance=instance, schema=schema, type_checker=evolved.TYPE_CHECKER)
                if k not in {"if", "$ref"}:
                    error.schema_path.appendleft(k)
                if path is not None:
                    error.path.appendleft(path)
                if schema_path is not None:
                    error.schema_path.appendleft(schema_path)
                yield error

    plain_reference = cls._validate_reference
    targets: dict[str, Any] = {}  # $ref -> the subschema it names: one base URI, so the same everywhere

    def validate_reference(self: Any, ref: str, instance: Any) -> Iterator[ValidationError]:
        target = targets.get(ref)
        if target is None:
            try:
                target = targets[ref] = self._resolver.lookup(ref).contents
            except Unresolvable:
                return plain_reference(self, ref, instance)  # type: ignore[no-any-return]  # raises jsonschema's error
        return descend(self, instance, target)

    cls.evolve = evolve
    cls.descend = descend
    cls._validate_reference = validate_reference
    validator: Draft202012Validator = cls(schema, format_checker=FORMAT_CHECKER, registry=_registry())
    return validator
