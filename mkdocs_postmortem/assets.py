"""The files the plugin ships into every site (stylesheets now; scripts and images to come), listed once.

The plugin adds each to the built site (and a stylesheet to `extra_css`);
`postmortem render` copies each into its folder. A new asset is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_FOLDER = Path(__file__).parent / "assets"


@dataclass(frozen=True)
class Asset:
    source: Path  # inside the package (shipped in the wheel)
    uri: str  # where it goes in the built site, relative to site_dir (and to docs_dir for `render`)

    @property
    def is_stylesheet(self) -> bool:
        return self.uri.endswith(".css")

    @property
    def is_script(self) -> bool:
        return self.uri.endswith(".js")


ASSETS: tuple[Asset, ...] = (
    Asset(_FOLDER / "postmortem.css", "assets/postmortem/postmortem.css"),
    # sorting and filtering of the index lists; the lists read fine without it
    Asset(_FOLDER / "postmortem.js", "assets/postmortem/postmortem.js"),
)


def stylesheets() -> list[str]:
    """The site URIs of the stylesheets a page needs (the plugin adds them to `extra_css`)."""
    return [asset.uri for asset in ASSETS if asset.is_stylesheet]


def scripts() -> list[str]:
    """The site URIs of the scripts a page needs (the plugin adds them to `extra_javascript`)."""
    return [asset.uri for asset in ASSETS if asset.is_script]
