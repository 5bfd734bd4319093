"""The plugin's options in mkdocs.yml: typed, each documented where it is declared."""

from __future__ import annotations

import datetime

from mkdocs.config import base
from mkdocs.config import config_options as c

from .settings import DEFAULT_ID_FORMAT, DEFAULT_SEVERITIES, Settings


class PostmortemConfig(base.Config):
    dir = c.Type(str, default="postmortems")
    """Folder of the post-mortems, relative to docs_dir. Every `.md` file in it
    is a post-mortem, except `index.md` at its top and names starting with `_`."""

    schema = c.Optional(c.File(exists=True))
    """A JSON (or YAML) schema file, relative to mkdocs.yml, whose `properties`
    and `required` are merged over the bundled schema: a site's own fields."""

    on_invalid = c.Choice(("error", "warn"), default="error")
    """`error` fails the build on an invalid post-mortem, listing every problem;
    `warn` logs each problem as a warning (so `mkdocs build --strict` still fails)."""

    as_of = c.Optional(c.Type((str, datetime.date)))
    """The "as of" date (YYYY-MM-DD) of the overdue-action report. Default:
    SOURCE_DATE_EPOCH when set (reproducible builds), else today."""

    id_pattern = c.Optional(c.Type(str))
    """Regular expression every incident id must match. Default:
    `^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$` (INC-2025-0042, SEC-12, OPS-EU-7)."""

    severities = c.ListOfItems(c.Type(str), default=list(DEFAULT_SEVERITIES))
    """Severity levels, most severe first (default P0..P4). Indexes list them in this order."""

    id_format = c.Type(str, default=DEFAULT_ID_FORMAT)
    """How `postmortem new` numbers incidents: a Python format string with
    `{year}` and `{number}` (default `INC-{year}-{number:04d}`)."""

    nav_title = c.Type(str, default="Post-mortems")
    """Title of the navigation section the plugin adds when mkdocs.yml has no `nav`."""

    link_mentions = c.Type(bool, default=True)
    """Turn incident ids mentioned in a post-mortem's text into links (never inside code or links)."""

    def to_settings(self) -> Settings:
        return Settings(
            dir=self.dir.strip("/"),
            schema=self.schema,
            on_invalid=self.on_invalid,
            as_of=None if self.as_of is None else str(self.as_of),
            id_pattern=self.id_pattern,
            severities=list(self.severities),
            id_format=self.id_format,
            nav_title=self.nav_title,
            link_mentions=self.link_mentions,
        )
