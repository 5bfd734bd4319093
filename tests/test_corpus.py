"""A corpus of broken and hostile post-mortems, all in one site: every bad file is reported with its
file, line and field by `postmortem validate` and by `mkdocs build` alike, never a traceback, and the
valid ones still pass.

The files live in tests/corpus/; those a repository cannot hold sensibly (bytes that are not UTF-8,
a byte order mark and CRLF line ends editors would "fix", megabyte strings, 10,000 actions, symbolic
links) are written by `corpus_site`.  The expected line and field of every problem is written by hand.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mkdocs_postmortem.check import check_documents
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.load import load_text
from mkdocs_postmortem.model import Problem

from .conftest import postmortem
from .test_build import build

CORPUS = Path(__file__).parent / "corpus"
FOLDER = "docs/postmortems"
MEGABYTE = 1_000_000

# file -> every (line, field) it must be reported at, and nothing else
EXPECTED: dict[str, set[tuple[int, str]]] = {
    "empty.md": {(1, "")},
    "no-front-matter.md": {(1, "")},
    "unclosed.md": {(1, "")},
    "yaml-error.md": {(4, "")},  # the flow list opened on line 3 is found unclosed on line 4
    "list-front-matter.md": {(2, "")},
    "scalar-front-matter.md": {(2, "")},
    "tabs.md": {(3, "")},
    "duplicate-keys.md": {(7, "severity")},
    "python-object.md": {(3, "")},
    "alias-bomb.md": {(10, "lolh")},  # lolh, repeated nine times by loli, costs the most
    "deep-nesting.md": {(7, "impact")},
    "wrong-types.md": {
        (line, field)
        for line, field in enumerate(
            [
                "id",
                "title",
                "date",
                "severity",
                "status",
                "summary",
                "commander",
                "participants",
                "services",
                "tags",
                "detection",
                "timing",
                "impact",
                "root_cause",
                "references",
                "actions",
                "review",
                "follow_up",
            ],
            start=2,
        )
    },
    "impossible-dates.md": {(4, "date"), (8, "timing.started"), (12, "actions[0].due"), (14, "follow_up")},
    "naive-datetimes.md": {(8, "timing.started")},
    "timing-out-of-order.md": {(9, "timing.detected")},
    "duplicate-id-a.md": {(2, "id")},
    "duplicate-id-b.md": {(2, "id")},
    "self-reference.md": {(9, "references[1]")},
    "dangling-reference.md": {(8, "references[0].id")},
    "hostile-identifiers.md": {
        (2, "id"),
        (4, "date"),
        (5, "severity"),
        (6, "status"),
        (7, "services[0]"),
        (8, "tags[0]"),
        (10, "impact.other_services[0]"),
        (12, "timing.started"),
        (13, "references[0]"),
        (15, "actions[0].owner"),  # "done<script>" is not done: the action is open
        (15, "actions[0].due"),
        (16, "actions[0].status"),
        (17, "actions[0].ticket"),
    },
    # written by corpus_site
    "latin-1.md": {(3, "")},
    "megabyte-severity.md": {(5, "severity")},
    "dangling-link.md": {(1, "")},
    "self-link.md": {(1, "")},
    "loop": {(1, "")},
}
VALID = [
    "valid.md",
    "hostile-prose.md",
    "cycle-a.md",
    "cycle-b.md",
    # written by corpus_site
    "byte-order-mark.md",
    "crlf.md",
    "megabyte-summary.md",
    "ten-thousand-actions.md",
]


def ten_thousand_actions() -> str:
    statuses = ["done", "cancelled", "done", "in-progress"]
    actions = "".join(
        f"  - title: Action {i}\n    owner: Team {i % 7}\n    due: 2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n"
        f"    status: {statuses[i % 4] if i < 9990 else 'in-progress'}\n    ticket: PROJ-{i}\n"
        for i in range(10_000)
    )
    return postmortem("INC-2025-0123", title="Ten thousand actions", extra="actions:\n" + actions)


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    folder = root / FOLDER
    folder.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text("site_name: Corpus\nplugins:\n  - search\n  - postmortem:\n      as_of: '2026-01-01'\n")
    for source in CORPUS.glob("*.md"):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "byte-order-mark.md").write_bytes(b"\xef\xbb\xbf" + postmortem("INC-2025-0120").encode())
    (folder / "crlf.md").write_bytes(postmortem("INC-2025-0121").replace("\n", "\r\n").encode())
    (folder / "latin-1.md").write_bytes(b"---\nid: INC-2025-0122\ntitle: Caf\xe9\n---\n")
    (folder / "megabyte-severity.md").write_text(postmortem("INC-2025-0124", severity="P" * MEGABYTE))
    summary = "summary: " + "A long and winding sentence. " * (MEGABYTE // 29)
    (folder / "megabyte-summary.md").write_text(postmortem("INC-2025-0125", extra=summary))
    (folder / "ten-thousand-actions.md").write_text(ten_thousand_actions())
    (folder / "dangling-link.md").symlink_to("missing.md")
    (folder / "self-link.md").symlink_to("self-link.md")
    (folder / "loop").symlink_to(".")
    return root


def test_the_table_names_every_file_of_the_corpus():
    committed = {p.name for p in CORPUS.glob("*.md")}
    assert committed <= set(EXPECTED) | set(VALID)
    assert not set(EXPECTED) & set(VALID)


@pytest.fixture(scope="module")
def validated(corpus_site: Path) -> tuple[dict[str, set[tuple[int, str]]], list[str], tuple[int, int]]:
    """`postmortem validate` over the whole corpus: file -> (line, field)s, the problems as text, (checked, invalid files)."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(corpus_site)
        result = runner.invoke(main, ["validate", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1
    report = json.loads(result.output)
    found: dict[str, set[tuple[int, str]]] = {}
    for problem in report["problems"]:
        assert problem["path"].startswith(FOLDER + "/")
        found.setdefault(problem["path"].removeprefix(FOLDER + "/"), set()).add((problem["line"], problem["field"]))
        assert len(problem["message"]) < 400, problem["message"][:400]  # a megabyte value is quoted short
    lines = [str(Problem(**problem)) for problem in report["problems"]]  # as the text format prints them
    return found, lines, (report["checked"], report["invalid_files"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_each_bad_file_at_its_line_and_field(validated, name: str):
    found, _, _ = validated
    assert found.get(name) == EXPECTED[name]


@pytest.mark.parametrize("name", VALID)
def test_validate_passes_each_valid_file_in_the_same_run(validated, name: str):
    found, _, _ = validated
    assert name not in found


def test_validate_checks_every_file_in_one_run(validated):
    _, _, (checked, invalid) = validated
    assert checked == len(EXPECTED) - 1 + len(VALID)  # the looping link is not a post-mortem
    assert invalid == len(EXPECTED)


def build_problems(output: str, prefix: str = "") -> list[str]:
    return [line.removeprefix(prefix) for line in output.splitlines() if line.startswith(prefix + FOLDER + "/")]


@pytest.mark.slow
def test_the_build_reports_exactly_what_validate_reports(corpus_site: Path, validated):
    _, lines, _ = validated
    result = build(corpus_site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    report = result.stderr.split("Aborted with a BuildError!")[-1]
    assert build_problems(report) == lines


@pytest.mark.slow
def test_with_on_invalid_warn_the_build_publishes_the_valid_ones(corpus_site: Path, validated, tmp_path: Path):
    _, lines, _ = validated
    config = corpus_site / "mkdocs.yml"
    original = config.read_text()
    config.write_text(original.replace("as_of:", "on_invalid: warn\n      as_of:"))
    try:
        result = build(corpus_site, "--site-dir", str(tmp_path / "site"))
    finally:
        config.write_text(original)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert set(lines) <= set(build_problems(result.stderr, "WARNING -  mkdocs_postmortem: "))
    published = [n for n in VALID if "\nstatus: draft" not in (corpus_site / FOLDER / n).read_text(encoding="utf-8-sig")]
    assert published  # drafts stay out of the published site by default
    for name in published:
        assert (tmp_path / "site" / "postmortems" / Path(name).stem / "index.html").is_file(), name


def test_ten_thousand_actions_validate_about_as_fast_as_yaml_reads_them(validator):
    """No wall-clock bound: the whole of load and check is held to a multiple of PyYAML reading the same text."""
    text = ten_thousand_actions()
    front = text.split("---\n")[1]
    start = time.perf_counter()
    yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    doc = load_text(text, "ten-thousand-actions.md")
    problems = check_documents([doc], validator)
    elapsed = time.perf_counter() - start
    assert problems == [] and doc.meta is not None and len(doc.meta["actions"]) == 10_000
    assert elapsed < 4 * baseline + 0.5, (elapsed, baseline)
