"""The one pipeline (load -> check -> collect): what reaches the catalog, the as-of date, the serve cache."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from mkdocs_postmortem import pipeline
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.load import load_file, load_text

from .conftest import REPO, postmortem

SETTINGS = default_settings()


def _entry(text: str, name: str) -> pipeline.Entry:
    return load_text(text, f"docs/postmortems/{name}"), f"postmortems/{name}"


def test_only_documents_without_problems_reach_the_catalog(validator):
    good = _entry(postmortem("INC-2025-0001"), "good.md")
    bad = _entry(postmortem("INC-2025-0002", severity="P9"), "bad.md")
    unreadable = _entry("---\nid: [\n---\n", "broken.md")
    result = pipeline.build([good, bad, unreadable], SETTINGS, validator, as_of=dt.date(2026, 1, 1))
    assert list(result.catalog.incidents) == ["INC-2025-0001"]
    assert result.catalog.incidents["INC-2025-0001"].src_uri == "postmortems/good.md"
    assert {p.path for p in result.problems} == {"docs/postmortems/bad.md", "docs/postmortems/broken.md"}
    assert result.problems == sorted(result.problems)
    assert [d.path for d in result.left_out] == ["docs/postmortems/bad.md", "docs/postmortems/broken.md"]
    assert result.checked == 3


def test_a_reference_to_an_invalid_document_leaves_the_referrer_in_the_catalog(validator):
    target = _entry(postmortem("INC-2025-0002", severity="P9"), "target.md")
    referrer = _entry(postmortem("INC-2025-0001", extra="references: [INC-2025-0002]"), "referrer.md")
    result = pipeline.build([referrer, target], SETTINGS, validator, as_of=dt.date(2026, 1, 1))
    assert list(result.catalog.incidents) == ["INC-2025-0001"]
    assert result.catalog.incidents["INC-2025-0001"].references == []


def test_problems_found_before_loading_are_reported_with_the_rest(validator):
    from mkdocs_postmortem.model import Problem

    loop = Problem("docs/postmortems/loop", 1, "", "symbolic link to a folder that contains it")
    result = pipeline.build([_entry(postmortem(), "a.md")], SETTINGS, validator, problems=[loop], as_of=dt.date(2026, 1, 1))
    assert result.problems == [loop]
    assert list(result.catalog.incidents) == ["INC-2025-0001"]  # the folder's problem names no document


def test_context_documents_count_for_references_but_are_neither_reported_nor_collected(validator):
    checked = _entry(postmortem("INC-2025-0001", extra="references: [INC-2025-0002]"), "a.md")
    other, _ = _entry(postmortem("INC-2025-0002", severity="P9"), "b.md")
    result = pipeline.build([checked], SETTINGS, validator, context=[other], as_of=dt.date(2026, 1, 1))
    assert result.problems == []
    assert list(result.catalog.incidents) == ["INC-2025-0001"]
    assert result.checked == 1


def test_the_as_of_date_is_the_override_then_the_option_then_source_date_epoch(validator, monkeypatch):
    from dataclasses import replace

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert pipeline.build([], SETTINGS, validator).as_of == dt.date(1970, 1, 2)
    configured = replace(SETTINGS, as_of=dt.date(2025, 6, 1))
    assert pipeline.build([], configured, validator).as_of == dt.date(2025, 6, 1)
    assert pipeline.build([], configured, validator, as_of=dt.date(2024, 1, 1)).as_of == dt.date(2024, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH: 'soon' is not a Unix timestamp"):
        pipeline.build([], SETTINGS, validator)


def test_load_folder_gives_each_post_mortem_its_src_uri(tmp_path: Path):
    folder = tmp_path / "postmortems"
    (folder / "2025").mkdir(parents=True)
    (folder / "2025" / "a.md").write_text(postmortem())
    (folder / "index.md").write_text("# Overview\n")
    (folder / "_template.md").write_text("---\n---\n")
    loaded = pipeline.load_folder(folder, "postmortems")
    assert [uri for _, uri in loaded.entries] == ["postmortems/2025/a.md"]
    assert loaded.problems == []


def test_the_cache_reloads_a_file_whose_bytes_changed_and_only_then(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text(postmortem(title="First"))
    cache = pipeline.DocumentCache()
    first = cache.load(path, "a.md")
    assert cache.load(path, "a.md") is first  # unchanged bytes: not parsed again
    path.write_text(postmortem(title="Other"))  # same size, whatever the modification time says
    second = cache.load(path, "a.md")
    assert second is not first and second.meta is not None and second.meta["title"] == "Other"
    cache.clear()
    assert cache.load(path, "a.md") is not second


def test_the_cache_reports_a_file_it_cannot_read(tmp_path: Path):
    doc = pipeline.DocumentCache().load(tmp_path / "missing.md", "missing.md")
    assert doc.meta is None and doc.problems and doc.problems[0].path == "missing.md"
    assert load_file(tmp_path / "missing.md", "missing.md").problems == doc.problems


# Every caller goes through pipeline.build: none checks or collects documents itself.
CALLERS = ["mkdocs_postmortem/plugin.py", "mkdocs_postmortem/cli.py", "bench/bench_build.py"]


@pytest.mark.parametrize("path", CALLERS)
def test_no_caller_wires_check_and_collect_itself(path: str):
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    called = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }
    assert not called & {"check_documents", "build_catalog", "cross_problems", "schema_problems"}
    assert "build" in called


def test_the_plugin_is_a_thin_adapter():
    """Issue 8: the plugin's event handlers stay under ~150 lines; the work is in the core and small adapter modules."""
    tree = ast.parse((REPO / "mkdocs_postmortem" / "plugin.py").read_text(encoding="utf-8"))
    events = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("on_")]
    assert events and sum(n.end_lineno - n.lineno + 1 for n in events) <= 150  # type: ignore[operator]
