"""One vocabulary: each word of the domain has one home (model.py, or the bundled schema read by schema.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mkdocs_postmortem import model, schema
from mkdocs_postmortem.catalog import build_catalog
from mkdocs_postmortem.importer import Vocabulary
from mkdocs_postmortem.load import load_text

from .conftest import REPO, postmortem

PACKAGE = REPO / "mkdocs_postmortem"


def test_the_words_the_schema_declares_are_read_from_it():
    props = schema.bundled_schema()["properties"]
    assert tuple(props["timing"]["properties"]) == schema.TIMING_ORDER
    assert tuple(props["severity"]["enum"]) == schema.DEFAULT_SEVERITIES
    assert props["id"]["pattern"] == schema.DEFAULT_ID_PATTERN
    assert set(schema.CLOSED_STATUSES) < set(schema.ACTION_STATUSES)
    assert schema.CLOSED_STATUSES == ("done", "cancelled")


def test_the_importer_takes_the_same_words_from_the_schema():
    vocabulary = Vocabulary.default()
    assert vocabulary.timing == schema.TIMING_ORDER
    assert vocabulary.closed_statuses == schema.CLOSED_STATUSES
    assert vocabulary.action_statuses == schema.ACTION_STATUSES
    assert vocabulary.severities == schema.DEFAULT_SEVERITIES


def test_every_relation_reads_in_words_both_ways():
    assert set(model.RELATION_WORDS) == set(schema.RELATIONS) == set(model.INVERSE_RELATION)
    assert model.DEFAULT_RELATION in schema.RELATIONS


def test_statuses_read_in_words():
    assert model.in_words("in-progress") == "in progress"
    assert model.in_words("lessons-shared") == "lessons shared"
    assert model.in_words("root_caused") == "root caused"


@pytest.mark.parametrize(("text", "day"), [("2025-03-02", dt.date(2025, 3, 2)), ("2025-02-30", None), ("2025-3-2", None)])
def test_one_date_parser(text, day):
    assert model.parse_date(text) == day


def test_a_report_counts_each_closed_status_the_schema_names():
    doc = load_text(
        postmortem(
            extra="""
            actions:
              - {title: A, status: done}
              - {title: B, status: cancelled}
              - {title: C, status: done}
              - {title: D, owner: Ann, due: 2025-04-01, status: in-progress}
            """
        ),
        "a.md",
    )
    report = build_catalog([(doc, "a.md")], schema.DEFAULT_SEVERITIES).action_report(dt.date(2025, 3, 15))
    assert report.closed_counts == {"done": 2, "cancelled": 1}
    assert report.open_count == 1


# Literals that restate a word whose home is model.py or the schema.
RESTATED = {
    "closed statuses": re.compile(r"""["'](done|cancelled)["']|done nor cancelled|done or cancelled"""),
    "the due-soon horizon": re.compile(r"\b30\b\s*-?\s*days?\b|\bdays\s*=\s*30\b", re.IGNORECASE),
    "default severities": re.compile(r"""["']P[0-4]["']|P0\.\.P4"""),
    "timing order": re.compile(r"""["']started["'],\s*["']detected["'],\s*["']acknowledged"""),
    "relations": re.compile(r"""["']recurrence-of["']"""),
}
# The homes, and the importer's reading of English words ("Completed" -> done), which is its own knowledge.
HOMES = {"model.py", "schema.py", "importer/actions.py", "importer/review.py", "importer/values.py", "importer/markdown.py"}


@pytest.mark.parametrize("word", list(RESTATED))
def test_no_module_or_template_restates_a_word_of_the_vocabulary(word):
    found = []
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2")]):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in HOMES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RESTATED[word].search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, f"{word} restated:\n" + "\n".join(found)
