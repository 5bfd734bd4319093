"""The plugin's options as the core sees them: a frozen record, built from the validated config.

Decision (one set of options): the options are declared once, in
`config.PostmortemConfig` -- MkDocs' typed config class, which holds each
option's type, default, validation and documentation. MkDocs validates it
for the build; `site.py` validates the very same class for the command line.

The core (load, check, schema, catalog, render, model) must not import
MkDocs, so it receives the options as this `Settings` record, made by
`PostmortemConfig.settings()` from a config that has been validated. The
record deliberately has no defaults: a default restated here could drift
from config.py. Code that needs the defaults (a CLI run outside any site,
tests, the benchmark) asks config.py for them: `config.default_settings()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The values of the `drafts` option: leave drafts out of the published site, or publish them marked.
DRAFTS_CHOICES = ("exclude", "publish")
#: The values of the `lifecycle` option: apply the status rules, or not.
LIFECYCLE_CHOICES = ("strict", "off")


@dataclass(frozen=True)
class Settings:
    """The validated plugin options; see `config.PostmortemConfig` for what each one means."""

    dir: str  # relative to docs_dir, without leading or trailing slashes
    schema: str | None  # the schema extension's path (absolute once validated against mkdocs.yml)
    on_invalid: str
    as_of: dt.date | None
    metrics_since: dt.date | None  # the metrics page's and `postmortem stats`' first day
    id_pattern: str | None
    severities: tuple[str, ...]
    id_format: str
    nav_title: str
    link_mentions: bool
    body_html: str
    drafts: str  # one of DRAFTS_CHOICES
    lifecycle: str  # one of LIFECYCLE_CHOICES
    private_fields: tuple[str, ...]  # dotted paths, checked against the schema by schema.effective_schema
