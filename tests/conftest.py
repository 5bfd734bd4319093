"""Shared helpers: small post-mortems written on the fly, and a site on disk."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.schema import effective_schema, make_validator

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def postmortem(id: str = "INC-2025-0001", extra: str = "", body: str = "## Executive Summary\n\nText.\n", **fields: str) -> str:
    """A valid, published post-mortem's text; keyword fields replace the defaults, `extra` adds YAML lines.

    It is `in-review` (a draft would be left out of the site), so it states a summary and a root
    cause, written after `extra` (the lines of the fields and of `extra` stay where they were)
    unless `extra` or the fields give them.
    """
    values = {"title": "Checkout outage", "date": "2025-03-02", "severity": "P1", "status": "in-review"} | fields
    lines = [f"id: {id}", *(f"{k}: {v}" for k, v in values.items())]
    given = {line.split(":")[0] for line in textwrap.dedent(extra).splitlines()} | set(fields)
    defaults = [
        f"{k}: {v}" for k, v in (("summary", "What happened."), ("root_cause", "{primary: Why it happened}")) if k not in given
    ]
    extra_lines = textwrap.dedent(extra).strip("\n") + ("\n" if extra else "")
    return "---\n" + "\n".join(lines) + "\n" + extra_lines + "".join(f"{d}\n" for d in defaults) + "---\n\n" + body


@pytest.fixture
def validator():  # type: ignore[no-untyped-def]
    return make_validator(effective_schema(default_settings()))


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A minimal MkDocs site; returns a function writing post-mortems into it."""
    (tmp_path / "docs" / "postmortems").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - search\n  - postmortem:\n      as_of: 2026-01-01\n")

    def write(name: str, text: str) -> Path:
        path = tmp_path / "docs" / "postmortems" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    write.root = tmp_path  # type: ignore[attr-defined]
    return write


# --- honest CI: a skipped test is a failure there ------------------------------------------


def _skipped(config: pytest.Config) -> int:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return len(reporter.stats.get("skipped", [])) if reporter is not None else 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true, a run that skipped any test fails: a browser or tool that is missing must be installed."""
    if os.environ.get("CI") and _skipped(session.config) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    if os.environ.get("CI") and _skipped(config):
        terminalreporter.write_line(
            f"CI: {_skipped(config)} test(s) skipped, so this run FAILS: in CI every test must run (install what it needs)",
            red=True,
        )
