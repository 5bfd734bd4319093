"""Declared = imported: every third-party module the package imports is a declared dependency, and back."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions, requires

from .conftest import REPO


def imported_modules() -> set[str]:
    found = set()
    for path in (REPO / "mkdocs_postmortem").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "mkdocs_postmortem"}


def declared_distributions() -> set[str]:
    """The runtime dependencies of the installed package (./dev test reinstalls it from pyproject.toml)."""
    runtime = [spec for spec in requires("mkdocs-postmortem") or [] if "extra ==" not in spec]
    return {re.match(r"[A-Za-z0-9_.-]+", spec).group().lower() for spec in runtime}  # type: ignore[union-attr]


def test_every_imported_module_is_declared_and_every_declared_one_imported():
    distributions = packages_distributions()
    imported = {dist.lower() for module in imported_modules() for dist in distributions.get(module, [module])}
    assert imported == declared_distributions()
