"""Stable addresses: `postmortems/INC-2025-0042/` leads to the incident's page whatever its file is called.

A link pasted into a chat or a ticket survives a renamed file: every published incident gets a
small page at its id that sends the reader on (a `<meta http-equiv="refresh">`, a canonical link
for search engines, and a visible link for a browser that does not follow the refresh). It is a
static file, not a Markdown page: never in the nav, the search index or the sitemap.

One home for both outputs: `address_pages` decides every page and collision; the plugin adds them
to MkDocs' files (`add_addresses`), `postmortem render` writes them beside the Markdown it writes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from html import escape
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from .catalog import Catalog


def address_uri(folder: str, ident: str) -> str:
    """Where an incident's address page goes, under docs_dir and in the built site (`postmortems/INC-1/index.html`)."""
    return posixpath.join(folder, ident, "index.html")


def address_url(folder: str, ident: str) -> str:
    """The address a reader types or pastes: `postmortems/INC-1/`."""
    return posixpath.join(folder, ident) + "/"


def redirect_page(ident: str, title: str, href: str, canonical: str) -> str:
    """The address page: `href` is the incident page relative to the address, `canonical` its full URL where known."""
    label = escape(f"{ident}: {title}")
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{label}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={escape(href)}">\n'
        f'<link rel="canonical" href="{escape(canonical)}">\n'
        '<meta name="robots" content="noindex">\n'
        "</head>\n"
        "<body>\n"
        f'<p>This incident\'s page: <a href="{escape(href)}">{label}</a></p>\n'
        "</body>\n"
        "</html>\n"
    )


def address_pages(
    catalog: Catalog, folder: str, urls: Mapping[str, str], taken: Mapping[str, str], site_url: str | None = None
) -> tuple[dict[str, str], list[str]]:
    """Each incident's address page (uri -> HTML) and the collisions, in words, for the log.

    `urls`: src_uri of each incident page that is published -> its URL in the site (`postmortems/inc-42/`).
    `taken`: every path a file of the site already takes, source or built, compared without case (macOS
    and Windows file systems ignore it) -> that file's src_uri. An address another file takes is left
    to that file and reported; a page already at its address needs none.
    """
    pages: dict[str, str] = {}
    collisions = []
    for incident in catalog.incidents.values():
        url = urls.get(incident.src_uri)
        if url is None:
            continue
        uri = address_uri(folder, incident.id)
        other = taken.get(uri.casefold())
        if other == incident.src_uri:
            continue
        if other is not None:
            collisions.append(f"{other} takes the address {address_url(folder, incident.id)} of {incident.id}; rename it")
            continue
        href = posixpath.relpath(url or ".", posixpath.dirname(uri)) + ("/" if url.endswith("/") else "")
        canonical = urljoin(site_url, url) if site_url else href
        pages[uri] = redirect_page(incident.id, incident.title, href, canonical)
    return pages, collisions


def add_addresses(catalog: Catalog, folder: str, files: Files, config: MkDocsConfig) -> list[str]:
    """Add each incident's address page to MkDocs' `files`; returns the collisions (see `address_pages`)."""
    taken = {f.dest_uri.casefold(): f.src_uri for f in files}
    taken.update({f.src_uri.casefold(): f.src_uri for f in files})
    urls = {}
    for incident in catalog.incidents.values():
        page = files.get_file_from_path(incident.src_uri)
        if page is not None:
            urls[incident.src_uri] = page.url
    pages, collisions = address_pages(catalog, folder, urls, taken, config.site_url)
    for uri, content in pages.items():
        files.append(File.generated(config, uri, content=content))
    return collisions
