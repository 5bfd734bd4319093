"""`./dev site`: one build, by `mkdocs serve`, into a folder it removes; installs once per pyproject.toml."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_once(tmp: Path) -> tuple[str, list[str], str]:
    """Run `./dev site` until it serves, then Ctrl-C it: the home page, the mkdocs_* folders in TMPDIR while serving, its log."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "TMPDIR": str(tmp), "CI": "true"}  # CI: no browser opened
    process = subprocess.Popen([str(REPO / "dev"), "site"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300  # a first run may install the project
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    home = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "./dev site never served"
                time.sleep(0.5)
        # mkdocs serve's build folder (mkdocs_*), beside the plugin's own for its generated pages
        building = sorted(
            p.name for p in tmp.iterdir() if p.name.startswith("mkdocs_") and not p.name.startswith("mkdocs_postmortem_")
        )
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=60)[0]
    return home, building, output


def test_dev_site_builds_once_into_a_folder_it_removes_and_documents_port(tmp_path: Path):
    home, building, output = serve_once(tmp_path)
    assert "Lessons learned" in home
    assert len(building) == 1  # mkdocs serve's own build folder, outside site-template/
    assert output.count("Building documentation") == 1, output
    assert list(tmp_path.iterdir()) == []  # both removed on Ctrl-C
    assert not (REPO / "site-template" / "site").exists()
    assert "PORT=" in (REPO / "README.md").read_text() and "PORT=" in (REPO / "dev").read_text()


def test_dev_site_installs_nothing_on_a_rerun(tmp_path: Path):
    """A stamp in .venv/ holds the hash of pyproject.toml and the version: pip runs again only when they change."""
    serve_once(tmp_path)  # installs if this .venv never had the project installed by ./dev
    digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes() + (REPO / "mkdocs_postmortem" / "__init__.py").read_bytes())
    stamps = [REPO / ".venv" / f".installed-{extra}" for extra in ("material", "test")]
    assert digest.hexdigest() in [s.read_text().strip() for s in stamps if s.is_file()]
    _, _, output = serve_once(tmp_path)
    assert "Installing" not in output, output
