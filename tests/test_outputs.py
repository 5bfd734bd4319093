"""Outputs as registries: a format name -> a writer; an export or an asset is one entry, written by plugin and render."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_postmortem import assets, outputs
from mkdocs_postmortem.cli import main

from .conftest import postmortem


@pytest.fixture
def run(site, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(site.root)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def _choices(command: str) -> list[str]:
    params = {p.name: p for p in main.commands[command].params}  # type: ignore[attr-defined]
    fmt = params["fmt"]
    assert isinstance(fmt.type, click.Choice)
    return sorted(fmt.type.choices)


def test_the_commands_offer_exactly_the_registered_formats():
    assert _choices("validate") == sorted(outputs.PROBLEM_FORMATS)
    assert _choices("actions") == sorted(outputs.ACTION_FORMATS)


def test_a_registered_problem_format_is_a_validate_format(site, run, monkeypatch):
    site("a.md", postmortem(severity="P9"))
    monkeypatch.setitem(outputs.PROBLEM_FORMATS, "count", lambda problems, checked: f"{len(problems)}/{checked}")
    # click read the choices when the command was defined: a new format is one entry, seen at the next start
    fmt = next(p for p in main.commands["validate"].params if p.name == "fmt")  # type: ignore[attr-defined]
    monkeypatch.setattr(fmt, "type", click.Choice(sorted(outputs.PROBLEM_FORMATS)))
    result = run("validate", "--format", "count")
    assert result.output.strip() == "1/1"


def _stamp(published: outputs.Published) -> bytes:
    return json.dumps({"as_of": published.as_of.isoformat(), "ids": sorted(published.catalog.incidents)}).encode()


@pytest.fixture
def an_export(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(outputs, "EXPORTS", (outputs.Export("ids.json", _stamp),))


def test_the_plugin_writes_each_export_into_the_site(site, an_export):
    site("a.md", postmortem())
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"), strict=True)
    build(config)
    data = json.loads((site.root / "site" / "postmortems" / "ids.json").read_text())
    assert data == {"as_of": "2026-01-01", "ids": ["INC-2025-0001"]}


def test_render_writes_each_export_and_asset_into_its_folder(site, run, an_export, tmp_path: Path):
    site("a.md", postmortem())
    out = tmp_path / "out"
    result = run("render", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "postmortems" / "ids.json").read_text())["ids"] == ["INC-2025-0001"]
    for asset in assets.ASSETS:
        assert (out / asset.uri).read_bytes() == asset.source.read_bytes()


def test_every_asset_is_shipped_in_the_package_and_added_to_the_site(site, monkeypatch, tmp_path: Path):
    script = tmp_path / "pm.js"
    script.write_text("// filter\n")
    monkeypatch.setattr(assets, "ASSETS", (*assets.ASSETS, assets.Asset(script, "assets/postmortem/pm.js")))
    site("a.md", postmortem())
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"), strict=True)
    build(config)
    built = site.root / "site"
    assert (built / "assets" / "postmortem" / "pm.js").read_text() == "// filter\n"
    page = (built / "postmortems" / "a" / "index.html").read_text()
    assert "assets/postmortem/postmortem.css" in page and "assets/postmortem/pm.js" in page


def test_the_shipped_assets_exist():
    assert assets.ASSETS and all(asset.source.is_file() for asset in assets.ASSETS)
