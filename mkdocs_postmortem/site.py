"""The CLI's view of a site: MkDocs' own config loader + config.py.

Every command finds its site here, so the command line reads mkdocs.yml as
the build does:

- the file is found like git finds its repository: from a folder upward
  (the current folder, or the folder of the paths given), stopping at the
  root of the git repository; `-f/--config-file` overrides;
- it is read with MkDocs' own YAML loading (`mkdocs.utils.yaml`): `!ENV`,
  `!relative` and `INHERIT` behave exactly as in a build;
- the plugin's options are validated with the plugin's own config class
  (`config.PostmortemConfig`), with MkDocs' error and warning wording.

Unlike `mkdocs.config.load_config`, nothing else is validated: the theme and
the other plugins need not be installed (the pre-commit hook runs in an
environment of its own, without `theme: material` or an `rss` plugin).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.base import ValidationError
from mkdocs.config.config_options import PathSpec, Plugins
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from .config import default_settings, validate_options
from .settings import Settings

#: The names a site's config file may have, in the order ProperDocs (the maintained MkDocs 1.x
#: fork) tries them; MkDocs itself reads the last two.
CONFIG_NAMES = ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")
PLUGIN_NAME = "postmortem"  # the entry point in pyproject.toml


class SiteError(Exception):
    """The site's config file cannot be used; the message names the file."""


@dataclass
class Site:
    """Where a site's post-mortems are, and its validated options."""

    root: Path  # folder of the config file (or the folder the search started from)
    docs_dir: Path
    settings: Settings
    config_file: Path | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. an unknown plugin option, worded as MkDocs words it
    exclude_docs: Any = None  # MkDocs' `exclude_docs` (a gitignore-style spec), or None: files the build never sees
    directory_urls: bool = True  # MkDocs' `use_directory_urls`: where pages land (the exports' page URLs)
    site_url: str = ""  # MkDocs' `site_url`, ending in "/"; "" when unset (the calendar's links stay relative)
    config: dict[str, Any] = field(default_factory=dict)  # the config file as read (INHERIT merged; Python tags inert)

    def is_excluded(self, path: Path) -> bool:
        """Whether MkDocs' `exclude_docs` leaves this file out of the build (so `validate` leaves it too)."""
        if self.exclude_docs is None:
            return False
        try:
            src_uri = path.resolve().relative_to(self.docs_dir.resolve()).as_posix()
        except ValueError:
            return False
        return bool(self.exclude_docs.match_file(src_uri))

    @property
    def postmortem_dir(self) -> Path:
        return self.docs_dir / self.settings.dir


def find_config(start: Path) -> tuple[Path | None, Path | None]:
    """The config file of the site `start` is in, and the site's folder if there is none.

    Searched from `start` upward, like git finds its repository, stopping at the root of
    the git repository (a folder holding `.git`): a stray mkdocs.yml above it is never
    used. Without a config file the site's folder is that repository root, if any.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name, folder
        if (folder / ".git").exists():
            return None, folder
    return None, None


def find_site(start: Path, config_file: Path | None = None, fallback: Path | None = None) -> Site:
    """The site found from `start` (a folder, or a file in the site), or the one `config_file` names.

    With no config file, the site is the git repository's root or else `fallback` (default: `start`),
    with the defaults: its post-mortems are in docs/postmortems.
    """
    if start.is_file():
        start = start.parent
    path, root = (config_file, config_file.parent) if config_file else find_config(start)
    if path is None:
        root = root or fallback or start
        return Site(root, root / "docs", default_settings())
    path = path.resolve()
    shown = _display(path)
    config = _read(path, shown)
    docs_dir = config.get("docs_dir", "docs")
    if not isinstance(docs_dir, (str, os.PathLike)):
        raise SiteError(f"{shown}: docs_dir: expected the path of a folder, got {docs_dir!r}")
    exclude = _exclude_docs(config, shown)
    urls = _urls(config, shown)
    options = _plugin_options(config, shown)
    if options is None:  # the plugin is not enabled: its defaults
        return Site(path.parent, path.parent / docs_dir, default_settings(), path, exclude_docs=exclude, config=config, **urls)
    checked, errors, warnings = validate_options(options, str(path))
    if errors:
        raise SiteError("\n".join(f"{shown}: {e}" for e in errors))
    return Site(
        path.parent,
        path.parent / docs_dir,
        checked.settings(),
        path,
        [f"{shown}: {w}" for w in warnings],
        exclude,
        config=config,
        **urls,
    )


def _urls(config: dict[str, Any], shown: str) -> dict[str, Any]:
    """MkDocs' `use_directory_urls` and `site_url` (with the trailing "/" MkDocs adds), for the exports' links."""
    directory_urls = config.get("use_directory_urls", True)
    if not isinstance(directory_urls, bool):
        raise SiteError(f"{shown}: use_directory_urls: expected true or false, got {directory_urls!r}")
    site_url = config.get("site_url") or ""
    if not isinstance(site_url, str):
        raise SiteError(f"{shown}: site_url: expected a URL, got {site_url!r}")
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    return {"directory_urls": directory_urls, "site_url": site_url}


def _exclude_docs(config: dict[str, Any], shown: str) -> Any:
    """MkDocs' `exclude_docs`, read by MkDocs' own config option (the same patterns, the same matching)."""
    value = config.get("exclude_docs")
    if value is None:
        return None
    try:
        return PathSpec().validate(value)
    except ValidationError as exc:
        raise SiteError(f"{shown}: exclude_docs: {exc}") from exc


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class _SafeLoader(yaml.SafeLoader):
    """Safe YAML for mkdocs.yml: the CLI needs plain values only, so Python tags are read as inert text."""


class PythonTag(str):
    """A Python tag of mkdocs.yml, read as the inert text `!!python/...`; it keeps its YAML node, so a
    config written from this one (`postmortem render --write-config`) carries the tag as written."""

    node: yaml.Node


def _python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> str:
    # `!!python/name:material.extensions.emoji.twemoji` would import Material: never needed here.
    tag = PythonTag(f"!!python/{suffix}")
    tag.node = node
    return tag


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> dt.date:
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError as exc:  # `as_of: 2026-02-30`: PyYAML raises a bare ValueError (MkDocs itself crashes on it)
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date ({exc}); write YYYY-MM-DD", node.start_mark
        ) from exc


_SafeLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)
_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _read(path: Path, shown: str) -> dict[str, Any]:
    """The config file as MkDocs reads it (`!ENV`, `!relative`, `INHERIT`), with safe YAML."""
    base = get_yaml_loader(loader=_SafeLoader, config=MkDocsConfig(config_file_path=str(path)))
    seen: set[str] = set()

    class Loader(base):  # type: ignore[valid-type, misc]
        def __init__(self, stream: Any) -> None:
            # MkDocs follows INHERIT without a check: a file that inherits from itself recurses forever.
            name = os.path.realpath(getattr(stream, "name", ""))
            if name in seen:
                raise SiteError(f"{shown}: INHERIT loops back to {_display(Path(name))}")
            seen.add(name)
            super().__init__(stream)

    try:
        with path.open("rb") as stream:
            config = yaml_load(stream, Loader)
    except OSError as exc:
        raise SiteError(f"{shown}: cannot read it ({exc.strerror or exc})") from exc
    except ConfigurationError as exc:
        raise SiteError(f"{shown}: {exc}") from exc
    if not isinstance(config, dict):
        raise SiteError(f"{shown}: expected a mapping of settings, got {type(config).__name__}")
    return config


def _plugin_options(config: dict[str, Any], shown: str) -> dict[str, Any] | None:
    """The postmortem plugin's options, or None when mkdocs.yml does not list the plugin."""
    plugins = config.get("plugins")
    if plugins is None:
        return None
    if not isinstance(plugins, (list, dict)):
        raise SiteError(f"{shown}: plugins: expected a list or mapping of plugins, got {plugins!r}")
    try:
        entries = list(Plugins._parse_configs(plugins))  # MkDocs' own reading of `plugins:`
    except ValidationError as exc:
        raise SiteError(f"{shown}: plugins: {exc}") from exc
    for name, options in entries:
        if name.lstrip("/") != PLUGIN_NAME:
            continue
        options = options or {}
        if not isinstance(options, dict):
            raise SiteError(f"{shown}: Invalid config options for the '{PLUGIN_NAME}' plugin.")
        # `enabled: false` turns the plugin off in a build; its options still describe the site.
        return {k: v for k, v in options.items() if k != "enabled"}
    return None
