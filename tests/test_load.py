"""Loading: every kind of bad input becomes a problem with a line, never a traceback."""

from __future__ import annotations

from pathlib import Path

from mkdocs_postmortem.load import MAX_ALIAS_VALUES, MAX_DEPTH, find_postmortems, load_file, load_text
from mkdocs_postmortem.model import Timestamp

from .conftest import postmortem


def only_problem(text: str):  # type: ignore[no-untyped-def]
    doc = load_text(text, "x.md")
    assert doc.meta is None
    assert len(doc.problems) == 1, doc.problems
    return doc.problems[0]


def test_front_matter_and_body_are_split_with_the_body_line():
    doc = load_text("---\nid: INC-1\ntitle: T\n---\n\n## Summary\n", "x.md")
    assert doc.meta == {"id": "INC-1", "title": "T"}
    assert doc.body == "\n## Summary\n"
    assert doc.body_line == 5
    assert doc.problems == []


def test_every_key_keeps_its_line():
    doc = load_text(postmortem(extra="actions:\n  - title: A\n    due: 2025-01-01\n"), "x.md")
    assert doc.lines[("id",)] == 2
    assert doc.lines[("actions",)] == 7
    assert doc.lines[("actions", 0)] == 8
    assert doc.lines[("actions", 0, "due")] == 9


def test_quoted_and_unquoted_dates_load_as_the_same_text():
    unquoted = load_text("---\ndate: 2025-12-02\nat: 2025-12-02T14:29:00Z\n---\n", "x.md").meta
    quoted = load_text("---\ndate: '2025-12-02'\nat: \"2025-12-02T14:29:00Z\"\n---\n", "x.md").meta
    assert unquoted == quoted == {"date": "2025-12-02", "at": "2025-12-02T14:29:00Z"}


def test_an_impossible_unquoted_date_loads_as_text_for_the_schema_to_reject():
    assert load_text("---\ndate: 2025-02-30\n---\n", "x.md").meta == {"date": "2025-02-30"}


def test_no_front_matter_is_a_problem_on_line_1():
    problem = only_problem("# Just a title\n")
    assert (problem.line, "no front matter" in problem.message) == (1, True)


def test_unclosed_front_matter_is_a_problem():
    assert "not closed" in only_problem("---\nid: INC-1\ntitle: T\n").message


def test_yaml_syntax_error_names_its_line():
    problem = only_problem("---\nid: INC-1\ntitle: [unclosed\nseverity: P1\n---\n")
    assert problem.message.startswith("YAML syntax error")
    assert problem.line == 4
    assert "started on line 3" in problem.message


def test_an_error_at_the_end_is_on_the_last_line_not_the_closing_dashes():
    problem = only_problem("---\nid: INC-1\ntitle: [unclosed\n---\nbody\n")
    assert problem.line == 3


def test_bad_indentation_names_its_line():
    problem = only_problem("---\nid: INC-1\n  title: x\n---\n")
    assert problem.line == 3


def test_front_matter_that_is_a_list_is_a_problem():
    assert "not a list" in only_problem("---\n- a\n- b\n---\n").message


def test_front_matter_that_is_a_scalar_is_a_problem():
    assert "not a single value" in only_problem("---\njust text\n---\n").message


def test_empty_front_matter_is_a_problem():
    assert "empty" in only_problem("---\n---\nbody\n").message


def test_duplicate_keys_name_both_lines():
    problem = only_problem("---\nid: INC-1\ntitle: A\nid: INC-2\n---\n")
    assert (problem.line, problem.field) == (4, "id")
    assert "line 2" in problem.message


def test_duplicate_keys_in_nested_mappings_are_caught():
    problem = only_problem("---\nimpact:\n  type: complete-outage\n  type: degraded-performance\n---\n")
    assert (problem.line, problem.field) == (4, "impact.type")


def test_python_object_tags_are_refused_not_constructed(tmp_path: Path):
    marker = tmp_path / "pwned"
    problem = only_problem(f"---\nid: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    assert problem.message == "YAML tag !!python/object/apply:os.system is not allowed: front matter holds plain values only"
    assert problem.line == 2
    assert not marker.exists()


def test_custom_tags_are_refused():
    assert "!include" in only_problem("---\nid: !include other.yml\n---\n").message


def test_alias_bombs_are_refused_at_the_value_they_repeat():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    problem = only_problem("---\n" + "\n".join(lines) + "\n---\n")
    assert (problem.line, problem.field) == (9, "h")  # h's nine repetitions in i cost the most
    assert "YAML aliases repeat the value anchored here" in problem.message
    assert f"at most {MAX_ALIAS_VALUES:,}" in problem.message


def test_an_alias_inside_its_own_anchor_is_refused():
    problem = only_problem("---\nid: INC-1\nloop: &l\n  again: *l\n---\n")
    assert (problem.line, problem.field) == (4, "loop.again")
    assert "refers to a value that contains it" in problem.message


def test_deep_nesting_is_refused_at_the_line_too_deep():
    text = "---\nid: INC-1\nx:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "---\n"
    problem = only_problem(text)
    assert (problem.line, problem.field) == (MAX_DEPTH + 3, "x")
    assert f"nests deeper than {MAX_DEPTH} levels" in problem.message


def test_a_large_document_without_aliases_is_not_limited():
    actions = "".join(f"  - {{title: Action {i}, owner: Team, due: 2025-12-01, status: in-progress}}\n" for i in range(3400))
    doc = load_text(f"---\nid: INC-1\nactions:\n{actions}---\n", "x.md")
    assert doc.problems == [] and doc.meta is not None and len(doc.meta["actions"]) == 3400
    assert doc.line_of(("actions", 3399, "title")) == 3403


def test_fifty_thousand_references_load():
    references = "".join(f"  - INC-2025-{i:05d}\n" for i in range(50_000))
    doc = load_text(f"---\nid: INC-1\nreferences:\n{references}---\n", "x.md")
    assert doc.problems == [] and doc.meta is not None and len(doc.meta["references"]) == 50_000


def test_aliases_adding_up_to_the_limit_are_allowed():
    items = ", ".join(["x"] * 99)
    uses = "\n".join(f"u{i}: *a" for i in range(MAX_ALIAS_VALUES // 100))  # each use adds 100 values
    doc = load_text(f"---\na: &a [{items}]\n{uses}\n---\n", "x.md")
    assert doc.problems == []
    refused = load_text(f"---\na: &a [{items}]\n{uses}\nlast: *a\n---\n", "x.md")
    assert [(p.line, p.field) for p in refused.problems] == [(2, "a")]


def test_small_aliases_are_allowed():
    doc = load_text("---\nparticipants: &p [A, B]\nreview:\n  attendees: *p\n---\n", "x.md")
    assert doc.meta == {"participants": ["A", "B"], "review": {"attendees": ["A", "B"]}}


def test_non_utf8_bytes_name_their_line(tmp_path: Path):
    path = tmp_path / "latin1.md"
    path.write_bytes("---\nid: INC-1\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    doc = load_file(path, "latin1.md")
    assert doc.meta is None
    assert doc.problems[0].line == 3
    assert "UTF-8" in doc.problems[0].message


def test_a_byte_order_mark_is_accepted():
    assert load_text("\ufeff---\nid: INC-1\n---\n", "x.md").meta == {"id": "INC-1"}


def test_windows_line_endings_are_accepted():
    doc = load_text("---\r\nid: INC-1\r\ntitle: T\r\n---\r\nbody\r\n", "x.md")
    assert doc.meta == {"id": "INC-1", "title": "T"}


def test_find_postmortems_skips_index_and_underscore_files(tmp_path: Path):
    for name in ("index.md", "_template.md", "b.md", "a.md", "sub/c.md", "_drafts/d.md", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_postmortems(tmp_path)] == ["a.md", "b.md", "sub/c.md"]


def test_a_plain_front_matter_finds_its_lines_only_when_they_are_read():
    doc = load_text(postmortem(extra="actions:\n  - title: A\n    due: 2025-01-01\n"), "x.md")
    assert doc.find_lines is not None  # the fast path: no line-tracking parse yet
    assert doc.lines[("actions", 0, "due")] == 9
    assert doc.find_lines is None  # found once, kept
    assert doc.line_of(("actions", 0, "title")) == 8


def test_checking_a_valid_document_never_runs_the_line_tracking_parse():
    from mkdocs_postmortem.check import check_documents
    from mkdocs_postmortem.config import default_settings
    from mkdocs_postmortem.schema import effective_schema, make_validator

    doc = load_text(postmortem(), "x.md")
    assert check_documents([doc], make_validator(effective_schema(default_settings()))) == []
    assert doc.find_lines is not None


def test_a_problem_found_after_the_fast_path_names_its_line():
    from mkdocs_postmortem.check import check_documents
    from mkdocs_postmortem.config import default_settings
    from mkdocs_postmortem.schema import effective_schema, make_validator

    action = "actions:\n  - title: A\n    owner: O\n    due: 2025-01-01\n    status: maybe\n"
    doc = load_text(postmortem(extra=action), "x.md")
    assert doc.find_lines is not None
    (problem,) = check_documents([doc], make_validator(effective_schema(default_settings())))
    assert (problem.line, problem.field) == (11, "actions[0].status")


def _strings(value: object, seen: set[int] | None = None) -> list[str]:
    """Every str an object holds, however deep (through containers, partials and dataclasses)."""
    import gc

    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, (type, type(gc))):
        return []
    seen.add(id(value))
    if isinstance(value, str):
        return [value]
    return [s for ref in gc.get_referents(value) for s in _strings(ref, seen)]


def test_a_file_loaded_document_keeps_no_copy_of_its_front_matter_and_reads_its_lines_again(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text(postmortem(extra="actions:\n  - title: A\n    due: 2025-01-01\n"))
    doc = load_file(path)
    assert doc.find_lines is not None and doc.meta is not None
    assert not [s for s in _strings(doc) if "title: A" in s]  # held: the body and the values, not the YAML text
    assert doc.lines[("actions", 0, "due")] == 9  # read from the file again

    again = load_file(path)  # the file changes before a problem asks for its lines
    path.write_text(postmortem(extra="tags: [x]\nactions:\n  - title: A\n    due: 2025-01-01\n"))
    assert again.line_of(("actions", 0, "due")) == 2  # the front matter's first line: the next load reads the new text
    gone = load_file(path)  # or is deleted
    path.unlink()
    assert gone.line_of(("actions", 0, "due")) == 2


def _nested(depth: int) -> str:
    """A front matter whose deepest value is `depth` levels below the top (the limit counts every node)."""
    return "---\nid: INC-1\nx: " + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "\n---\n"


def test_nesting_right_at_the_limit_loads_on_both_paths_and_one_more_level_is_refused_on_both():
    for fast in (True, False):
        assert load_text(_nested(MAX_DEPTH), "x.md", fast=fast).problems == []
        (problem,) = load_text(_nested(MAX_DEPTH + 1), "x.md", fast=fast).problems
        assert "nests deeper" in problem.message


def test_what_the_fast_path_cannot_vouch_for_goes_to_the_line_tracking_path():
    for front in ("a: 1\nb: 2\na: 3\n", "base: &b {x: 1}\nc: *b\n", "c:\n  <<: {x: 1}\n  y: 2\n", "a: [1, *nope]\n"):
        doc = load_text(f"---\nid: INC-1\n{front}---\n", "x.md")
        assert doc.find_lines is None, front  # lines were found eagerly by the line-tracking path


def test_documents_share_their_keys_and_short_values_but_not_long_text():
    # a site of thousands of post-mortems holds every front matter for the whole build: the keys and
    # the values they repeat (a status, an owner) are one string each, on both paths (bench/memory.py)
    long_text = "a summary longer than the interned length " * 2
    for fast in (True, False):
        one, two = (
            load_text(f"---\nstatus: open\nowner: Jane Doe\nsummary: {long_text}\n---\n", f"{n}.md", fast=fast).meta
            for n in ("one", "two")
        )
        assert one == two
        (status_one, owner_one, summary_one), (status_two, owner_two, summary_two) = one.values(), two.values()
        assert next(iter(one)) is next(iter(two))
        assert status_one is status_two and owner_one is owner_two
        assert summary_one == summary_two and summary_one is not summary_two


def test_documents_share_each_day_they_write_but_not_each_moment():
    for fast in (True, False):
        one, two = (
            load_text("---\ndue: 2025-12-02\nat: 2025-12-02T14:29:00Z\n---\n", f"{n}.md", fast=fast).meta for n in ("one", "two")
        )
        assert one == two == {"due": "2025-12-02", "at": "2025-12-02T14:29:00Z"}
        assert isinstance(one["due"], Timestamp) and one["due"] is two["due"]
        assert isinstance(one["at"], Timestamp) and one["at"] is not two["at"]
