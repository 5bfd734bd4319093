"""The shipped stylesheet: every severity badge is readable (WCAG AA) in both Material palettes and the mkdocs theme.

Badge colours are fixed (never palette variables), so the text/background pair
alone decides the contrast, whatever the page behind it.
"""

from __future__ import annotations

import re

import pytest

from mkdocs_postmortem.assets import ASSETS
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.model import slug

CSS_PATH = next(asset.source for asset in ASSETS if asset.is_stylesheet)
AA_NORMAL_TEXT = 4.5
_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def rules() -> list[tuple[list[str], dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", CSS_PATH.read_text(), flags=re.S)
    out = []
    for selectors, body in _RULE.findall(css):
        declarations = dict(
            (name.strip(), value.strip()) for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        out.append(([s.strip() for s in selectors.split(",")], declarations))
    return out


def badge_colours() -> dict[str, tuple[str, str]]:
    """Selector -> (text, background) for the base badge and every severity class."""
    base = next(d for sel, d in rules() if sel == [".pm-badge"])
    found = {".pm-badge": (base["color"], base["background"])}
    for selectors, d in rules():
        for s in selectors:
            if s.startswith(".pm-sev-") and "background" in d:
                found[s] = (d.get("color", base["color"]), d["background"])
    return found


def luminance(hex_colour: str) -> float:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", hex_colour), f"badge colours must be fixed #rrggbb, not {hex_colour!r}"
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey


@pytest.mark.parametrize("selector", sorted(badge_colours()))
def test_badge_text_passes_wcag_aa(selector: str):
    text, background = badge_colours()[selector]
    assert contrast(text, background) >= AA_NORMAL_TEXT, f"{selector}: {text} on {background}"


def test_every_default_severity_has_its_own_badge_colour():
    colours = badge_colours()
    defaults = default_settings().severities
    assert [f".pm-sev-{slug(s)}" in colours for s in defaults] == [True] * len(defaults)
    assert len({colours[f".pm-sev-{slug(s)}"][1] for s in defaults}) == len(defaults)
