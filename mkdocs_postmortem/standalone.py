"""`postmortem render`: the whole site as a plain docs folder, for engines that cannot run MkDocs plugins.

Zensical (the successor of Material for MkDocs) runs no third-party plugin; it builds a folder of
Markdown with a config in MkDocs' format. This module writes that folder: the site's own files as
they are, the post-mortems decorated as the plugin decorates them (card, actions, related incidents,
incident ids linked, "ID: title" in the front matter), the generated pages, the assets, the exports
and each incident's address page; and, if asked, the config that builds it (the site's own settings
with the stylesheet, the script, the Markdown extensions and a nav wired in, and no plugins).

Links in the written Markdown, raw HTML included, name source files (`inc-1.md`): Zensical rewrites
links in raw HTML as it does Markdown links (MkDocs does not; MkDocs sites run the plugin).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from mkdocs.config.config_options import PathSpec
from mkdocs.utils import nest_paths

from . import assets
from .addresses import address_pages
from .catalog import Catalog
from .load import is_markdown, is_postmortem_name
from .mentions import MentionIndex, link_in_markdown
from .outputs import Published, exports
from .render import PAGES, Renderer, escape_title, front_matter, page_meta
from .site import PythonTag, Site

# MkDocs leaves these out of every build (mkdocs.structure.files._default_exclude), whatever exclude_docs says.
_ALWAYS_EXCLUDED = (".*", "/templates/")
#: Markdown extensions the plugin adds to a build (plugin.on_config); the written config lists them too.
REQUIRED_EXTENSIONS = ("admonition", "attr_list")
# Settings of the site's config that make no sense for the written folder: it has its own docs_dir,
# no plugins (the engine cannot run them) and a nav of its own; the rest is carried over as written.
_NOT_CARRIED = ("docs_dir", "site_dir", "plugins", "hooks", "nav", "exclude_docs", "not_in_nav", "draft_docs", "INHERIT")


def own_files(site: Site) -> Iterator[tuple[str, Path]]:
    """The site's own files, as MkDocs would list them (src_uri, path): every file of docs_dir except
    the post-mortems (written decorated, or left out as drafts) and what MkDocs excludes."""
    excluded = PathSpec().validate("\n".join(_ALWAYS_EXCLUDED))
    folder = site.settings.dir + "/"
    seen: set[str] = set()
    for top, dirs, names in os.walk(site.docs_dir, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:  # a link that loops
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        relative = Path(os.path.relpath(top, site.docs_dir)).as_posix()
        for name in sorted(names):
            uri = posixpath.normpath(posixpath.join(relative, name))
            path = Path(top) / name
            if excluded.match_file(uri) or site.is_excluded(path):
                continue
            if uri.startswith(folder) and is_markdown(name) and is_postmortem_name(uri[len(folder) :]):
                continue
            yield uri, path


def docs_folder(
    site: Site,
    catalog: Catalog,
    as_of: Any,
    bodies: Mapping[str, str],
    schema: Mapping[str, Any],
    warnings: list[str] | None = None,
) -> dict[str, bytes]:
    """Every file of the docs folder `render` writes: src_uri -> bytes.

    An address (`postmortems/INC-1/`) another file takes is reported in `warnings`, as the plugin's build logs it.
    """
    folder = site.settings.dir
    files: dict[str, bytes] = {uri: path.read_bytes() for uri, path in own_files(site)}
    renderer = Renderer.create(catalog, folder, as_of, metrics_since=site.settings.metrics_since, source_links=True)
    for uri, text in renderer.pages(site.settings.nav_title).items():  # a page the site writes itself is kept
        if uri not in files:
            files[uri] = text.encode("utf-8")
    mentions = MentionIndex.of({i.id: i.src_uri for i in catalog.incidents.values()} if site.settings.link_mentions else {})
    for incident in catalog.incidents.values():  # drafts are left out unless the site publishes them
        uri = incident.src_uri
        # the same meta the plugin hands the theme (private fields already stripped by the pipeline),
        # title escaped now: an engine without the plugin prints it raw
        meta = page_meta(incident.meta, schema)
        escape_title(meta)
        body = link_in_markdown(renderer.decorate(incident, bodies[uri]), mentions, uri, incident.id)
        files[uri] = (front_matter(meta) + body).encode("utf-8")
    for asset in assets.ASSETS:
        files.setdefault(asset.uri, asset.source.read_bytes())
    files |= exports(Published(catalog, as_of, folder, site.directory_urls, site.site_url))
    # postmortems/<ID>/ leads to each incident's page, as in the plugin's build (addresses.py)
    taken = {renderer.dest_uri(uri).casefold() if is_markdown(uri) else uri.casefold(): uri for uri in files}
    urls = {i.src_uri: renderer.page_url(i.src_uri) for i in catalog.incidents.values()}
    addresses, collisions = address_pages(catalog, folder, urls, taken, site.site_url)
    files |= {uri: html.encode("utf-8") for uri, html in addresses.items()}
    if warnings is not None:
        warnings.extend(collisions)
    return files


def generated_nav(site: Site) -> list[Any]:
    """The nav section of the generated pages, as the plugin adds it: {nav_title: [{title: uri}, ...]}."""
    folder = site.settings.dir
    return [{site.settings.nav_title: [{title: f"{folder}/{name}"} for name, (_, title) in PAGES.items()]}]


def _nav_uris(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_uris(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_uris(value)


def nav(site: Site, files: Mapping[str, bytes]) -> list[Any]:
    """The site's nav, with the generated pages' section added unless it lists one of them (the plugin's rule);
    without a nav in the config, MkDocs' own nav of the site's pages (post-mortems left out) and the section."""
    section = generated_nav(site)
    listed = set(PurePosixPath(f"{site.settings.dir}/{name}").as_posix() for name in PAGES)
    own = site.config.get("nav")
    if isinstance(own, list):
        return own if listed & set(_nav_uris(own)) else [*own, *section]
    folder = site.settings.dir + "/"
    pages = [uri for uri in files if is_markdown(uri) and not uri.startswith(folder)]
    pages.sort(key=lambda uri: (PurePosixPath(uri).parts[:-1], PurePosixPath(uri).stem not in ("index", "README"), uri))
    return [*nest_paths(pages), *section]  # type: ignore[no-untyped-call]


def _markdown_extensions(value: Any) -> Any:
    """The site's Markdown extensions with the plugin's own added (a list or a mapping, as written)."""
    if isinstance(value, dict):
        return value | {name: value.get(name) for name in REQUIRED_EXTENSIONS if name not in value}
    items = list(value) if isinstance(value, list) else []
    names = {item if isinstance(item, str) else next(iter(item), None) for item in items if isinstance(item, (str, dict))}
    return items + [name for name in REQUIRED_EXTENSIONS if name not in names]


def engine_config(site: Site, out_dir: Path, config_path: Path, files: Mapping[str, bytes]) -> str:
    """The config (MkDocs' format, which Zensical, ProperDocs and MkDocs read) that builds `out_dir`."""
    config = {key: value for key, value in site.config.items() if key not in _NOT_CARRIED}
    config.setdefault("site_name", "Post-mortems")
    config["docs_dir"] = Path(os.path.relpath(out_dir.resolve(), config_path.resolve().parent)).as_posix()
    config["extra_css"] = [*(site.config.get("extra_css") or []), *assets.stylesheets()]
    config["extra_javascript"] = [*(site.config.get("extra_javascript") or []), *assets.scripts()]
    config["markdown_extensions"] = _markdown_extensions(site.config.get("markdown_extensions"))
    config["nav"] = nav(site, files)
    head = (
        f"# Written by `postmortem render` from {site.config_file.name if site.config_file else 'the defaults'}: "
        "the site without plugins (Zensical runs none),\n# with the post-mortem pages, stylesheet, script and nav wired in. "
        "Validate with `postmortem validate`.\n"
    )
    return head + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes a Python tag of the site's config back as it was written."""


def _represent_tag(dumper: yaml.SafeDumper, value: PythonTag) -> yaml.Node:
    return value.node


_Dumper.add_representer(PythonTag, _represent_tag)


def write(out_dir: Path, files: Mapping[str, bytes]) -> None:
    for uri, content in files.items():
        target = out_dir / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
