"""The screenshot script (./dev shots) that pages are judged by: it builds, serves and shoots a real site."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_script_shoots_every_generated_page_and_the_incident_at_the_width_asked(tmp_path: Path, capsys):
    script = load_script()
    assert script.main(["--out", str(tmp_path), "--width", "390", "--scheme", "dark"]) == 0
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "postmortems-390-dark.png" in shots  # the overview
    assert "postmortems_inc-2025-0042-spacetime-api-outage-390-dark.png" in shots
    assert len(shots) >= 5  # the overview, the other generated pages and the incident
    width, height = png_size(tmp_path / "postmortems-390-dark.png")
    assert width == 390 and height > 900  # a full page, not just the window
    assert f"{len(shots)} screenshots of {len(shots)} pages" in capsys.readouterr().out


def test_the_docs_mode_shoots_the_documentations_screenshots_as_windows(tmp_path: Path, capsys):
    script = load_script()
    assert script.main(["--docs", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(name for *_, name in script.DOCS_SHOTS)
    for page, width, _, name in script.DOCS_SHOTS:
        shot_width, height = png_size(tmp_path / name)
        assert shot_width == width and height <= 900, (page, name)  # the window, not the whole page: small PNGs
        assert (REPO / "docs" / "assets" / "screenshots" / name).is_file()  # the ones in git, shown by docs/index.md
