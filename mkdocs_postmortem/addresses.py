"""Stable addresses: `postmortems/INC-2025-0042/` leads to the incident's page whatever its file is called.

A link pasted into a chat or a ticket survives a renamed file: every published incident gets a
small page at its id that sends the reader on (a `<meta http-equiv="refresh">`, a canonical link
for search engines, and a visible link for a browser that does not follow the refresh). It is a
static file, not a Markdown page: never in the nav, the search index or the sitemap.
"""

from __future__ import annotations

import posixpath
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


def add_addresses(catalog: Catalog, folder: str, files: Files, config: MkDocsConfig) -> list[str]:
    """Add each incident's address page to `files`; returns the collisions, in words, for the log.

    An address that a real file already takes (compared without case: macOS and Windows file
    systems ignore it) is left to that file and reported; a page already at its address needs none.
    """
    taken = {f.dest_uri.casefold(): f for f in files}
    taken.update({f.src_uri.casefold(): f for f in files})
    collisions = []
    for incident in catalog.incidents.values():
        page = files.get_file_from_path(incident.src_uri)
        if page is None:
            continue
        uri = address_uri(folder, incident.id)
        other = taken.get(uri.casefold())
        if other is page:
            continue
        if other is not None:
            collisions.append(f"{other.src_uri} takes the address {address_url(folder, incident.id)} of {incident.id}; rename it")
            continue
        href = posixpath.relpath(page.url or ".", posixpath.dirname(uri)) + ("/" if page.url.endswith("/") else "")
        canonical = urljoin(config.site_url, page.url) if config.site_url else href
        files.append(File.generated(config, uri, content=redirect_page(incident.id, incident.title, href, canonical)))
    return collisions
