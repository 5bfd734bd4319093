"""Screenshots of a lessons-learned site, the way a reader sees it: every generated page and incident pages,
at laptop and phone widths, in the light and the dark palette.

    ./dev shots                      # the starter site, into build/screenshots/
    ./dev shots --site docs-site-dir --out DIR --incident inc-2025-0042-spacetime-api-outage
    ./dev shots --docs               # refresh the documentation's screenshots (docs/assets/screenshots/)

The site is built with `mkdocs build --strict` (SOURCE_DATE_EPOCH fixed, so the overdue report is
reproducible), served on 127.0.0.1 and opened in Debian's Chromium through Playwright. Each shot is a
full-page PNG named `<page>-<width>-<light|dark>.png`. The script also prints, for each shot, whether the
page scrolls sideways: the first thing to look for at 390 px.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1400, 390)
SCHEMES = ("light", "dark")
AS_OF = dt.date(2026, 11, 29)
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


def build(site: Path, out: Path) -> None:
    epoch = int(dt.datetime.combine(AS_OF, dt.time(), tzinfo=dt.UTC).timestamp())
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch)}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=site, env=env, check=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def pages_of(site: Path, built: Path, folder: str, incidents: list[str]) -> list[str]:
    """The pages the plugin generates under the post-mortem folder (no source file, no redirect), then the incidents."""
    sources = {p.relative_to(site / "docs" / folder).with_suffix("").as_posix() for p in (site / "docs" / folder).rglob("*.md")}
    generated = []
    for page in sorted((built / folder).rglob("index.html")):
        relative = page.parent.relative_to(built / folder).as_posix()
        if relative not in sources and 'http-equiv="refresh"' not in page.read_text(encoding="utf-8"):
            generated.append(f"{folder}/{relative}".rstrip("/.") if relative != "." else folder)
    return [*generated, *(f"{folder}/{name}" for name in incidents)]


#: The documentation's screenshots (--docs): (page, width, scheme, file name), the window only (small PNGs in git).
DOCS_OUT = REPO / "docs" / "assets" / "screenshots"
DOCS_SHOTS = (
    ("postmortems", 1400, "light", "overview.png"),
    ("postmortems/inc-2025-0042-spacetime-api-outage", 1400, "light", "incident.png"),
    ("postmortems/actions", 1400, "dark", "actions-dark.png"),
    ("postmortems/inc-2025-0042-spacetime-api-outage", 390, "dark", "incident-phone-dark.png"),
)


def shoot_docs(base_url: str, out: Path) -> None:
    """The documentation's screenshots: each a window (1400x900 or 390x844), not a whole page."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        for scheme in SCHEMES:
            context = p.chromium.launch_persistent_context(
                profile + "-" + scheme,
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                color_scheme=scheme,  # type: ignore[arg-type]
            )
            context.route(lambda url: not url.startswith(base_url), lambda route: route.fulfill(status=200, body=""))
            page = context.new_page()
            for path, width, wanted, name in DOCS_SHOTS:
                if wanted != scheme:
                    continue
                page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
                page.goto(base_url + path + "/")
                page.wait_for_load_state("load")
                page.screenshot(path=str(out / name))
            context.close()


def shoot(base_url: str, pages: list[str], out: Path, widths: tuple[int, ...], schemes: tuple[str, ...]) -> list[str]:
    """Take the screenshots; return one line per shot that scrolls sideways."""
    from playwright.sync_api import sync_playwright  # a test dependency: imported only when shooting

    out.mkdir(parents=True, exist_ok=True)
    overflowing = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        for scheme in schemes:
            context = p.chromium.launch_persistent_context(
                profile + "-" + scheme,
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                color_scheme=scheme,  # type: ignore[arg-type]  # Material follows prefers-color-scheme
            )
            # the theme asks Google for fonts: answer empty, the shots must not depend on the network
            context.route(lambda url: not url.startswith(base_url), lambda route: route.fulfill(status=200, body=""))
            page = context.new_page()
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                for path in pages:
                    page.goto(base_url + path + "/")
                    page.wait_for_load_state("load")
                    name = path.replace("/", "_") or "home"
                    page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"), full_page=True)
                    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    if wide > 0:
                        overflowing.append(f"{path} at {width} px ({scheme}): {wide} px wider than the window")
            context.close()
    return overflowing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO / "site-template", help="folder of the site's mkdocs.yml")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "screenshots", help="where the PNGs go")
    parser.add_argument("--folder", default="postmortems", help="the plugin's dir option (post-mortem folder)")
    parser.add_argument(
        "--incident",
        action="append",
        default=None,
        help="an incident page (its file name without .md); default: every incident of the starter site shown",
    )
    parser.add_argument("--width", type=int, action="append", help="default: 1400 and 390")
    parser.add_argument("--scheme", choices=SCHEMES, action="append", help="default: light and dark")
    parser.add_argument(
        "--docs",
        action="store_true",
        help=f"refresh the documentation's screenshots of the starter site ({DOCS_OUT.relative_to(REPO)})",
    )
    args = parser.parse_args(argv)
    if args.docs:
        out = args.out if args.out != parser.get_default("out") else DOCS_OUT
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "site"
            build(args.site, built)
            with served(built) as base_url:
                shoot_docs(base_url, out)
        print(f"{len(DOCS_SHOTS)} screenshots for the documentation in {out}")
        return 0
    incidents = args.incident or ["inc-2025-0042-spacetime-api-outage"]
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "site"
        build(args.site, built)
        pages = pages_of(args.site, built, args.folder, incidents)
        with served(built) as base_url:
            overflowing = shoot(base_url, pages, args.out, tuple(args.width or WIDTHS), tuple(args.scheme or SCHEMES))
    shots = len(pages) * len(args.width or WIDTHS) * len(args.scheme or SCHEMES)
    print(f"{shots} screenshots of {len(pages)} pages in {args.out}")
    for line in overflowing:
        print(f"scrolls sideways: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
