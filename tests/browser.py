"""What every browser test shares: Debian's Chromium, the flags that keep it quiet on a closed network,
the rule for when a missing Chromium may skip, and a built site served on 127.0.0.1."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")  # Playwright cannot download browsers here: Debian's package
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

#: Outside CI a machine without Chromium skips; under CI a skip fails the run (tests/conftest.py).
NEEDS_CHROMIUM = pytest.mark.skipif(
    not os.environ.get("CI") and not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing (apt-get install chromium, or ./dev test); in CI this test always runs",
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """A built site on a free 127.0.0.1 port; yields its base URL and stops the server afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
