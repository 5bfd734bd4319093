"""The bundled schema expresses FORMAT.md; the site's settings adjust it."""

from __future__ import annotations

import json
import string
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mkdocs_postmortem.check import schema_problems
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.load import load_file, load_text
from mkdocs_postmortem.schema import SCHEMA_URL, SchemaConfigError, bundled_schema, effective_schema, make_validator

from .conftest import FIXTURES, REPO, postmortem


def walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def test_the_schema_is_draft_2020_12_and_valid():
    schema = json.loads((REPO / "schema" / "postmortem.schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    make_validator(schema).check_schema(schema)


def test_every_object_forbids_unknown_properties():
    objects = [p for p, n in walk(bundled_schema()) if n.get("type") == "object"]
    assert objects
    for path, node in walk(bundled_schema()):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, path


def test_every_property_has_a_description_and_an_example():
    for path, node in walk(bundled_schema()):
        for name, prop in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else []:
            assert prop.get("description"), f"{path}/{name}"
            assert prop.get("examples"), f"{path}/{name}"


def test_the_full_example_of_format_md_is_valid(validator):
    doc = load_file(FIXTURES / "format-example.md")
    assert doc.problems == []
    assert schema_problems(doc, validator) == []


def test_required_fields_are_reported_on_the_front_matter_line(validator):
    problems = schema_problems(load_text("---\nid: INC-1\n---\n", "x.md"), validator)
    assert {(p.field, p.line) for p in problems} == {("title", 2), ("date", 2), ("severity", 2), ("status", 2)}


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("severty: P1", "severty", "did you mean 'severity'?"),
        ("impact:\n  typ: complete-outage", "impact.typ", "did you mean 'type'?"),
        ("detection:\n  source: pager", "detection.source", "not one of monitoring, user-report, internal"),
        ("services: checkout", "services", "expected a list"),
        ("impact:\n  users_affected: many", "impact.users_affected", "expected a whole number or 'all'"),
        ("impact:\n  peak_error_rate: 101", "impact.peak_error_rate", "at most 100"),
        ("timing:\n  started: 2025-03-02T10:00:00", "timing.started", "no UTC offset"),
        ("timing:\n  started: yesterday", "timing.started", "not a valid date-time"),
        ("follow_up: 2025-02-30", "follow_up", "not a valid date: 2025-02-30 is not a day of the calendar"),
        ("timing:\n  started: 2025-02-29T10:00:00Z", "timing.started", "2025-02-29 is not a day of the calendar"),
        ("references:\n  - {id: INC-2025-0009, relation: sibling}", "references[0].relation", "not one of related"),
        ("references:\n  - inc-9", "references[0]", "does not match the pattern"),
        ("actions:\n  - {title: A, owner: B, due: 2025-01-01, status: open}", "actions[0].status", "not one of not-started"),
        ("actions:\n  - {title: A, owner: B, status: in-progress}", "actions[0].due", "an open action (neither done"),
        ("actions:\n  - {title: A, owner: B, due: 2025-01-01}", "actions[0].status", "required field is missing"),
        ("review:\n  sign_off:\n    - {role: IC}", "review.sign_off[0].name", "required field is missing"),
    ],
)
def test_each_error_kind_names_field_and_expectation(validator, extra, field, words):
    problems = schema_problems(load_text(postmortem(extra=extra), "x.md"), validator)
    assert [p.field for p in problems] == [field], problems
    assert words in problems[0].message
    assert problems[0].line >= 7  # on the extra lines, after the five defaults


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_a_closed_action_needs_no_owner_or_due_date(validator, status):
    extra = f"actions:\n  - {{title: A, status: {status}, closed: 2025-01-03}}"
    assert schema_problems(load_text(postmortem(extra=extra), "x.md"), validator) == []


@pytest.mark.parametrize("status", ["not-started", "in-progress"])
def test_an_open_action_needs_an_owner_and_a_due_date(validator, status):
    problems = schema_problems(load_text(postmortem(extra=f"actions:\n  - {{title: A, status: {status}}}"), "x.md"), validator)
    assert sorted(p.field for p in problems) == ["actions[0].due", "actions[0].owner"]
    assert all("required field is missing" in p.message for p in problems)


def test_the_closed_date_is_a_date(validator):
    extra = "actions:\n  - {title: A, status: done, closed: 2025-02-30}"
    (problem,) = schema_problems(load_text(postmortem(extra=extra), "x.md"), validator)
    assert (problem.field, problem.message.split(":")[0]) == ("actions[0].closed", "'2025-02-30' is not a valid date")


def test_severity_near_miss_gets_a_hint(validator):
    (problem,) = schema_problems(load_text(postmortem(severity="p1"), "x.md"), validator)
    assert (problem.line, problem.field) == (5, "severity")
    assert problem.message == "'p1' is not one of P0, P1, P2, P3, P4; did you mean 'P1'?"


def test_severities_option_replaces_the_enum():
    validator = make_validator(effective_schema(replace(default_settings(), severities=("SEV1", "SEV2"))))
    assert schema_problems(load_text(postmortem(severity="SEV1"), "x.md"), validator) == []
    assert schema_problems(load_text(postmortem(severity="P1"), "x.md"), validator)


def test_id_pattern_option_applies_to_ids_and_references():
    validator = make_validator(effective_schema(replace(default_settings(), id_pattern=r"^OPS-\d+$")))
    good = postmortem(id="OPS-12", extra="references: [OPS-3]")
    assert schema_problems(load_text(good, "x.md"), validator) == []
    bad = schema_problems(load_text(postmortem(id="INC-2025-0001", extra="references: [INC-3]"), "x.md"), validator)
    assert {p.field for p in bad} == {"id", "references[0]"}


def test_an_invalid_id_pattern_is_a_configuration_error():
    with pytest.raises(SchemaConfigError, match="not a valid regular expression"):
        effective_schema(replace(default_settings(), id_pattern="([unclosed"))


def test_a_site_extension_adds_fields_and_requirements(tmp_path: Path):
    (tmp_path / "extra.json").write_text(
        json.dumps({"properties": {"team": {"type": "string", "enum": ["core", "edge"]}}, "required": ["team"]})
    )
    validator = make_validator(effective_schema(replace(default_settings(), schema="extra.json"), tmp_path))
    assert schema_problems(load_text(postmortem(team="core"), "x.md"), validator) == []
    missing = schema_problems(load_text(postmortem(), "x.md"), validator)
    assert [(p.field, p.message.split(" (")[0]) for p in missing] == [("team", "required field is missing")]
    wrong = schema_problems(load_text(postmortem(team="cor"), "x.md"), validator)
    assert "did you mean 'core'?" in wrong[0].message


def test_an_extension_requiring_an_undeclared_field_is_refused(tmp_path: Path):
    (tmp_path / "extra.json").write_text('{"required": ["team"]}')
    with pytest.raises(SchemaConfigError, match="team"):
        effective_schema(replace(default_settings(), schema="extra.json"), tmp_path)


def test_a_missing_extension_file_is_a_configuration_error(tmp_path: Path):
    with pytest.raises(SchemaConfigError, match="cannot read"):
        effective_schema(replace(default_settings(), schema="nope.json"), tmp_path)


def test_an_extension_that_is_not_json_is_a_configuration_error(tmp_path: Path):
    (tmp_path / "extra.json").write_text("{not json")
    with pytest.raises(SchemaConfigError, match="not valid JSON"):
        effective_schema(replace(default_settings(), schema="extra.json"), tmp_path)


# --- identifiers: tags and services are printed unescaped by themes, search and feeds -------------

IDENTIFIER_FIELDS = [
    ("tags", "tags: [ok, 'zz<img src=x onerror=alert(1)>']", "tags[1]"),
    ("services", "services: ['zz<img src=x onerror=alert(1)>']", "services[0]"),
    ("other_services", "impact:\n  other_services: [billing, 'zz<img src=x onerror=alert(1)>']", "impact.other_services[1]"),
]


@pytest.mark.parametrize(("name", "extra", "field"), IDENTIFIER_FIELDS, ids=[f[0] for f in IDENTIFIER_FIELDS])
def test_an_identifier_with_markup_is_rejected_with_file_line_and_field(validator, name, extra, field):
    (problem,) = schema_problems(load_text(postmortem(extra=extra), "x.md"), validator)
    assert (problem.path, problem.field, problem.line) == ("x.md", field, 6 + extra.count("\n") + 1)
    assert problem.message == "'zz<img src=x onerror=alert(1)>' may contain only letters, digits, spaces and - _ . + /"


@pytest.mark.parametrize("char", sorted(set(string.punctuation + "\t\u00a0\u2028\u202e\ufeff") - set("-_.+/")))
def test_an_identifier_admits_no_other_punctuation_or_space(validator, char):
    problems = schema_problems(load_text(postmortem(extra=f"tags: [{json.dumps('a' + char + 'b')}]"), "x.md"), validator)
    assert [p.field for p in problems] == ["tags[0]"]


def test_an_identifier_may_use_letters_and_digits_of_any_script(validator):
    names = ["memory-leak", "café", "cafe\u0301", "हिन्दी", "日本語", "Ωmega 2", "v2.5 +cache/eu_west"]
    extra = f"tags: {json.dumps(names)}\nservices: {json.dumps(names)}\nimpact:\n  other_services: {json.dumps(names)}"
    assert schema_problems(load_text(postmortem(extra=extra), "x.md"), validator) == []


def test_the_identifier_message_is_the_schemas_own_words():
    identifier = bundled_schema()["$defs"]["identifier"]
    assert identifier["errorMessage"] == "may contain only letters, digits, spaces and - _ . + /"
    for kind in ("services", "tags"):
        assert bundled_schema()["properties"][kind]["items"] == {"$ref": "#/$defs/identifier"}


# --- site extensions: add, require, constrain; never loosen, never fetch ---------------------------


def extension(tmp_path: Path, content: Any, name: str = "extra.json") -> dict[str, Any]:
    (tmp_path / name).write_text(json.dumps(content))
    return effective_schema(replace(default_settings(), schema=name), tmp_path)


def test_an_unresolvable_ref_names_the_file_and_the_ref_in_one_short_line(tmp_path: Path):
    with pytest.raises(SchemaConfigError) as caught:
        extension(tmp_path, {"properties": {"team": {"$ref": "#/$defs/teams"}}})
    message = str(caught.value)
    assert message.endswith("extra.json: $ref '#/$defs/teams' cannot be resolved (nothing at /$defs/teams)")
    assert len(message) < 200  # never the whole schema


def test_a_ref_to_a_url_is_refused_and_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a schema was fetched over the network")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    with pytest.raises(SchemaConfigError, match="never fetched over the network"):
        extension(tmp_path, {"properties": {"team": {"$ref": "https://example.com/team.json"}}})
    # and a validator made from any schema resolves nothing remote either
    validator = make_validator({"properties": {"team": {"$ref": "https://example.com/team.json"}}})
    with pytest.raises(Exception, match=r"example\.com"):
        list(validator.iter_errors({"team": "x"}))


def test_an_extended_schema_has_an_id_of_its_own_not_the_bundled_schemas(tmp_path: Path):
    """A tool caching schemas by `$id` must not mistake a site's schema for the released one."""
    schema = extension(tmp_path, {"properties": {"team": {"type": "string"}}})
    assert schema["$id"] == (tmp_path / "extra.json").resolve().as_uri()
    assert schema["$id"] != SCHEMA_URL == bundled_schema()["$id"]
    declared = extension(tmp_path, {"$id": "https://lessons.example.com/postmortem.schema.json", "properties": {}})
    assert declared["$id"] == "https://lessons.example.com/postmortem.schema.json"


@pytest.mark.parametrize("declared", ["postmortem.schema.json", "https://example.com/s.json#top", 42])
def test_an_extensions_own_id_must_be_an_absolute_uri(tmp_path: Path, declared: Any):
    with pytest.raises(SchemaConfigError, match=r"extra\.json: \$id .* must be an absolute URI without a fragment"):
        extension(tmp_path, {"$id": declared, "properties": {}})


def test_an_extension_naming_the_bundled_schema_by_its_url_gets_the_sites_version_of_it(tmp_path: Path):
    """A `$ref` to the released schema's URL resolves locally, to the merged schema (the site's severities)."""
    settings = replace(default_settings(), schema="extra.json", severities=("SEV1", "SEV2"))
    (tmp_path / "extra.json").write_text(
        json.dumps({"properties": {"worst_before": {"$ref": f"{SCHEMA_URL}#/properties/severity"}}})
    )
    validator = make_validator(effective_schema(settings, tmp_path))
    text = postmortem(severity="SEV1", extra="worst_before: SEV2")
    assert schema_problems(load_text(text, "x.md"), validator) == []
    (problem,) = schema_problems(load_text(postmortem(severity="SEV1", extra="worst_before: P1"), "x.md"), validator)
    assert problem.field == "worst_before"


def test_a_ref_outside_the_site_folder_is_refused(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.json").write_text('{"type": "string"}')
    with pytest.raises(SchemaConfigError, match="points outside the site's folder"):
        extension(site, {"properties": {"team": {"$ref": "../secret.json"}}})


def test_refs_to_the_sites_own_files_are_embedded(tmp_path: Path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "teams.yml").write_text("$defs:\n  team: {$ref: '#/$defs/name'}\n  name: {enum: [core, edge]}\n")
    schema = extension(tmp_path, {"properties": {"team": {"$ref": "schemas/teams.yml#/$defs/team"}}})
    assert any(key.startswith("site:") for key in schema["$defs"])
    validator = make_validator(schema)
    assert schema_problems(load_text(postmortem(team="edge"), "x.md"), validator) == []
    (problem,) = schema_problems(load_text(postmortem(team="egde"), "x.md"), validator)
    assert (problem.field, problem.line) == ("team", 7)
    assert "did you mean 'edge'?" in problem.message


@pytest.mark.parametrize(
    ("field", "definition"),
    [
        ("date", {"type": "string"}),  # the format dropped: any text would pass, and the catalog would crash
        ("severity", {"type": "string", "enum": ["P0", "P1", "P2", "P3", "P4", "P5"]}),
        ("actions", {"type": "array"}),
        ("impact", {"type": "object"}),
    ],
)
def test_an_extension_never_loosens_or_retypes_a_core_field(tmp_path: Path, field: str, definition: dict[str, Any]):
    with pytest.raises(SchemaConfigError) as caught:
        extension(tmp_path, {"properties": {field: definition}})
    assert f"properties.{field} redefines the core field '{field}'" in str(caught.value)
    assert "never loosen or retype a core field" in str(caught.value)


def test_restating_a_core_field_unchanged_is_no_change(tmp_path: Path):
    extension(tmp_path, {"properties": {"date": bundled_schema()["properties"]["date"]}})


def test_an_extension_may_not_relax_the_whole_document(tmp_path: Path):
    with pytest.raises(SchemaConfigError, match="remove additionalProperties"):
        extension(tmp_path, {"additionalProperties": True})


def test_conditions_constrain_core_fields_with_file_line_and_field(tmp_path: Path):
    schema = extension(
        tmp_path,
        {
            "allOf": [{"properties": {"summary": {"maxLength": 20}}}],
            "if": {"properties": {"status": {"const": "approved"}}, "required": ["status"]},
            "then": {"required": ["review"], "properties": {"review": {"required": ["date"]}}},
        },
    )
    validator = make_validator(schema)
    doc = load_text(
        postmortem(
            status="approved", summary="far too long a summary for this site", extra="review:\n  attendees: [Ann]\nactions: []"
        ),
        "x.md",
    )
    problems = schema_problems(doc, validator)
    assert [(p.path, p.line, p.field) for p in problems] == [("x.md", 7, "summary"), ("x.md", 8, "review.date")]
    in_review = load_text(postmortem(summary="short"), "x.md")
    assert schema_problems(in_review, validator) == []


def test_an_extensions_own_definitions_and_the_core_ones_resolve(tmp_path: Path):
    schema = extension(
        tmp_path,
        {
            "$defs": {"team": {"enum": ["core", "edge"]}},
            "properties": {
                "team": {"$ref": "#/$defs/team"},
                "squads": {"type": "array", "items": {"$ref": "#/$defs/identifier"}},
            },
        },
    )
    validator = make_validator(schema)
    assert schema_problems(load_text(postmortem(team="core", extra="squads: [a-team]"), "x.md"), validator) == []
    assert [p.field for p in schema_problems(load_text(postmortem(extra="squads: ['<b>']"), "x.md"), validator)] == ["squads[0]"]


def test_an_extension_may_not_redefine_a_core_definition(tmp_path: Path):
    with pytest.raises(SchemaConfigError, match=r"\$defs.identifier redefines a core definition"):
        extension(tmp_path, {"$defs": {"identifier": {"type": "string"}}})


def test_one_resource_gets_the_compiled_validator_and_a_schema_embedding_site_files_plain_jsonschema(tmp_path: Path):
    from jsonschema import Draft202012Validator

    assert type(make_validator(effective_schema(default_settings()))) is not Draft202012Validator
    (tmp_path / "teams.yml").write_text("$defs:\n  team: {enum: [core, edge]}\n")
    embedding = extension(tmp_path, {"properties": {"team": {"$ref": "teams.yml#/$defs/team"}}})
    # another resource (its own $id): a subschema's validator could depend on the way to it
    assert type(make_validator(embedding)) is Draft202012Validator
