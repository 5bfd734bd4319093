"""Settings shared by the plugin and the command line, and how the CLI finds them in mkdocs.yml."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEVERITIES = ("P0", "P1", "P2", "P3", "P4")
DEFAULT_ID_FORMAT = "INC-{year}-{number:04d}"


class SettingsError(Exception):
    """mkdocs.yml or an option in it cannot be used."""


@dataclass
class Settings:
    """The plugin's options, independent of MkDocs (see `config.PostmortemConfig` for their docs)."""

    dir: str = "postmortems"
    schema: str | None = None
    on_invalid: str = "error"
    as_of: str | None = None
    id_pattern: str | None = None
    severities: list[str] = field(default_factory=lambda: list(DEFAULT_SEVERITIES))
    id_format: str = DEFAULT_ID_FORMAT
    nav_title: str = "Post-mortems"
    link_mentions: bool = True

    @classmethod
    def from_mapping(cls, options: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise SettingsError(f"unknown postmortem option(s): {', '.join(unknown)}")
        return cls(**{k: v for k, v in options.items() if v is not None})


@dataclass
class Site:
    """Where a site's post-mortems are, as the CLI sees it."""

    root: Path  # folder of mkdocs.yml (or the current folder)
    docs_dir: Path
    settings: Settings
    config_file: Path | None = None

    @property
    def postmortem_dir(self) -> Path:
        return self.docs_dir / self.settings.dir


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may hold tags such as !ENV or !!python/name: we only need plain values."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """MkDocs' `!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable set, else the default."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        *names, default = loader.construct_sequence(node)
        if not names:
            names, default = [default], None
    else:
        return None
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])  # typed as YAML, as MkDocs does
    return default


_LenientLoader.add_constructor("!ENV", _env_tag)
_LenientLoader.add_multi_constructor("!", _ignore_tag)
_LenientLoader.add_multi_constructor("tag:", _ignore_tag)


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The `postmortem` plugin's options from a parsed mkdocs.yml, or None when it is not enabled."""
    plugins = config.get("plugins")
    if isinstance(plugins, dict):
        if "postmortem" in plugins:
            return dict(plugins["postmortem"] or {})
        return None
    for entry in plugins or []:
        if entry == "postmortem":
            return {}
        if isinstance(entry, dict) and "postmortem" in entry:
            return dict(entry["postmortem"] or {})
    return None


def find_site(cwd: Path, config_file: Path | None = None) -> Site:
    """The site in `cwd`: its mkdocs.yml if there is one, else docs/postmortems."""
    path = config_file or next((cwd / n for n in ("mkdocs.yml", "mkdocs.yaml") if (cwd / n).is_file()), None)
    if path is None:
        return Site(cwd, cwd / "docs", Settings())
    config = _read_config(path)
    root = path.parent
    docs_dir = root / str(config.get("docs_dir") or "docs")
    options = plugin_options(config)
    settings = Settings.from_mapping(options) if options else Settings()
    return Site(root, docs_dir, settings, path)


def _read_config(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """mkdocs.yml as a mapping, with its INHERIT parent merged under it as MkDocs does."""
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: cannot read it: {exc}") from exc
    if not isinstance(config, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    parent = config.pop("INHERIT", None)
    if parent:
        parent_path = (path.parent / str(parent)).resolve()
        if parent_path in seen:
            raise SettingsError(f"{path}: INHERIT loops back to {parent_path}")
        config = _merge(_read_config(parent_path, (*seen, path.resolve())), config)
    return config


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merged key by key, anything else replaced: MkDocs' rule for INHERIT."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
