"""New post-mortems and new sites: the next free id, a valid skeleton, the starter site."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml

from .model import slug
from .schema import REPOSITORY, SCHEMA_NAME, SCHEMA_URL

#: The editor modeline (YAML language server) naming the schema a front matter follows.
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S*)[ \t]*$", re.MULTILINE)
#: The bundled schema's URL at any release (or branch): a modeline naming it follows the installed release.
_BUNDLED_URL = re.compile(rf"https://raw\.githubusercontent\.com/{re.escape(REPOSITORY)}/[^/\s]+/schema/{re.escape(SCHEMA_NAME)}")


class ScaffoldError(Exception):
    pass


def id_regex(id_format: str) -> re.Pattern[str]:
    """A regex matching ids made by `id_format` ("INC-{year}-{number:04d}"), with year and number groups."""
    pattern = ""
    for literal, name, _spec, _conv in string.Formatter().parse(id_format):
        pattern += re.escape(literal)
        if name == "year":
            pattern += r"(?P<year>\d{4})"
        elif name == "number":
            pattern += r"(?P<number>\d+)"
        elif name is not None:
            raise ScaffoldError(f"id_format {id_format!r}: unknown field {{{name}}}; use {{year}} and {{number}}")
    if "(?P<number>" not in pattern:
        raise ScaffoldError(f"id_format {id_format!r} needs a {{number}} field")
    return re.compile(f"^{pattern}$")


def next_id(id_format: str, existing: Iterable[str], year: int) -> str:
    """The first id after the highest one already used in `year` (gaps are not reused)."""
    regex = id_regex(id_format)
    highest = 0
    for ident in existing:
        match = regex.match(ident)
        if match and int(match.groupdict().get("year") or year) == year:
            highest = max(highest, int(match.group("number")))
    return id_format.format(year=year, number=highest + 1)


def file_name(ident: str, title: str) -> str:
    """`inc-2026-0001-db-failover-failed.md`: the id, then the title's first 50 characters as a slug."""
    words = slug(title, empty="")[:50].strip("-")
    return f"{ident.lower()}{'-' + words if words else ''}.md"


def _yaml_value(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def template_path(postmortem_dir: Path) -> Path:
    """The site's own `_template.md` if it has one, else the starter site's."""
    own = postmortem_dir / "_template.md"
    return own if own.is_file() else _starter_template()


def _starter_template() -> Path:
    return site_template_dir() / "docs" / "postmortems" / "_template.md"


def template_text(path: Path) -> str:
    """The text of a template `template_path` found: the starter one with this release's modeline."""
    return with_modeline(path.read_text(encoding="utf-8"), add=path == _starter_template())


def with_modeline(text: str, *, add: bool) -> str:
    """`text` (front matter first) naming this release's schema for editors.

    An existing modeline naming the bundled schema (of any release) is brought to this
    release's URL; one naming another schema (a site's own) is kept. Without one, one is
    added as the front matter's first line when `add` (the starter template); a site's own
    template without one stays so (with a schema extension the bundled schema would be wrong).
    """
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---", 3)
    front = text[4 : end + 1] if end != -1 else text[4:]
    rest = text[4 + len(front) :]
    found = MODELINE.search(front)
    if found is None:
        if not add:
            return text
        front = f"# yaml-language-server: $schema={SCHEMA_URL}\n" + front
    elif _BUNDLED_URL.fullmatch(found.group(1)):
        front = front[: found.start(1)] + SCHEMA_URL + front[found.end(1) :]
    return "---\n" + front + rest


def new_postmortem(template: str, ident: str, title: str, date: dt.date, severity: str, services: list[str]) -> str:
    """The template with the new incident's fields set; its comments and body are kept as written.

    Each field replaces the template's top-level line for it (a commented-out
    `# services:` line too), with the value's indented continuation lines;
    a field the template lacks is added after the opening `---`.
    """
    from frontmatter.default_handlers import YAMLHandler  # only `postmortem new` needs it: validate never imports it

    handler = YAMLHandler()
    if not handler.detect(template):
        raise ScaffoldError("the template has no front matter")
    try:
        front, content = handler.split(template)
    except ValueError:  # one '---' only
        raise ScaffoldError("the template's front matter is not closed") from None
    lines = ["---", *front.strip("\n").split("\n")]  # edited line by line: the template's comments stay
    rest = "---\n" + content
    fields = {"id": ident, "title": title, "date": date.isoformat(), "severity": severity, "status": "draft"}
    if services:
        fields["services"] = services  # type: ignore[assignment]
    for key, value in fields.items():
        line = f"{key}: {value if key == 'date' else _yaml_value(value)}"
        pattern = re.compile(rf"^(# ?)?{key}:" if key == "services" else rf"^{key}:")
        index = next((i for i, text in enumerate(lines) if pattern.match(text)), None)
        if index is None:
            lines.insert(1, line)
            continue
        comment = re.search(r"\s+#\s.*$", lines[index]) if not lines[index].startswith("#") else None
        following = index + 1
        while following < len(lines) and re.match(r"^\s+\S", lines[following]) and not lines[index].startswith("#"):
            following += 1  # the old value's continuation lines ("  - a", "  multi-line")
        lines[index:following] = [line + (comment.group(0) if comment else "")]
    return with_modeline("\n".join(lines) + "\n" + rest, add=False)


def site_template_dir() -> Path:
    """The starter site: inside the wheel, or the repository's site-template/ in a checkout."""
    packaged = resources.files("mkdocs_postmortem") / "site_template"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "site-template"


def init_site(target: Path) -> list[Path]:
    """Copy the starter site into `target`, which must not hold a site already."""
    source = site_template_dir()
    if not (source / "mkdocs.yml").is_file():
        raise ScaffoldError(f"the starter site is missing from the installation ({source})")
    if target.exists() and any(target.iterdir()):
        clash = [n for n in ("mkdocs.yml", "mkdocs.yaml", "docs") if (target / n).exists()]
        what = f"it already has {', '.join(clash)}" if clash else "it is not empty"
        raise ScaffoldError(f"{target}: {what}; choose a new folder (nothing was copied)")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site", "__pycache__", ".cache"))
    template = target / "docs" / "postmortems" / "_template.md"
    template.write_text(with_modeline(template.read_text(encoding="utf-8"), add=True), encoding="utf-8")  # this release's schema
    return sorted(p for p in target.rglob("*") if p.is_file())
