"""pip constraints that pin every runtime dependency at the lower bound pyproject.toml declares.

`./dev test-lowest` installs the project with them into .venv-lowest/ and runs the tests of the
plugin's own behaviour there, so a bound that no longer holds (the code uses something newer)
fails CI instead of a user's build. The bounds are read from pyproject.toml, their one home:
`project.dependencies` and the `material` extra (the theme the starter site uses).

    python scripts/lowest_versions.py > lowest.txt
    pip install -c lowest.txt -e .
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)")


def lowest(requirement: str) -> str:
    """`name==X` for a requirement whose specifiers include `>=X` (`mkdocs>=1.6,<2` -> `mkdocs==1.6`)."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    name, specifiers = match.groups()
    bounds = [s.strip()[2:].strip() for s in specifiers.split(",") if s.strip().startswith(">=")]
    if len(bounds) != 1:
        raise ValueError(f"{requirement!r}: one lower bound (>=) expected, to pin the lowest version")
    return f"{name.lower()}=={bounds[0]}"


def constraints(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [lowest(r) for r in [*project["dependencies"], *project["optional-dependencies"]["material"]]]


if __name__ == "__main__":
    print("\n".join(constraints()))
