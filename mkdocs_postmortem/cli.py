"""The `postmortem` command: the same pipeline as the plugin, for terminals, editors and CI."""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

import click
from jsonschema import Draft202012Validator

from . import __version__, pipeline
from .catalog import ACTION_STATES, resolve_as_of
from .load import MARKDOWN_EXTENSIONS, find_postmortems, is_markdown, is_postmortem_name, load_file, scan_folder
from .metrics import compute
from .model import DUE_SOON_DAYS, Document, Problem
from .outputs import ACTION_FORMATS, PROBLEM_FORMATS, STATS_FORMATS
from .placeholders import read_template
from .scaffold import ScaffoldError, file_name, init_site, new_postmortem, next_id, template_path, template_text
from .schema import SchemaConfigError, effective_schema, make_validator
from .site import CONFIG_NAMES, Site, SiteError, find_site


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _site(config_file: Path | None, paths: Sequence[Path] = ()) -> Site:
    """The site of the paths given (found from the first one upward), else of the current folder."""
    try:
        site = find_site(paths[0] if paths else Path.cwd(), config_file, fallback=Path.cwd())
    except SiteError as exc:
        raise click.UsageError(str(exc)) from exc
    for warning in site.warnings:
        click.echo(f"warning: {warning}", err=True)
    return site


def _relative(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` (posix, "." for the folder itself), or None when it is not inside it.

    Links inside the folder are not resolved (a linked post-mortem is known by its name in the folder).
    """
    for candidate, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(folder))), (path.resolve(), folder.resolve())):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return None


def _targets(paths: Sequence[Path], site: Site) -> tuple[list[Path], list[Problem]]:
    """The post-mortems to check, and the problems of the folder itself (links that loop).

    The same files as the build: `scan_folder` and `is_postmortem_name` decide for both.
    """
    folder = site.postmortem_dir
    if not folder.is_dir():
        if site.config_file is not None:
            raise click.UsageError(
                f"{site.config_file.name}: no post-mortem folder at {_display(folder)}; create it "
                "(`postmortem new` writes the first post-mortem there) or set the plugin's 'dir' option"
            )
        first = paths[0] if paths else None
        start = "this folder" if first is None else _display(first if first.is_dir() else first.parent)
        names = " or ".join(sorted(name for name in CONFIG_NAMES if name.endswith(".yml")))
        raise click.UsageError(
            f"no post-mortem folder at {_display(folder)}, and no site: no {names} in {start} or a folder "
            "above it; run this in the site, or name its config with -f"
        )
    scan = scan_folder(folder, _display)
    scan.files[:] = [f for f in scan.files if not site.is_excluded(f)]  # exclude_docs: the build never sees them
    if not paths:
        if not scan.files:
            click.echo(f"warning: the post-mortem folder {_display(folder)} holds no post-mortem", err=True)
        return scan.files, scan.problems
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        relative = _relative(path, folder)
        if relative is None and path.is_dir() and _relative(folder, path) is not None:
            relative = "."  # a folder holding the post-mortem folder (`postmortem validate docs`)
        if relative is None:
            raise click.UsageError(
                f"{_display(path)} is not in the post-mortem folder {_display(folder)}; "
                "only post-mortems are checked (set the plugin's 'dir' option if they live elsewhere)"
            )
        if path.is_dir():
            within = "" if relative == "." else relative + "/"
            found.extend(f for f in scan.files if f.relative_to(folder).as_posix().startswith(within))
            problems.extend(p for p, loop in zip(scan.problems, scan.loops, strict=True) if loop.startswith(within))
        elif not is_markdown(path.name):
            raise click.UsageError(
                f"{_display(path)} is not a post-mortem: post-mortems are Markdown files ({', '.join(MARKDOWN_EXTENSIONS)})"
            )
        elif is_postmortem_name(relative) and not site.is_excluded(path):
            found.append(path)
        # else index.md, _template.md: not post-mortems, skipped quietly (pre-commit passes them all)
    return list(dict.fromkeys(found)), problems


def load_site(paths: Sequence[Path], site: Site) -> tuple[list[pipeline.Entry], list[Document], list[Problem]]:
    """The post-mortems asked for (each with its src_uri), the rest of the site's post-mortems as
    context for references, and the problems of the folder itself."""
    targets, problems = _targets(paths, site)
    folder = site.postmortem_dir
    base = os.path.abspath(folder)
    shown_folder = _display(folder)
    within = str(folder) + os.sep

    def where(path: Path) -> tuple[str, str]:
        """(the path as shown, its src_uri); for a file the folder listed, by string: no relpath per file."""
        text = str(path)
        if text.startswith(within) and not shown_folder.startswith(".."):
            relative = text[len(within) :]
            shown = relative if shown_folder == "." else os.path.join(shown_folder, relative)
            return shown, posixpath.join(site.settings.dir, relative.replace(os.sep, "/"))
        return _display(path), posixpath.join(site.settings.dir, Path(os.path.relpath(os.path.abspath(path), base)).as_posix())

    entries = [(load_file(p, shown), uri) for p in targets for shown, uri in [where(p)]]
    context: list[Document] = []
    if paths:
        asked = {os.path.abspath(p) for p in targets}
        context = [load_file(p, _display(p)) for p in find_postmortems(folder) if os.path.abspath(p) not in asked]
    return entries, context, problems


def _build(
    site: Site,
    entries: Sequence[pipeline.Entry],
    validator: Draft202012Validator,
    *,
    context: Sequence[Document] = (),
    problems: Sequence[Problem] = (),
    as_of: dt.date | None = None,
) -> pipeline.Build:
    """The pipeline of the build; a date it cannot settle (a bad SOURCE_DATE_EPOCH) is a usage error."""
    try:
        template = read_template(template_path(site.postmortem_dir))
        return pipeline.build(
            entries, site.settings, validator, context=context, problems=problems, as_of=as_of, template=template
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def _validator(site: Site) -> Draft202012Validator:
    try:
        return make_validator(effective_schema(site.settings, site.root))
    except SchemaConfigError as exc:
        raise click.UsageError(str(exc)) from exc


_config_option = click.option(
    "--config-file",
    "-f",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The site's config file (default: mkdocs.yml or properdocs.yml, found from here upward).",
)

_as_of_option = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Report date, from which overdue is counted (default: the plugin's as_of, else SOURCE_DATE_EPOCH, else today).",
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
    type=click.Choice(sorted(PROBLEM_FORMATS)),
    default="text",
    show_default=True,
    help="text for people, github for annotations on a pull request, json for tools.",
)
@_config_option
def validate(paths: tuple[Path, ...], fmt: str, config_file: Path | None) -> None:
    """Check post-mortems against the schema and each other.

    With no PATH, checks every post-mortem of the site: the plugin's `dir`
    under docs_dir, read from mkdocs.yml (or properdocs.yml) found from the
    current folder upward, or from the first PATH's folder upward; without
    one, docs/postmortems. Exits 0 when all are valid, 1 when any is not,
    2 on a usage error (a bad option in mkdocs.yml among them).
    """
    site = _site(config_file, paths)
    validator = _validator(site)
    try:
        resolve_as_of(site.settings.as_of)  # a date the build would refuse (a bad SOURCE_DATE_EPOCH) fails here too
        template = read_template(template_path(site.postmortem_dir))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    entries, context, problems = load_site(paths, site)
    docs = [doc for doc, _ in entries]
    # the checking half of the build: nothing is collected or rendered (and Jinja is never imported)
    found = pipeline.check(docs, site.settings, validator, context=context, problems=problems, template=template)
    click.echo(PROBLEM_FORMATS[fmt](found, len(docs)))
    raise SystemExit(1 if found else 0)


@main.command(short_help="Print the effective JSON schema.")
@_config_option
def schema(config_file: Path | None) -> None:
    """Print the effective JSON schema (bundled, with the site's extensions).

    Exits 2 when the site's schema extension or options are not usable.
    """
    site = _site(config_file)
    try:
        effective = effective_schema(site.settings, site.root)
    except SchemaConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(json.dumps(effective, indent=2, ensure_ascii=False))


def _as_of(option: dt.date | None) -> dt.date:
    """The report date (the option, else SOURCE_DATE_EPOCH, else today); a bad SOURCE_DATE_EPOCH is a usage error."""
    try:
        return resolve_as_of(option)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.argument("title")
@click.option("--severity", "-s", help="Severity level (default: the third configured level).")
@click.option("--date", "-d", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), help="Day the incident began (default: today).")
@click.option("--service", "services", multiple=True, help="An affected service; repeat for several.")
@click.option("--id", "ident", help="Use this id instead of the next free one.")
@_config_option
def new(
    title: str,
    severity: str | None,
    date_: dt.datetime | None,
    services: tuple[str, ...],
    ident: str | None,
    config_file: Path | None,
) -> None:
    """Start a new post-mortem with the next free id; prints its path.

    Never overwrites a file. Exits 2 on a usage error (an id already taken, a severity the site
    does not list, a file that exists).
    """
    site = _site(config_file)
    settings = site.settings
    levels = settings.severities
    severity = severity or levels[min(2, len(levels) - 1)]
    if severity not in levels:
        raise click.BadParameter(f"{severity!r} is not one of {', '.join(levels)}", param_hint="--severity")
    day = date_.date() if date_ else _as_of(None)
    folder = site.postmortem_dir
    existing = [
        d.meta["id"] for d in (load_file(p) for p in find_postmortems(folder)) if d.meta and isinstance(d.meta.get("id"), str)
    ]
    try:
        ident = ident or next_id(settings.id_format, existing, day.year)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from exc
    if ident in existing:
        raise click.UsageError(f"id {ident} is already used")
    template = template_path(folder)
    try:
        text = new_postmortem(template_text(template), ident, title, day, severity, list(services))
    except (OSError, UnicodeDecodeError, ScaffoldError) as exc:
        raise click.UsageError(f"{_display(template)}: {exc}") from exc
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(ident, title)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError as exc:
        raise click.UsageError(f"{_display(path)} already exists; nothing was written") from exc
    result = _build(site, [(load_file(path, _display(path)), path.name)], _validator(site))
    if result.problems:  # a bad --severity or id_pattern: say so rather than leave an invalid file unnoticed
        click.echo(PROBLEM_FORMATS["text"](result.problems, 1), err=True)
    click.echo(_display(path))


@main.command(short_help=f"Open actions: overdue and due within {DUE_SOON_DAYS} days, or all with --open.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--overdue", is_flag=True, help="Only overdue actions.")
@click.option("--open", "all_open", is_flag=True, help="Every open action: overdue, due soon and later (the site's page).")
@click.option("--owner", help="Only this owner's actions (case-insensitive).")
@_as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(ACTION_FORMATS)),
    default="table",
    show_default=True,
    help="table for people, csv for spreadsheets, json for tools.",
)
@click.option("--fail-on-overdue", is_flag=True, help="Exit 1 when any action is overdue (for a scheduled CI job).")
@_config_option
def actions(
    paths: tuple[Path, ...],
    overdue: bool,
    all_open: bool,
    owner: str | None,
    as_of: dt.datetime | None,
    fmt: str,
    fail_on_overdue: bool,
    config_file: Path | None,
) -> None:
    """Open actions, most pressing first: overdue (most overdue first), then due soon, then (with --open) later.

    The same rows as the site's open-actions page. Without --overdue or --open:
    overdue actions and those due soon.
    """
    if overdue and all_open:
        raise click.UsageError("--overdue and --open exclude each other: --open lists the overdue actions too")
    site = _site(config_file, paths)
    entries, context, _ = load_site(paths, site)
    result = _build(site, entries, _validator(site), context=context, as_of=as_of.date() if as_of else None)
    if result.left_out:
        click.echo(f"warning: {len(result.left_out)} invalid post-mortem(s) left out; run 'postmortem validate'", err=True)
    report = result.catalog.action_report(result.as_of, owner=owner)
    states = ACTION_STATES[:1] if overdue else ACTION_STATES if all_open else ACTION_STATES[:2]
    rows = report.rows(states)
    click.echo(ACTION_FORMATS[fmt](rows, report), nl=fmt != "csv")
    raise SystemExit(1 if fail_on_overdue and report.overdue else 0)


@main.command(short_help="The metrics page's figures: incidents, times to resolve, actions, top services.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count incidents dated this day or later (default: the plugin's metrics_since, else all).",
)
@_as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(STATS_FORMATS)),
    default="table",
    show_default=True,
    help="table for people, json for tools (every figure of the page, the series included).",
)
@_config_option
def stats(since: dt.datetime | None, as_of: dt.datetime | None, fmt: str, config_file: Path | None) -> None:
    """The figures of the site's metrics page, computed by the same functions: incidents by severity
    and year, median and 90th percentile time to resolve per severity, open, overdue and closed
    actions, the share closed by their due date, the services with the most incidents.
    (--format json: every figure of the page, the series included.)
    """
    site = _site(config_file)
    entries, context, _ = load_site((), site)
    result = _build(site, entries, _validator(site), context=context, as_of=as_of.date() if as_of else None)
    if result.left_out:
        click.echo(f"warning: {len(result.left_out)} invalid post-mortem(s) left out; run 'postmortem validate'", err=True)
    metrics = compute(result.catalog, result.as_of, since.date() if since else site.settings.metrics_since)
    click.echo(STATS_FORMATS[fmt](metrics))


@main.command(short_help="Write the whole site as a plain docs folder, for Zensical (no plugin needed).")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_as_of_option
@click.option(
    "--write-config",
    "engine_config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the config that builds OUT_DIR (MkDocs' format, which Zensical reads): the site's settings "
    "without plugins, with the stylesheet, script, Markdown extensions and a nav wired in. Never overwrites a file.",
)
@_config_option
def render(out_dir: Path, as_of: dt.datetime | None, engine_config: Path | None, config_file: Path | None) -> None:
    """Write the site as a plain docs folder to OUT_DIR, for engines that cannot run MkDocs plugins (Zensical).

    OUT_DIR gets the site's own files, the post-mortems decorated as the plugin decorates them
    (summary card, actions, related incidents, incident ids linked, "ID: title" as the title), the
    generated pages, the stylesheet and script, the exports and each incident's address page.
    With --write-config, the config that builds it: `zensical build -f FILE`. The engine runs no
    check: run `postmortem validate` in CI. Bodies keep their raw HTML: the plugin's body_html
    sanitizer works on HTML, this writes Markdown. Refuses a non-empty OUT_DIR; exits 1 on invalid post-mortems.
    """
    from . import assets, standalone  # the renderer, Jinja and Markdown: only the commands that render import them

    site = _site(config_file)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise click.UsageError(f"{_display(out_dir)} is not empty; choose a new folder (nothing was written)")
    if engine_config is not None and engine_config.exists():
        raise click.UsageError(f"{_display(engine_config)} exists; choose a new name (nothing was written)")
    folder = site.settings.dir
    loaded = pipeline.load_folder(site.postmortem_dir, folder, _display)
    result = _build(site, loaded.entries, _validator(site), problems=loaded.problems, as_of=as_of.date() if as_of else None)
    if result.problems:
        click.echo(PROBLEM_FORMATS["text"](result.problems, result.checked), err=True)
        raise SystemExit(1)
    schema = effective_schema(site.settings, site.root)
    bodies = {uri: doc.body for doc, uri in loaded.entries}
    warnings: list[str] = []
    files = standalone.docs_folder(site, result.catalog, result.as_of, bodies, schema, warnings)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    standalone.write(out_dir, files)
    click.echo(f"{len(files)} files written to {_display(out_dir)}")
    if engine_config is not None:
        engine_config.parent.mkdir(parents=True, exist_ok=True)
        engine_config.write_text(standalone.engine_config(site, out_dir, engine_config, files), encoding="utf-8")
        click.echo(f"config written to {_display(engine_config)}: build with `zensical build -f {_display(engine_config)}`")
    else:
        sheets = " and ".join(assets.stylesheets() + assets.scripts())
        click.echo(f"add {sheets} to the engine's config, or pass --write-config FILE for a config that builds it")
    if site.settings.body_html == "sanitized":  # the plugin sanitizes HTML; this writes Markdown (docs/cli.md, render)
        click.echo(
            "note: post-mortem bodies keep their raw HTML here; body_html: sanitized applies to the plugin's build only,"
            f" so the engine that builds {_display(out_dir)} must sanitize it, or every body must be reviewed",
            err=True,
        )


@main.command(short_help="Start a lessons-learned site from the starter template.")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a new lessons-learned site in DIRECTORY (default: here) from the starter template.

    Refuses (exit 2) a folder that is not empty; copies nothing then.
    """
    try:
        copied = init_site(directory)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"Created a lessons-learned site in {_display(directory)} ({len(copied)} files). Next:")
    click.echo(f"  cd {_display(directory)}" if directory != Path(".") else "", nl=directory != Path("."))
    click.echo('  postmortem new "What happened" --severity P1')
    click.echo("  mkdocs serve")


@main.command("import", short_help="Convert classic-template post-mortems to this format.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the converted post-mortems to (default: the site's post-mortem folder).",
)
@click.option(
    "--assign-ids", is_flag=True, help="Give a document that states no incident id the next free id of its year (id_format)."
)
@_config_option
def import_(files: tuple[Path, ...], out_dir: Path | None, assign_ids: bool, config_file: Path | None) -> None:
    """Convert post-mortems written in the classic Markdown template into this format.

    The narrative is kept as the body; notes say what was assumed or left in
    the body, and "to fill in" names the fields the author must still fill.
    Never overwrites a file. Exits 1 when any file still needs fields filled in.
    """
    from .importer import Vocabulary, import_classic

    site = _site(config_file)
    try:
        schema = effective_schema(site.settings, site.root)
    except SchemaConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    validator = make_validator(schema)
    vocabulary = Vocabulary.from_schema(schema)  # the site's severities, id pattern and fields
    target = out_dir or site.postmortem_dir
    target.mkdir(parents=True, exist_ok=True)
    taken = [
        d.meta["id"] for d in (load_file(p) for p in find_postmortems(target)) if d.meta and isinstance(d.meta.get("id"), str)
    ]
    incomplete = 0
    for source in files:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"{_display(source)}: cannot read it ({exc}); skipped", err=True)
            incomplete += 1
            continue
        result = import_classic(text, str(source), vocabulary=vocabulary)
        if assign_ids and "id" in result.missing and isinstance(result.meta.get("date"), str):
            year = int(result.meta["date"][:4])
            hint = next_id(site.settings.id_format, taken, year)
            result = import_classic(text, str(source), id_hint=hint, vocabulary=vocabulary)
        ident = result.meta.get("id")
        if isinstance(ident, str):
            taken.append(ident)
        name = file_name(ident, str(result.meta.get("title") or "")) if isinstance(ident, str) else source.name
        path = target / name
        try:
            with path.open("x", encoding="utf-8") as out:
                out.write(result.text)
        except FileExistsError:
            click.echo(f"{_display(source)}: {_display(path)} already exists; skipped", err=True)
            incomplete += 1
            continue
        problems = _build(site, [(load_file(path, _display(path)), path.name)], validator).problems
        click.echo(f"{_display(source)} -> {_display(path)}")
        for note in result.unmapped:
            click.echo(f"  note: {note}")
        fields = sorted(set(result.missing) | {p.field for p in problems if p.field})
        if fields:
            incomplete += 1
            click.echo(f"  to fill in: {', '.join(fields)}")
    raise SystemExit(1 if incomplete else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
