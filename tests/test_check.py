"""Checking: all problems of all files at once, and the rules across files."""

from __future__ import annotations

from mkdocs_postmortem.check import check_documents, did_you_mean
from mkdocs_postmortem.load import load_text

from .conftest import postmortem


def docs(*texts: str):  # type: ignore[no-untyped-def]
    return [load_text(text, f"pm{n}.md") for n, text in enumerate(texts)]


def test_all_problems_of_all_files_are_collected(validator):
    problems = check_documents(
        docs(postmortem(severity="P9", status="done"), "no front matter", postmortem(id="INC-2025-0002", date="2025-13-01")),
        validator,
    )
    assert [(p.path, p.field) for p in problems] == [
        ("pm0.md", "severity"),
        ("pm0.md", "status"),
        ("pm1.md", ""),
        ("pm2.md", "date"),
    ]


def test_problems_print_as_path_line_field_message(validator):
    (problem,) = check_documents(docs(postmortem(severity="P9")), validator)
    assert str(problem) == "pm0.md:5: severity: 'P9' is not one of P0, P1, P2, P3, P4"


def test_duplicate_ids_name_both_files(validator):
    problems = check_documents(docs(postmortem(), postmortem()), validator)
    assert [str(p) for p in problems] == [
        "pm0.md:2: id: 'INC-2025-0001' is also the id of pm1.md:2; ids must be unique",
        "pm1.md:2: id: 'INC-2025-0001' is also the id of pm0.md:2; ids must be unique",
    ]


def test_references_must_resolve_with_a_hint(validator):
    problems = check_documents(
        docs(postmortem(extra="references:\n  - INC-2025-0021"), postmortem(id="INC-2025-0012")), validator
    )
    assert [str(p) for p in problems] == [
        "pm0.md:8: references[0]: no post-mortem has id 'INC-2025-0021'; did you mean 'INC-2025-0012'?"
    ]


def test_references_in_mapping_form_are_checked(validator):
    (problem,) = check_documents(docs(postmortem(extra="references:\n  - {id: INC-2025-0404, relation: caused-by}")), validator)
    assert problem.field == "references[0].id"


def test_a_self_reference_is_refused(validator):
    (problem,) = check_documents(docs(postmortem(extra="references: [INC-2025-0001]")), validator)
    assert "cannot reference itself" in problem.message


def test_context_documents_resolve_references_without_being_reported(validator):
    context = docs(postmortem(id="INC-2025-0007", severity="P9"))
    assert check_documents(docs(postmortem(extra="references: [INC-2025-0007]")), validator, context) == []


def test_timing_out_of_order_is_reported_on_the_later_field(validator):
    extra = """
    timing:
      started: 2025-03-02T10:00:00Z
      detected: 2025-03-02T09:59:00Z
      resolved: 2025-03-02T11:00:00+02:00
    """
    problems = check_documents(docs(postmortem(extra=extra)), validator)
    assert [(p.field, p.line) for p in problems] == [("timing.detected", 9), ("timing.resolved", 10)]
    assert "is before timing.started" in problems[0].message


def test_timing_compares_offsets_not_text(validator):
    extra = "timing:\n  started: 2025-03-02T10:00:00+02:00\n  detected: 2025-03-02T08:30:00Z"
    assert check_documents(docs(postmortem(extra=extra)), validator) == []


def test_did_you_mean_finds_typos_case_and_separators():
    assert did_you_mean("severty", ["severity", "status"]) == "severity"
    assert did_you_mean("IN_REVIEW", ["draft", "in-review"]) == "in-review"
    assert did_you_mean("zzz", ["severity", "status"]) is None
