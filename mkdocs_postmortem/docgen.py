"""Reference documentation generated from the code, so it cannot drift from it.

- the document format from the bundled schema: every field with its type, whether it is required,
  its allowed values, its description and example (`schema/postmortem.schema.json`), the status
  rules (`$defs/lifecycle`), the rules across files (`check.CROSS_FILE_RULES`) and the derived
  figures (`catalog.DURATIONS`);
- the plugin's options from their one declaration (`config.PostmortemConfig`, docstrings included);
- the command line from the click commands' own help (`cli.main`).

The documentation site asks for each with a marker line, `<!-- reference: NAME -->`, replaced at
build time by docs/hooks.py (an MkDocs hook): the pages hold the prose, the code holds the facts.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import click
import yaml
from mkdocs.config import config_options as c

from . import check, config, schema
from .catalog import DURATIONS
from .model import DUE_SOON_DAYS

MARKER = re.compile(r"^<!-- reference: ([a-z-]+) -->$", re.MULTILINE)

_FORMATS = {
    "date": "date (`YYYY-MM-DD`)",
    "date-time": "date-time (ISO 8601 with an offset, `Z` for UTC)",
    "identifier": "identifier",
}


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{text}`"


def _cell(text: str) -> str:
    """Text fit for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


# --- the document format --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    path: str  # "impact.type", "actions[].owner"
    node: Mapping[str, Any]
    required: str  # "yes", "" or the condition ("while open")


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def type_words(node: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    """A field's type in words: "date (YYYY-MM-DD)", "list of identifier", "integer or `all`"."""
    node = _resolve(node, root)
    if "anyOf" in node:
        return " or ".join(type_words(branch, root) for branch in node["anyOf"])
    if "const" in node:
        return _code(node["const"])
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        return f"list of {type_words(items, root)}" if items else "list"
    if kind == "object":
        return "mapping"
    if kind == "string" and node.get("format") in _FORMATS:
        return _FORMATS[node["format"]]
    if kind == "string" and node.get("format") == "identifier":
        return "identifier"
    return str(kind or "any")


def allowed_words(node: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    """What values a field admits beyond its type: an enum, a range, a pattern, identifier characters."""
    node = _resolve(node, root)
    if node.get("type") == "array" and node.get("items"):
        return allowed_words(node["items"], root)
    if "anyOf" in node:
        return "; ".join(filter(None, (allowed_words(branch, root) for branch in node["anyOf"])))
    parts = []
    if "enum" in node:
        parts.append(", ".join(_code(v) for v in node["enum"]))
    if "pattern" in node:
        parts.append(f"matches {_code(node['pattern'])}")
    if "minimum" in node and "maximum" in node:
        parts.append(f"{node['minimum']} to {node['maximum']}")
    elif "minimum" in node:
        parts.append(f"at least {node['minimum']}")
    if node.get("format") == "identifier":
        parts.append("letters, digits, spaces and `- _ . + /`")
    if node.get("minLength") and node.get("type") == "string" and node.get("format") != "identifier":
        parts.append("not empty")
    return "; ".join(parts)


def _condition(node: Mapping[str, Any]) -> tuple[set[str], str]:
    """The fields an object's own `if`/`then` requires, and the condition in words ("if open")."""
    then, when = node.get("then"), node.get("if")
    if not isinstance(then, dict) or not isinstance(when, dict):
        return set(), ""
    words = [str(p.get("description", "")).split(":")[0].rstrip(".").lower() for p in when.get("properties", {}).values()]
    return set(then.get("required", [])), "if " + " and ".join(w for w in words if w)


def fields(root: Mapping[str, Any]) -> Iterator[Field]:
    """Every field of the schema, depth first, in the schema's order."""

    def walk(node: Mapping[str, Any], prefix: str) -> Iterator[Field]:
        node = _resolve(node, root)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            items = _resolve(node["items"], root)
            if "properties" in items:
                yield from walk(items, prefix + "[]")
            for branch in items.get("anyOf", []):
                if "properties" in branch:
                    yield from walk(branch, prefix + "[]")
            return
        required = set(node.get("required", []))
        conditional, when = _condition(node)
        for name, child in node.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            need = "yes" if name in required else when if name in conditional else ""
            yield Field(path, child, need)
            yield from walk(child, path)

    yield from walk(root, "")


def lifecycle_rules(root: Mapping[str, Any]) -> list[tuple[str, list[str], str]]:
    """(first status, fields it requires, description) of each status rule in `$defs/lifecycle`."""
    rules = []
    for rule in root["$defs"]["lifecycle"]["allOf"]:
        statuses = rule["if"]["properties"]["status"]["enum"]
        then = rule["then"]
        required = list(then.get("required", []))
        for name, sub in then.get("properties", {}).items():
            for inner in sub.get("required", []):
                required = [f"{name}.{inner}" if r == name else r for r in required]
        rules.append((statuses[0], required, then.get("description", "")))
    return rules


def format_fields() -> str:
    root = schema.bundled_schema()
    lines = ["| Field | Type and values | Required | Description |", "|-------|-----------------|----------|-------------|"]
    lifecycle = {field: status for status, required, _ in lifecycle_rules(root) for field in required}
    for field in fields(root):
        node = _resolve(field.node, root)
        required = field.required
        if not required and field.path in lifecycle:
            required = f"from `{lifecycle[field.path]}` on"
        kind = type_words(node, root)
        allowed = allowed_words(node, root)
        description = str(node.get("description", ""))
        examples = node.get("examples") or []
        if examples:
            first = examples[0]
            plain = isinstance(first, str) and first != ""  # "" and structures are shown as JSON
            example = first if plain else json.dumps(first, ensure_ascii=False, separators=(", ", ": "))
            description += f" Example: `{example}`"
        lines.append(
            f"| `{field.path}` | {_cell(kind + (': ' + allowed if allowed else ''))} | {_cell(required)} | {_cell(description)} |"
        )
    return "\n".join(lines) + "\n"


def format_example() -> str:
    """A whole front matter, assembled from the first example of every top-level field."""
    root = schema.bundled_schema()
    values = {name: node["examples"][0] for name, node in root["properties"].items() if node.get("examples")}
    required = set(root.get("required", []))
    text = yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
    out = []
    for line in text.splitlines():
        key = line.split(":", 1)[0]
        out.append(f"{line}  # required" if not line.startswith(" ") and key in required else line)
    return "```yaml\n---\n" + "\n".join(out) + "\n---\n```\n"


def format_lifecycle() -> str:
    root = schema.bundled_schema()
    statuses = root["properties"]["status"]["enum"]
    lines = [
        f"Statuses, in order: {', '.join(_code(s) for s in statuses)}.",
        "",
        "| From status | Also required | Rule |",
        "|-------------|---------------|------|",
        f"| `{statuses[0]}` | {', '.join(_code(r) for r in root['required'])} | Every post-mortem. |",
    ]
    for status, required, description in lifecycle_rules(root):
        lines.append(f"| `{status}` on | {', '.join(_code(r) for r in required)} | {_cell(description)} |")
    return "\n".join(lines) + "\n"


def format_cross_file() -> str:
    order = " <= ".join(schema.TIMING_ORDER)
    rules = [rule.format(timing_order=order) for rule in check.CROSS_FILE_RULES]
    return "\n".join(f"- {rule}" for rule in rules) + "\n"


def format_derived() -> str:
    lines = ["| Figure | Computed as | In minutes |", "|--------|-------------|------------|"]
    for name, (start, end) in DURATIONS.items():
        lines.append(f"| {name.capitalize()} | `timing.{end}` − `timing.{start}` | rounded to the nearest minute |")
    lines += [
        "",
        "A figure is shown only when the post-mortem states both moments. The duration the index pages list is "
        "the time to resolve; without `timing.detected` and `timing.resolved`, `impact.duration_minutes` as stated.",
        "",
        f'An action is **overdue** when its `due` date is before the report\'s "as of" date and its status is neither '
        f"{' nor '.join(_code(s) for s in schema.CLOSED_STATUSES)}; **due soon** when it is due within {DUE_SOON_DAYS} days "
        "of that date (the day itself included); **later** after that.",
    ]
    return "\n".join(lines) + "\n"


# --- the plugin's options ------------------------------------------------------------------------


def option_docs() -> dict[str, str]:
    """Each option's docstring (the string literal after its declaration in config.PostmortemConfig)."""
    tree = ast.parse(inspect.getsource(config.PostmortemConfig))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.targets[0].id] = inspect.cleandoc(following.value.value)
    return docs


def option_type(option: Any) -> str:
    if isinstance(option, c.Optional):
        return option_type(option.option)
    if isinstance(option, c.Choice):
        return "one of " + ", ".join(_code(choice) for choice in option.choices)
    if isinstance(option, c.File):
        return "path of a file, relative to mkdocs.yml"
    if isinstance(option, c.ListOfItems):
        return f"list of {option_type(option.option_type)}s"
    if isinstance(option, c.Type):
        kind = option._type
        names = {str: "string", bool: "boolean (`true` or `false`)", int: "integer"}
        return names.get(kind, getattr(kind, "__name__", str(kind))) if isinstance(kind, type) else str(kind)
    doc = inspect.getdoc(type(option)) or type(option).__name__  # an option type of config.py: its docstring says it
    return doc.split("\n\n")[0].strip().rstrip(".")


def _default(option: Any) -> str:
    value = option.default
    if value is None or (isinstance(option, c.Optional) and option.option.default is None and value is None):
        return "none"
    return _code(yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("...").strip())


def options_reference() -> str:
    docs = option_docs()
    parts = []
    for name, option in config.PostmortemConfig._schema:
        parts.append(f"### `{name}`\n\n*{option_type(option)}*, default {_default(option)}\n\n{docs.get(name, '').strip()}\n")
    return "\n".join(parts)


# --- the command line ----------------------------------------------------------------------------


def _param_type(param: click.Parameter) -> str:
    if isinstance(param, click.Option) and param.is_flag:
        return "flag"
    kind = param.type
    if isinstance(kind, click.Choice):
        return "one of " + ", ".join(_code(choice) for choice in kind.choices)
    if isinstance(kind, click.DateTime):
        return "date (`YYYY-MM-DD`)"
    if isinstance(kind, click.Path):
        return "folder" if not kind.file_okay else "file" if not kind.dir_okay else "path"
    return {"text": "text", "integer": "integer"}.get(kind.name, kind.name)


def _help(text: str) -> str:
    """A click help text as Markdown paragraphs (click's `\\b` marks a block kept as written)."""
    return "\n\n".join(" ".join(block.replace("\b", "").split()) for block in inspect.cleandoc(text).split("\n\n"))


def cli_reference() -> str:
    from .cli import main

    parts = []
    context = click.Context(main, info_name="postmortem")
    parts.append(f"`postmortem [--version] [-h/--help] COMMAND`: {_help(main.help or '')}\n")
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=context)
        usage = " ".join(command.collect_usage_pieces(sub))
        parts.append(f"### `postmortem {name}`\n\n```console\n$ postmortem {name} {usage}\n```\n\n{_help(command.help or '')}\n")
        rows = []
        for param in command.params:  # the arguments are in the usage line
            if not isinstance(param, click.Option) or param.hidden:
                continue
            names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
            # only a real value: click 8.3 marks "no default" with a sentinel object
            value = param.default
            default = _code(str(value)) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
            rows.append((names, _param_type(param), default, param.help or ""))
        if rows:
            parts.append("| Option | Takes | Default | What it does |\n|--------|-------|---------|--------------|")
            parts.append("\n".join(f"| {a} | {_cell(b)} | {c_} | {_cell(d)} |" for a, b, c_, d in rows) + "\n")
    return "\n".join(parts)


#: Every reference the documentation can ask for, by the name its marker gives.
REFERENCES: dict[str, Callable[[], str]] = {
    "format-example": format_example,
    "format-fields": format_fields,
    "format-lifecycle": format_lifecycle,
    "format-cross-file": format_cross_file,
    "format-derived": format_derived,
    "options": options_reference,
    "cli": cli_reference,
}


def expand(markdown: str, where: str = "") -> str:
    """`markdown` with each `<!-- reference: NAME -->` line replaced by that reference; an unknown name is an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in REFERENCES:
            raise ValueError(f"{where}: unknown reference {name!r}; known: {', '.join(REFERENCES)}")
        return REFERENCES[name]().rstrip("\n")

    return MARKER.sub(replace, markdown)
