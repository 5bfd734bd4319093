"""One set of options: the command line reads mkdocs.yml as the build does, and both judge it alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import main
from mkdocs_postmortem.config import PostmortemConfig, default_settings
from mkdocs_postmortem.settings import Settings

from .conftest import REPO, postmortem


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", **(env or {})},
    )


def run_build(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(cwd / "_site")],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", **(env or {})},
    )


def plugin(options: str) -> str:
    return "site_name: T\nplugins:\n  - postmortem:\n" + "".join(f"      {line}\n" for line in options.splitlines())


# (mkdocs.yml, environment, does it pass, text that both the build and `postmortem validate` print)
AGREEMENT = {
    "severities as a string": (plugin("severities: P0"), {}, False, "Plugin 'postmortem' option 'severities': Expected a list"),
    "severities empty": (plugin("severities: []"), {}, False, "option 'severities': list at least one severity level"),
    "severities repeated": (plugin("severities: [P1, P2, P1]"), {}, False, "option 'severities': P1 listed more than once"),
    "on_invalid not a choice": (
        plugin("on_invalid: maybe"),
        {},
        False,
        "Plugin 'postmortem' option 'on_invalid': Expected one of: ('error', 'warn') but received: 'maybe'",
    ),
    "as_of a number": (
        plugin("as_of: 20260101"),
        {},
        False,
        "Plugin 'postmortem' option 'as_of': 20260101 is not a date (expected YYYY-MM-DD",
    ),
    "as_of quoted, no such day": (
        plugin('as_of: "2026-02-30"'),
        {},
        False,
        "Plugin 'postmortem' option 'as_of': '2026-02-30' is not a date (expected YYYY-MM-DD",
    ),
    # PyYAML itself cannot read this one: MkDocs stops with its own traceback, the CLI with the line.
    "as_of unquoted, no such day": (plugin("as_of: 2026-02-30"), {}, False, "day is out of range for month"),
    "as_of a date and time": (plugin("as_of: 2026-01-02T10:00:00Z"), {}, False, "not a date and time"),
    "a missing schema file": (plugin("schema: nope.json"), {}, False, "nope.json' isn't an existing file."),
    "a broken id_pattern": (plugin('id_pattern: "([A-Z"'), {}, False, "is not a valid regular expression"),
    "an unknown option is a warning": (
        plugin("sevrities: [SEV1]"),
        {},
        True,
        "Plugin 'postmortem' option 'sevrities': Unrecognised configuration name: sevrities (did you mean 'severities'?)",
    ),
    "an option from !ENV": (plugin("on_invalid: !ENV [PM_MODE, error]"), {"PM_MODE": "maybe"}, False, "received: 'maybe'"),
    "a date from !ENV": (plugin("as_of: !ENV [PM_AS_OF, 2026-01-01]"), {"PM_AS_OF": "2026-03-01"}, True, ""),
    "docs_dir and dir": (
        "site_name: T\ndocs_dir: src\nplugins:\n  - postmortem:\n      dir: incidents\n",
        {},
        False,
        "src/incidents/a.md:5: severity: 'P7' is not one of P0, P1, P2, P3, P4",
    ),
    "as_of on the last day there is": (plugin('as_of: "9999-12-31"'), {}, True, ""),
    "SOURCE_DATE_EPOCH past the year 9999": (
        plugin("on_invalid: error"),
        {"SOURCE_DATE_EPOCH": "999999999999999"},
        False,
        "SOURCE_DATE_EPOCH: '999999999999999' is not a day between the years 1 and 9999",
    ),
    "a bad SOURCE_DATE_EPOCH": (
        plugin("on_invalid: error"),
        {"SOURCE_DATE_EPOCH": "soon"},
        False,
        "SOURCE_DATE_EPOCH: 'soon' is not a Unix timestamp",
    ),
}


def judge_alike(root: Path, config: str, env: dict[str, str], passes: bool, text: str, files: dict[str, str]) -> None:
    """Run `postmortem validate` and `mkdocs build` on one site: both pass or both fail, printing `text`."""
    (root / "mkdocs.yml").write_text(config)
    for docs in ("docs/postmortems", "src/incidents"):
        (root / docs).mkdir(parents=True)
        (root / docs / "a.md").write_text(postmortem(severity="P7" if docs == "src/incidents" else "P1"))
        (root / docs.split("/")[0] / "index.md").write_text("# Home\n")
    for name, content in files.items():
        (root / name).write_text(content)
    cli = run_cli(root, "validate", env=env)
    built = run_build(root, env=env)
    assert (cli.returncode == 0, built.returncode == 0) == (passes, passes), (cli.stdout + cli.stderr, built.stderr)
    assert text in cli.stdout + cli.stderr
    assert text in built.stderr
    assert "Traceback" not in cli.stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", AGREEMENT, ids=list(AGREEMENT))
def test_the_cli_and_the_build_judge_a_config_alike(case: str, tmp_path: Path) -> None:
    judge_alike(tmp_path, *AGREEMENT[case], files={})


RULE = "an extension may add fields, make optional fields required and add conditions (JSON Schema if/then, allOf)"
APPROVED = postmortem(status="approved", extra="review:\n  attendees: [Ann]")
IF_APPROVED = '{"properties": {"status": {"const": "approved"}}, "required": ["status"]}'
FROM_APPROVED_ON = (
    '{"if": ' + IF_APPROVED + ', "then": {"required": ["review"], '
    '"properties": {"review": {"required": ["date"], "description": "From approved on, the review needs its date."}}}}'
)
TEAMS = '{"$defs": {"team": {"type": "string", "enum": ["core", "edge"]}}}'

# (extension file, a post-mortem, does it pass, text that both print, more files)
EXTENSIONS: dict[str, tuple[str, str, bool, str, dict[str, str]]] = {
    "a core field retyped": ('{"properties": {"date": {"type": "string"}}}', postmortem(), False, RULE, {}),
    "a core enum widened": (
        '{"properties": {"status": {"type": "string"}}}',
        postmortem(),
        False,
        "extra.json: properties.status redefines the core field 'status'",
        {},
    ),
    "an unresolvable $ref": (
        '{"properties": {"team": {"$ref": "#/$defs/nope"}}}',
        postmortem(),
        False,
        "schema extension extra.json: $ref '#/$defs/nope' cannot be resolved (nothing at /$defs/nope)",
        {},
    ),
    "an http $ref": (
        '{"properties": {"team": {"$ref": "http://127.0.0.1:9/team.json"}}}',
        postmortem(),
        False,
        "a schema is never fetched over the network",
        {},
    ),
    "a condition from approved on": (
        FROM_APPROVED_ON,
        APPROVED,
        False,
        "docs/postmortems/a.md:7: review.date: required field is missing; from approved on, the review needs its date.",
        {},
    ),
    "a field defined in another site file": (
        '{"properties": {"team": {"$ref": "teams.json#/$defs/team"}}, "required": ["team"]}',
        postmortem(team="edge"),
        True,
        "",
        {"teams.json": TEAMS},
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", EXTENSIONS, ids=list(EXTENSIONS))
def test_the_cli_and_the_build_judge_a_schema_extension_alike(case: str, tmp_path: Path) -> None:
    extension, document, passes, text, more = EXTENSIONS[case]
    files = {"extra.json": extension, "docs/postmortems/a.md": document, **more}
    judge_alike(tmp_path, plugin("schema: extra.json"), {}, passes, text, files)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def invoke(cwd: Path, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_validate_finds_the_site_from_a_subfolder(site, cli):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").write_text(plugin("severities: [SEV1]"))
    result = cli(site.root / "docs" / "postmortems", "validate")
    assert result.exit_code == 0, result.output
    assert "1 post-mortem checked, all valid" in result.output


def test_validate_finds_the_site_of_a_single_file_given_from_elsewhere(site, cli, tmp_path_factory):
    site("a.md", postmortem())
    b = site("b.md", postmortem(id="INC-2025-0002", extra="references: [INC-2025-0001]"))
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = cli(elsewhere, "validate", str(b))
    assert result.exit_code == 0, result.output
    assert "no post-mortem has id" not in result.output


@pytest.mark.parametrize("name", ["properdocs.yml", "properdocs.yaml", "mkdocs.yaml"])
def test_every_config_file_name_of_mkdocs_and_properdocs_is_found(site, cli, name):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").unlink()
    (site.root / name).write_text(plugin("severities: [SEV1]"))
    result = cli(site.root, "validate")
    assert result.exit_code == 0, result.output


def test_the_config_file_option_still_overrides_the_search(site, cli):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "other.yml").write_text(plugin("severities: [SEV1]"))
    assert cli(site.root, "validate").exit_code == 1
    assert cli(site.root, "validate", "-f", "other.yml").exit_code == 0


def test_the_search_stops_at_the_root_of_the_git_repository(tmp_path, cli):
    (tmp_path / "mkdocs.yml").write_text(plugin("severities: P0"))  # would be a usage error if read
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs" / "postmortems").mkdir(parents=True)
    (repo / "docs" / "postmortems" / "a.md").write_text(postmortem())
    result = cli(repo / "docs", "validate")
    assert result.exit_code == 0, result.output


def test_an_unquoted_impossible_as_of_names_the_line_without_a_traceback(site, cli):
    (site.root / "mkdocs.yml").write_text(plugin("as_of: 2026-02-30"))
    result = cli(site.root, "validate")
    assert result.exit_code == 2
    assert "'2026-02-30' is not a date (day is out of range for month)" in result.output
    assert "line 4" in result.output


def test_an_inherit_loop_is_a_usage_error_not_a_recursion(site, cli):
    (site.root / "mkdocs.yml").write_text("INHERIT: base.yml\n")
    (site.root / "base.yml").write_text("INHERIT: mkdocs.yml\n")
    result = cli(site.root, "validate")
    assert result.exit_code == 2
    assert "INHERIT loops back to mkdocs.yml" in result.output


def test_the_theme_other_plugins_and_python_tags_are_never_loaded(site, cli):
    # As in a pre-commit hook's own environment: none of these is installed, and nothing is imported.
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\ntheme: no-such-theme\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
        "      base_path: !relative $config_dir\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:no_such_module.twemoji\n"
        "  - toc:\n      slugify: !!python/object/apply:no_such_module.slugify {kwds: {case: lower}}\n"
        "plugins:\n  - no-such-plugin\n  - postmortem:\n      severities: [SEV1]\n"
    )
    result = cli(site.root, "validate")
    assert result.exit_code == 0, result.output


def test_a_disabled_plugin_still_describes_the_site(site, cli):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").write_text(plugin("enabled: false\nseverities: [SEV1]"))
    assert cli(site.root, "validate").exit_code == 0


def test_every_command_reads_the_same_site(site, cli, tmp_path_factory):
    (site.root / "mkdocs.yml").write_text(plugin("severities: P0"))
    out = tmp_path_factory.mktemp("out") / "rendered"
    for args in (["validate"], ["actions"], ["new", "x"], ["render", str(out)], ["schema"], ["import", "mkdocs.yml"]):
        result = cli(site.root, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "option 'severities': Expected a list" in result.output, args


def test_the_defaults_are_declared_once_in_the_config_class():
    declared = {key: option.default for key, option in PostmortemConfig._schema}
    defaults = default_settings()
    assert defaults.severities == tuple(declared["severities"])
    assert defaults.id_format == declared["id_format"]
    assert defaults.nav_title == declared["nav_title"]
    assert set(Settings.__dataclass_fields__) == set(declared)
    with pytest.raises(TypeError):
        Settings()  # type: ignore[call-arg]  # no defaults restated outside config.py


def test_the_core_does_not_import_mkdocs():
    core = ["load", "check", "schema", "catalog", "render", "model", "settings", "pipeline"]
    code = "".join(f"import mkdocs_postmortem.{m}\n" for m in core)
    code += "import sys\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'mkdocs'))"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_actions_on_the_first_and_last_day_there_is(site, cli, as_of):
    actions = f"actions:\n  - {{title: Ends, owner: Ann, due: {as_of}, status: not-started}}"
    site("a.md", postmortem(extra=actions))
    (site.root / "mkdocs.yml").write_text(plugin(f'as_of: "{as_of}"'))
    result = cli(site.root, "actions", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert f"due-soon,Ann,,{as_of},,not-started,Ends," in result.output.replace("\r", "")


def test_serve_watches_the_extension_and_the_site_files_it_refers_to(site):
    from mkdocs.config import load_config

    (site.root / "teams.json").write_text('{"$defs": {"team": {"enum": ["core", "edge"]}}}')
    (site.root / "extra.json").write_text('{"properties": {"team": {"$ref": "teams.json#/$defs/team"}}}')
    (site.root / "mkdocs.yml").write_text(plugin("schema: extra.json"))
    config = load_config(str(site.root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    watched: list[str] = []

    class Server:
        def watch(self, path: str) -> None:
            watched.append(path)

    config.plugins["postmortem"].on_serve(Server(), config=config, builder=None)
    assert sorted(Path(p).name for p in watched) == ["extra.json", "teams.json"]
