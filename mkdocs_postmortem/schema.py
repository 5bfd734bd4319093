"""The JSON schema: the bundled one, a site's extension merged over it, and one compiled validator."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from .settings import Settings

SCHEMA_NAME = "postmortem.schema.json"


class SchemaConfigError(Exception):
    """The site's schema configuration is unusable (a usage error, not a bad post-mortem)."""


def bundled_schema_path() -> Path:
    """The schema shipped with the package.

    In a wheel it lives at mkdocs_postmortem/schema/; in a source checkout
    (editable install) it is the repository's schema/ folder.
    """
    packaged = resources.files("mkdocs_postmortem") / "schema" / SCHEMA_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schema" / SCHEMA_NAME


@cache
def _bundled_text() -> str:
    return bundled_schema_path().read_text(encoding="utf-8")


def bundled_schema() -> dict[str, Any]:
    """A fresh copy of the bundled schema (callers may change it)."""
    return json.loads(_bundled_text())  # type: ignore[no-any-return]


def effective_schema(settings: Settings, base_dir: Path | None = None) -> dict[str, Any]:
    """The bundled schema with the site's settings applied.

    - `severities` replaces the severity enum;
    - `id_pattern` replaces the pattern of `id` and of referenced ids;
    - `schema` names a JSON (or YAML) schema file whose `properties` and
      `required` are merged over the top level of the bundled one.
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
    if settings.schema:
        extension = _read_extension(Path(settings.schema) if base_dir is None else base_dir / settings.schema)
        _merge(schema, extension, settings.schema)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SchemaConfigError(f"the effective schema is invalid: {exc.message}") from exc
    return schema


def _reference_id_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    string_form, object_form = schema["properties"]["references"]["items"]["anyOf"]
    return [string_form, object_form["properties"]["id"]]


def _read_extension(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaConfigError(f"schema extension {path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        data = yaml.safe_load(text)  # YAML is a superset of JSON: either works
    except yaml.YAMLError as exc:
        raise SchemaConfigError(f"schema extension {path}: not valid JSON or YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemaConfigError(f"schema extension {path}: expected a JSON object with 'properties'")
    unknown = set(data) - {"$schema", "$id", "title", "description", "properties", "required"}
    if unknown:
        raise SchemaConfigError(
            f"schema extension {path}: only 'properties' and 'required' are merged; remove {', '.join(sorted(unknown))}"
        )
    return data


def _merge(schema: dict[str, Any], extension: dict[str, Any], name: str) -> None:
    props = extension.get("properties", {})
    required = extension.get("required", [])
    if not isinstance(props, dict) or not isinstance(required, list):
        raise SchemaConfigError(f"schema extension {name}: 'properties' must be an object and 'required' a list")
    schema["properties"].update(copy.deepcopy(props))
    missing = [r for r in required if r not in schema["properties"]]
    if missing:
        raise SchemaConfigError(f"schema extension {name}: required field(s) {', '.join(missing)} have no property")
    schema["required"] = list(dict.fromkeys([*schema["required"], *required]))


# --- formats -----------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date")
def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type keyword reports non-strings
    return parse_date(value) is not None


def parse_date(value: str) -> dt.date | None:
    """The day of a `YYYY-MM-DD` string that names a real day (2025-02-30 does not), else None."""
    if not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


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


def parse_date_time(value: str) -> dt.datetime | None:
    """An aware datetime for an ISO 8601 date-time with an offset, else None."""
    if not _DATE_TIME.match(value):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def make_validator(schema: dict[str, Any]) -> Draft202012Validator:
    """One compiled validator, reused for every document of a build."""
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
