"""The `postmortem` command: the same pipeline as the plugin, for terminals, editors and CI."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import click
from jsonschema import Draft202012Validator

from . import __version__
from .check import check_documents
from .load import find_postmortems, is_postmortem_name, load_file
from .model import Document
from .report import FORMATS
from .schema import SchemaConfigError, effective_schema, make_validator
from .settings import SettingsError, Site, find_site


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _site(config_file: Path | None) -> Site:
    try:
        return find_site(Path.cwd(), config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


def _targets(paths: Sequence[Path], site: Site) -> list[Path]:
    if not paths:
        if not site.postmortem_dir.is_dir():
            where = f"{site.config_file.name}: " if site.config_file else ""
            raise click.UsageError(
                f"{where}no post-mortem folder at {_display(site.postmortem_dir)}; "
                "pass the files or folders to check, or set the plugin's 'dir' option"
            )
        return find_postmortems(site.postmortem_dir)
    folder = site.postmortem_dir.resolve()
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(find_postmortems(path))
            continue
        resolved = path.resolve()
        if resolved.is_relative_to(folder) and not is_postmortem_name(resolved.relative_to(folder).as_posix()):
            continue  # _template.md, index.md: not post-mortems (pre-commit passes them all)
        found.append(path)
    return list(dict.fromkeys(found))


def load_site(paths: Sequence[Path], site: Site) -> tuple[list[Document], list[Document]]:
    """The documents asked for, and the rest of the site's post-mortems as context for references."""
    targets = _targets(paths, site)
    docs = [load_file(p, _display(p)) for p in targets]
    context: list[Document] = []
    if paths:
        asked = {p.resolve() for p in targets}
        context = [load_file(p, _display(p)) for p in find_postmortems(site.postmortem_dir) if p.resolve() not in asked]
    return docs, context


def _validator(site: Site) -> Draft202012Validator:
    try:
        return make_validator(effective_schema(site.settings, site.root))
    except SchemaConfigError as exc:
        raise click.UsageError(str(exc)) from exc


_config_option = click.option(
    "--config-file",
    "-f",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The site's mkdocs.yml (default: ./mkdocs.yml if present).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postmortem")
def main() -> None:
    """Check, scaffold and report on incident post-mortems kept as Markdown."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text for people, github for annotations on a pull request, json for tools.",
)
@_config_option
def validate(paths: tuple[Path, ...], fmt: str, config_file: Path | None) -> None:
    """Check post-mortems against the schema and each other.

    With no PATH, checks every post-mortem of the site in the current folder
    (the plugin's `dir` under docs_dir in mkdocs.yml, else docs/postmortems).
    Exits 0 when all are valid, 1 when any is not, 2 on a usage error.
    """
    site = _site(config_file)
    validator = _validator(site)
    docs, context = load_site(paths, site)
    problems = check_documents(docs, validator, context)
    click.echo(FORMATS[fmt](problems, len(docs)))
    raise SystemExit(1 if problems else 0)


@main.command()
@_config_option
def schema(config_file: Path | None) -> None:
    """Print the effective JSON schema (bundled, with the site's extensions)."""
    site = _site(config_file)
    try:
        effective = effective_schema(site.settings, site.root)
    except SchemaConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(json.dumps(effective, indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
