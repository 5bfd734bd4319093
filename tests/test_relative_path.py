"""Relative links between a site's pages: `model.relative_path`, written for speed, says what posixpath.relpath says."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from mkdocs_postmortem.model import relative_path

# Folder and file names as a site has them (shared names, so paths share folders, nest and coincide).
_NAMES = st.sampled_from(["pm", "sub", "a", "index.html", "inc-1.md", "ü x", "2025"])
_PATHS = st.lists(_NAMES, min_size=1, max_size=4).map("/".join)
_FOLDERS = st.lists(_NAMES, max_size=4).map("/".join)


@given(_PATHS, _FOLDERS)
def test_relative_path_is_posixpaths_relpath(target: str, start: str):
    assert relative_path(target, start) == posixpath.relpath(target, start or ".")


def test_relative_path_examples():
    assert relative_path("pm/inc-2.md", "pm") == "inc-2.md"
    assert relative_path("pm/sub/inc-12.md", "pm") == "sub/inc-12.md"
    assert relative_path("pm/inc-2.md", "other") == "../pm/inc-2.md"
    assert relative_path("index.md", "pm/inc-1") == "../../index.md"
    assert relative_path("pm/inc-2/index.html", "") == "pm/inc-2/index.html"
