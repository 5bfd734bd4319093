"""Which files are post-mortems: `postmortem validate` and `mkdocs build` check and publish the same ones."""

from __future__ import annotations

import os
import re
from pathlib import Path

import mkdocs.utils
import pytest
import yaml
from click.testing import CliRunner

from mkdocs_postmortem.cli import main
from mkdocs_postmortem.load import MARKDOWN_EXTENSIONS, is_postmortem_name, scan_folder

from .conftest import REPO, postmortem
from .test_build import build


def validate(root: Path, *args: str):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


def problem_lines(output: str) -> list[str]:
    return [line.removeprefix("WARNING -  mkdocs_postmortem: ") for line in output.splitlines() if "docs/postmortems/" in line]


def test_the_markdown_extensions_are_mkdocs_own():
    assert sorted(MARKDOWN_EXTENSIONS) == sorted(mkdocs.utils.markdown_extensions)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("inc-1.md", True),
        ("inc-1.markdown", True),
        ("2025/inc-1.mkd", True),
        ("INC-1.MD", True),
        ("index.md", False),
        ("index.markdown", False),
        ("2025/index.md", True),
        ("_template.md", False),
        ("_drafts/inc-1.md", False),
        (".hidden/inc-1.md", False),
        ("notes.txt", False),
        ("inc-1.yml", False),
    ],
)
def test_which_names_are_post_mortems(relative: str, expected: bool):
    assert is_postmortem_name(relative) is expected


def test_a_link_to_a_folder_containing_it_is_one_problem_and_not_followed(tmp_path: Path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    scan = scan_folder(tmp_path, lambda p: p.relative_to(tmp_path).as_posix())
    assert [p.relative_to(tmp_path).as_posix() for p in scan.files] == ["a.md"]
    assert scan.loops == ["loop", "sub/up"]
    assert [(p.path, p.line, p.field) for p in scan.problems] == [("loop", 1, ""), ("sub/up", 1, "")]
    assert "symbolic link" in scan.problems[0].message and "not followed" in scan.problems[0].message


def test_links_that_loop_through_another_folder_are_found(tmp_path: Path):
    folder, elsewhere = tmp_path / "postmortems", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (elsewhere / "b.md").write_text("x")
    (elsewhere / "back").symlink_to(folder)
    (folder / "there").symlink_to(elsewhere)
    scan = scan_folder(folder)
    assert [p.relative_to(folder).as_posix() for p in scan.files] == ["there/b.md"]
    assert scan.loops == ["there/back"]


def test_linked_folders_and_dangling_links_are_listed_like_mkdocs_lists_them(tmp_path: Path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("x")
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "linked").symlink_to(tmp_path / "real")
    (folder / "dangling.md").symlink_to("missing.md")
    assert [p.relative_to(folder).as_posix() for p in scan_folder(folder).files] == ["dangling.md", "linked/a.md"]


@pytest.fixture
def hostile_folder(site):  # type: ignore[no-untyped-def]
    """A folder with every kind of file the two tools once disagreed on."""
    site("a.md", postmortem())
    site("b.markdown", postmortem(id="INC-2025-0002", severity="P9"))
    folder = site.root / "docs" / "postmortems"
    (folder / "loop").symlink_to(".")
    (folder / "dangling.md").symlink_to("missing.md")
    (folder / "self.md").symlink_to("self.md")
    return site


EXPECTED = [
    "docs/postmortems/b.markdown:5: severity: 'P9' is not one of P0, P1, P2, P3, P4",
    "docs/postmortems/dangling.md:1: cannot read file: No such file or directory",
    "docs/postmortems/loop:1: symbolic link to docs/postmortems, a folder that contains it: "
    "it would list every post-mortem again at each depth; remove the link (it is not followed)",
    "docs/postmortems/self.md:1: cannot read file: Too many levels of symbolic links",
]


def test_validate_reports_links_and_every_markdown_extension(hostile_folder):
    result = validate(hostile_folder.root)
    assert result.exit_code == 1
    assert problem_lines(result.output) == EXPECTED
    assert result.output.splitlines()[-1] == "4 problems in 4 of 4 post-mortems"


@pytest.mark.slow
def test_the_build_reports_the_same_problems_without_a_traceback(hostile_folder):
    result = build(hostile_folder.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    report = result.stderr.split("Aborted with a BuildError!")[-1]
    assert problem_lines(report) == EXPECTED


@pytest.mark.slow
def test_with_on_invalid_warn_the_build_publishes_what_it_can_read(hostile_folder):
    root = hostile_folder.root
    (root / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - postmortem:\n      on_invalid: warn\n      as_of: '2026-01-01'\n"
    )
    (root / "docs" / "postmortems" / "latin1.md").write_bytes(b"---\nid: INC-2025-0003\ntitle: Caf\xe9\n---\n")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "docs/postmortems/latin1.md:3: not valid UTF-8" in result.stderr
    assert set(EXPECTED[1:]) <= set(problem_lines(result.stderr))
    site_dir = root / "site" / "postmortems"
    assert (site_dir / "a" / "index.html").is_file()
    assert not (site_dir / "loop").exists() and not (site_dir / "dangling").exists()


def test_a_file_that_is_not_markdown_is_a_usage_error(site):
    site("a.md", postmortem())
    (site.root / "docs" / "postmortems" / "notes.yml").write_text("id: x\n")
    result = validate(site.root, "docs/postmortems/notes.yml")
    assert result.exit_code == 2
    assert "docs/postmortems/notes.yml is not a post-mortem: post-mortems are Markdown files (.markdown" in result.output


def test_a_file_outside_the_folder_is_a_usage_error(site):
    site("a.md", postmortem())
    (site.root / "docs" / "other.md").write_text(postmortem())
    result = validate(site.root, "docs/other.md")
    assert result.exit_code == 2
    assert "docs/other.md is not in the post-mortem folder docs/postmortems" in result.output


def test_excluded_names_in_the_folder_are_skipped_quietly(site):
    index = site("index.md", "# Our incidents\n")
    template = site("_template.md", "---\nid: INC-YYYY-NNNN\n---\n")
    result = validate(site.root, str(index), str(template))
    assert (result.exit_code, result.output) == (0, "0 post-mortems checked, all valid\n")


def test_a_markdown_file_given_by_path_is_checked(site):
    path = site("b.markdown", postmortem(severity="P9"))
    result = validate(site.root, str(path))
    assert result.exit_code == 1
    assert "b.markdown:5: severity" in result.output


def test_a_folder_holding_the_post_mortem_folder_checks_all_of_it(site):
    site("a.md", postmortem(severity="P9"))
    result = validate(site.root, "docs")
    assert result.exit_code == 1
    assert "docs/postmortems/a.md:5: severity" in result.output


def test_a_sub_folder_checks_only_its_post_mortems(site):
    site("a.md", postmortem(severity="P9"))
    site("2024/b.md", postmortem(id="INC-2024-0001"))
    result = validate(site.root, "docs/postmortems/2024")
    assert (result.exit_code, result.output) == (0, "1 post-mortem checked, all valid\n")


def test_an_empty_folder_is_a_warning_naming_it(site):
    site("_template.md", "---\nid: INC-YYYY-NNNN\n---\n")
    result = validate(site.root)
    assert result.exit_code == 0
    assert "warning: the post-mortem folder docs/postmortems holds no post-mortem" in result.output


@pytest.mark.slow
@pytest.mark.parametrize(("make_folder", "state"), [(True, "holds no post-mortem"), (False, "does not exist")])
def test_the_build_warns_about_a_folder_without_post_mortems(tmp_path: Path, make_folder: bool, state: str):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    if make_folder:
        (tmp_path / "docs" / "incidents").mkdir()
        (tmp_path / "docs" / "incidents" / "_template.md").write_text("x\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      dir: incidents\n")
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"WARNING -  mkdocs_postmortem: the post-mortem folder docs/incidents (option 'dir') {state}" in result.stderr


def test_the_pre_commit_hook_passes_every_markdown_ending():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    for ending in MARKDOWN_EXTENSIONS:
        assert re.search(hook["files"], f"docs/postmortems/inc-1{ending}")


def test_a_post_mortem_left_out_by_exclude_docs_is_left_out_by_validate_too(site):
    """MkDocs' `exclude_docs` keeps a file out of the build; validate must not fail on what the build never sees."""
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\nexclude_docs: |\n  postmortems/old/\nplugins:\n  - postmortem:\n      as_of: 2026-01-01\n"
    )
    site("a.md", postmortem())
    site("old/broken.md", postmortem(id="INC-2025-0002", severity="P9"))
    built = build(site.root, "--strict")
    assert built.returncode == 0, built.stderr
    whole = validate(site.root)
    assert whole.exit_code == 0, whole.output
    assert "1 post-mortem checked, all valid" in whole.output
    given = validate(site.root, "docs/postmortems/old/broken.md")
    assert given.exit_code == 0 and "broken.md" not in given.output, given.output


def test_a_generated_page_is_written_only_when_its_bytes_change(tmp_path: Path):
    from mkdocs.config import load_config

    from mkdocs_postmortem.generated import GeneratedFiles

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins._current_plugin = "postmortem"  # as during the plugin's on_files
    generated = GeneratedFiles()
    generated.new_build()
    path = Path(generated.page(config, "postmortems/timeline.md", "# Timeline\n").abs_src_path or "")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an old date, so a rewrite would show
    generated.new_build()
    assert generated.page(config, "postmortems/timeline.md", "# Timeline\n").abs_src_path == str(path)
    assert path.stat().st_mtime_ns == 1_000_000_000  # same bytes: not written, MkDocs --dirty skips it
    generated.page(config, "postmortems/timeline.md", "# Timeline\n\nNew.\n")
    assert path.stat().st_mtime_ns > 1_000_000_000 and path.read_text() == "# Timeline\n\nNew.\n"
    generated.remove()
