"""The documentation cites the tests that hold its guarantees: each cited test must exist.

(That the documentation site builds `--strict` with the plugin is
tests/test_site.py::test_this_projects_own_documentation_builds_strict_with_the_plugin.)
"""

from __future__ import annotations

import re

from .conftest import REPO

#: `tests/test_x.py::test_name` as the docs cite a test.
TEST_REFERENCE = re.compile(r"tests/(test_\w+\.py)::(test_\w+)")


def cited_tests() -> set[tuple[str, str]]:
    return {(m[1], m[2]) for page in (REPO / "docs").rglob("*.md") for m in TEST_REFERENCE.finditer(page.read_text())}


def test_the_reliability_page_cites_tests():
    text = (REPO / "docs" / "reliability.md").read_text()
    assert len(TEST_REFERENCE.findall(text)) >= 20


def test_every_test_the_docs_cite_exists():
    missing = []
    for module, name in sorted(cited_tests()):
        source = REPO / "tests" / module
        if not source.is_file() or not re.search(rf"^def {name}\b", source.read_text(), re.MULTILINE):
            missing.append(f"tests/{module}::{name}")
    assert missing == [], f"cited in docs/ but not found: {missing}"
