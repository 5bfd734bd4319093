"""MkDocs hooks of this project's documentation.

- The reference sections are generated from the code: a page asks for one with a line
  `<!-- reference: NAME -->` (names: mkdocs_postmortem/docgen.py, REFERENCES); an unknown name
  fails the build.
- The starter site (site-template/) is built into the documentation under `example/`: a live
  example of what a team gets, built by the same plugin at the same time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from mkdocs_postmortem import docgen

EXAMPLE = "example"  # where the starter site goes in the built documentation
TEMPLATE = Path(__file__).resolve().parent.parent / "site-template"
# The starter site's "as of" date: the day the documentation's own examples are reported as of.
AS_OF_EPOCH = "1795910400"  # 2026-11-29


def on_page_markdown(markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
    try:
        return docgen.expand(markdown, page.file.src_uri)
    except ValueError as exc:
        raise PluginError(str(exc)) from exc


def on_post_build(*, config: Any) -> None:
    target = Path(config.site_dir) / EXAMPLE
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", AS_OF_EPOCH)}
    # A process of its own: a second MkDocs build in this one would share its plugins' and logging's state.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)],
        cwd=TEMPLATE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PluginError(f"the example site (site-template/) does not build:\n{result.stderr}")
