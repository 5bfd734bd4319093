"""The plugin's options in mkdocs.yml: the one declaration of each option, its default and its doc.

MkDocs validates this class for the build; `site.py` validates the same class
for the command line, so the two can never disagree about an option. The core
receives the result as a `settings.Settings` record (see that module).
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .model import parse_date
from .schema import DEFAULT_SEVERITIES
from .settings import DRAFTS_CHOICES, LIFECYCLE_CHOICES, Settings


class _Date(base.BaseConfigOption[dt.date | None]):
    """A day written YYYY-MM-DD, quoted or not (YAML reads an unquoted one as a date)."""

    def run_validation(self, value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            raise ValidationError(f"expected a date (YYYY-MM-DD), not a date and time: {value.isoformat()}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and (day := parse_date(value)) is not None:
            return day
        raise ValidationError(f"{value!r} is not a date (expected YYYY-MM-DD, for example 2026-01-31)")


class _Levels(c.ListOfItems[str]):
    """Severity levels: at least one, each once (the schema's enum and the indexes use them)."""

    def run_validation(self, value: object) -> list[str]:
        levels = super().run_validation(value)
        if not levels:
            raise ValidationError("list at least one severity level, most severe first")
        twice = sorted({level for level in levels if levels.count(level) > 1})
        if twice:
            raise ValidationError(f"{', '.join(twice)} listed more than once")
        return levels


class PostmortemConfig(base.Config):
    dir = c.Type(str, default="postmortems")
    """Folder of the post-mortems, relative to `docs_dir`. Every Markdown file in it (any ending
    MkDocs publishes: `.md`, `.markdown`, ...) is a post-mortem, except `index.md` at its top and
    names starting with `_` or `.` ([which files](format.md#which-files-are-post-mortems)). The
    build warns when the folder does not exist or holds none."""

    schema = c.Optional(c.File(exists=True))
    """A JSON (or YAML) schema extension, relative to mkdocs.yml: a site's own fields
    (`properties`), fields it requires (`required`) and conditions (`allOf`, `if`/`then`);
    never a looser or retyped core field ([your own fields](plugin.md#your-own-fields))."""

    on_invalid = c.Choice(("error", "warn"), default="error")
    """`error` fails the build on an invalid post-mortem, listing every problem;
    `warn` logs each problem as a warning (so `mkdocs build --strict` still fails) and leaves
    the invalid ones out of the indexes."""

    as_of = _Date()
    """The "as of" date (YYYY-MM-DD, quoted or not; any day from 0001-01-01 to 9999-12-31) of the
    open-actions page, which states it. Default: `SOURCE_DATE_EPOCH` when set (reproducible
    builds), else today. A number, a date and time or a day that does not exist (2026-02-30)
    is a config error."""

    metrics_since = _Date()
    """The first day (YYYY-MM-DD) the [metrics page](plugin.md#the-metrics-page) and `postmortem stats`
    count: incidents dated earlier are left out of every figure there (their pages and indexes
    stay). Default: every published incident. Same rules as `as_of`."""

    id_pattern = c.Optional(c.Type(str))
    """Regular expression every incident id (and every referenced id) must match. Default: the
    bundled schema's, `^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$` (INC-2025-0042, SEC-12, OPS-EU-7)."""

    severities = _Levels(c.Type(str), default=list(DEFAULT_SEVERITIES))
    """Severity levels, most severe first (default: the bundled schema's). Indexes list them in
    this order; a post-mortem's `severity` must be one of them."""

    id_format = c.Type(str, default="INC-{year}-{number:04d}")
    """How `postmortem new` numbers incidents: a Python format string with
    `{year}` and `{number}` (default `INC-{year}-{number:04d}`)."""

    nav_title = c.Type(str, default="Post-mortems")
    """Title of the navigation section the plugin adds when the nav lists none of the generated pages."""

    link_mentions = c.Type(bool, default=True)
    """Turn incident ids mentioned in a post-mortem's text into links (never inside code or links)."""

    body_html = c.Choice(("sanitized", "trusted"), default="sanitized")
    """`sanitized` passes the HTML of every post-mortem page through the allowlist of
    `mkdocs_postmortem/sanitize.py`: raw HTML written in a body keeps ordinary content markup and
    loses scripts, event handlers, `javascript:` and `data:` URLs, frames, forms and styles
    ([what stays](plugin.md#the-body)). `trusted` publishes it as written (embedded dashboards),
    for sites that review every body."""

    drafts = c.Choice(DRAFTS_CHOICES, default="exclude")
    """What happens to drafts (`status: draft`): `exclude` leaves them out of `mkdocs build` and of
    every index, report and export (`mkdocs serve` shows them, under a "draft" banner); `publish`
    publishes them, under the same banner. A published post-mortem may reference a draft: its page
    names the draft's id and title as plain text."""

    lifecycle = c.Choice(LIFECYCLE_CHOICES, default="strict")
    """`strict` applies the status rules: from `in-review` on, `summary` and `root_cause.primary`
    are required; from `approved` on, `actions` too (`actions: []` states there are none) and the
    template's placeholder lines and `TODO` markers are errors. `off` switches these rules off
    (a site's schema extension may still add its own)."""

    private_fields = c.ListOfItems(c.Type(str), default=[])
    """Front-matter fields kept off every page, the search index, every report and export, given as
    dotted paths (`impact.revenue_usd`, `impact.data_loss_details`; a path through a list, such as
    `actions.ticket`, names the field in every item). They are still validated. A path that names
    no field of the schema is a config error with a "did you mean"; a field every post-mortem must
    have (`title`) cannot be private."""

    def _validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super()._validate()
        # MkDocs only warns "Unrecognised configuration name"; name the option that was probably meant.
        return failed, [(key, _did_you_mean(key, message, self._schema_keys)) for key, message in warnings]

    def settings(self) -> Settings:
        """The validated options as the core's record."""
        return Settings(
            dir=self.dir.strip("/"),
            schema=self.schema,
            on_invalid=self.on_invalid,
            as_of=self.as_of,
            metrics_since=self.metrics_since,
            id_pattern=self.id_pattern,
            severities=tuple(self.severities),
            id_format=self.id_format,
            nav_title=self.nav_title,
            link_mentions=self.link_mentions,
            body_html=self.body_html,
            drafts=self.drafts,
            lifecycle=self.lifecycle,
            private_fields=tuple(dict.fromkeys(self.private_fields)),
        )


def _did_you_mean(key: str, message: str, known: set[str]) -> str:
    if not message.startswith("Unrecognised configuration name"):
        return message
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f"{message} (did you mean '{close[0]}'?)" if close else message


def validate_options(
    options: dict[str, Any], config_file_path: str | None = None
) -> tuple[PostmortemConfig, list[str], list[str]]:
    """The plugin's options validated exactly as MkDocs validates them (`BasePlugin.load_config`).

    Returns the config, the errors and the warnings, each worded as MkDocs words them
    ("Plugin 'postmortem' option 'severities': ...").
    """
    config = PostmortemConfig(config_file_path=config_file_path)
    config.load_dict(options)
    failed, warnings = config.validate()
    errors = [f"Plugin 'postmortem' option '{key}': {error}" for key, error in failed]
    notes = [f"Plugin 'postmortem' option '{key}': {message}" for key, message in warnings]
    return config, errors, notes


def default_settings() -> Settings:
    """The settings of a site that sets no option: every default, from the declaration above."""
    config, errors, _ = validate_options({})
    assert not errors, errors
    return config.settings()
