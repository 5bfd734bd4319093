"""Incident ids in a page's text become links: one rule (mkdocs_postmortem/mentions.py) for the plugin and `render`."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from mkdocs_postmortem.mentions import RENDER_EXTENSIONS, MentionIndex, MentionsExtension, link_in_markdown

from .conftest import postmortem

#: Three post-mortems in one folder; the page being rendered is INC-1's.
INDEX = MentionIndex.of({"INC-1": "pm/inc-1.md", "INC-2": "pm/inc-2.md", "INC-12": "pm/sub/inc-12.md"})


def html_of(text: str, page: str = "pm/inc-1.md", own: str | None = "INC-1") -> str:
    extension = MentionsExtension()
    extension.finder = INDEX.finder(page, own)
    return markdown.Markdown(extensions=[*RENDER_EXTENSIONS, extension]).convert(text)


def link(ident: str, href: str) -> str:
    return f'<a class="pm-mention" href="{href}">{ident}</a>'


def test_a_known_id_in_text_links_to_its_post_mortem_relative_to_the_page():
    assert html_of("See INC-2 and INC-12.") == f"<p>See {link('INC-2', 'inc-2.md')} and {link('INC-12', 'sub/inc-12.md')}.</p>"
    assert html_of("See INC-2.", page="other/page.md", own=None) == f"<p>See {link('INC-2', '../pm/inc-2.md')}.</p>"


def test_the_pages_own_id_and_unknown_ids_stay_text():
    assert html_of("INC-1 is this one; INC-9 is not ours.") == "<p>INC-1 is this one; INC-9 is not ours.</p>"


@pytest.mark.parametrize("text", ["INC-2x", "xINC-2", "INC-2-b", "a-INC-2", "INC-21", "INC_2", "inc-2"])
def test_only_a_whole_word_is_a_mention(text: str):
    assert "<a" not in html_of(text)


def test_punctuation_around_a_mention_is_kept():
    two = link("INC-2", "inc-2.md")
    assert html_of("(INC-2), INC-2. *INC-2*") == f"<p>({two}), {two}. <em>{two}</em></p>"


@pytest.mark.parametrize(
    "text",
    [
        "`INC-2`",
        "```\nINC-2\n```",
        "    INC-2 in an indented code block",
        "[see INC-2](https://x.example/)",
        "<https://x.example/INC-2>",
        "![INC-2](INC-2.png)",
        "[x](https://x.example/INC-2 'INC-2')",
        "<kbd>INC-2</kbd>",
        "<code>INC-2</code>",
        '<a href="https://x.example/">a INC-2</a>',
        "<samp>INC-2</samp> and <script>INC-2</script>",
        '<div markdown="0">INC-2</div>',
    ],
)
def test_no_mention_is_linked_in_code_links_attributes_or_raw_html_that_skips(text: str):
    assert 'class="pm-mention"' not in html_of(text)


def test_a_mention_inside_an_attribute_value_holding_a_greater_than_sign_is_left_alone():
    """The old regex over HTML put an <a> inside this attribute."""
    out = html_of('<abbr title="a > INC-2 <b>">x</abbr> and INC-2')
    assert out == f'<p><abbr title="a > INC-2 <b>">x</abbr> and {link("INC-2", "inc-2.md")}</p>'


def test_an_id_placed_as_plain_text_beside_its_linked_title_stays_text():
    """One link per row: the footer's related list shows `<span class="pm-id">ID</span>` and links the title."""
    out = html_of('| a | b |\n|---|---|\n| <span class="pm-id">INC-2</span> | [Title](inc-2.md) |\n\n<span>INC-2</span>')
    assert out.count('class="pm-mention"') == 1  # the plain span after the table still links


def test_text_around_inline_raw_html_still_links():
    assert html_of("<b>INC-2</b> then <em>x</em> INC-2").count('class="pm-mention"') == 2


def test_mentions_in_headings_lists_tables_and_admonitions_link():
    text = "## After INC-2\n\n- INC-2\n\n| a |\n|---|\n| INC-2 |\n\n!!! note\n\n    INC-2\n"
    assert html_of(text).count('class="pm-mention"') == 4


def test_a_long_page_against_hundreds_of_ids_links_every_mention():
    """Its cost, against the plain parse, is measured by bench/bench_mentions.py (not a timed test)."""
    index = MentionIndex.of({f"INC-2025-{n:04d}": f"pm/inc-{n}.md" for n in range(1, 501)})
    text = ("Word " * 40 + "INC-2025-0042 and INC-2025-9999. `INC-2025-0001`\n\n") * 200  # ~50,000 words
    extension = MentionsExtension()
    extension.finder = index.finder("pm/inc-1.md", "INC-2025-0001")
    out = markdown.Markdown(extensions=[extension]).convert(text)
    assert out.count('class="pm-mention"') == 200
    assert "INC-2025-9999</a>" not in out and "<code>INC-2025-0001</code>" in out


# --- the same rule, written as Markdown links by `postmortem render` -----------------------------------


def test_render_writes_a_markdown_link_where_the_plugin_would_link():
    text = (
        "See INC-2 and `INC-2`, INC-1 and INC-9.\n\n```\nINC-12\n```\n\n"
        "[x](https://x.example/INC-2) <abbr title='a > INC-2'>y</abbr>\n"
    )
    assert link_in_markdown(text, INDEX, "pm/inc-1.md", "INC-1") == (
        "See [INC-2](inc-2.md) and `INC-2`, INC-1 and INC-9.\n\n```\nINC-12\n```\n\n"
        "[x](https://x.example/INC-2) <abbr title='a > INC-2'>y</abbr>\n"
    )


def test_render_leaves_an_id_used_as_a_reference_link_label_alone():
    text = "See [INC-2] and INC-2.\n\n[INC-2]: https://tracker.example/INC-2\n"
    assert link_in_markdown(text, INDEX, "pm/inc-1.md", "INC-1") == text


def test_render_links_are_what_the_plugin_links():
    """Rendering render's Markdown links the same mentions as the treeprocessor does on the original."""
    text = "INC-2 *INC-12* `INC-2` [INC-2](x.md) <kbd>INC-2</kbd>\n\n- INC-2 <span title='INC-2'>INC-12</span>\n"
    plugin = html_of(text)
    written = link_in_markdown(text, INDEX, "pm/inc-1.md", "INC-1")
    rendered = markdown.Markdown(extensions=list(RENDER_EXTENSIONS)).convert(written)
    assert rendered == plugin.replace(' class="pm-mention"', "")


# --- whole sites --------------------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str | None, str | None]] = []  # (href, class)
        self.abbr_titles: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append((dict(attrs).get("href"), dict(attrs).get("class")))
        if tag == "abbr":
            self.abbr_titles.append(dict(attrs).get("title"))


BODY = (
    "Caused by INC-2025-0002 again; see also INC-2025-0001 and INC-2025-0099.\n\n"
    '<abbr title="a > INC-2025-0002">x</abbr> `INC-2025-0002`\n'
)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=root, capture_output=True, text=True, check=False, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
    )


@pytest.mark.slow
def test_the_built_site_links_mentions_outside_attributes_and_code(site):
    site("inc-2025-0001.md", postmortem("INC-2025-0001", body=BODY))
    site("sub/inc-2025-0002.md", postmortem("INC-2025-0002"))
    result = run(site.root, sys.executable, "-m", "mkdocs", "build", "--strict")
    assert result.returncode == 0, result.stderr
    page = Links()
    page.feed((site.root / "site" / "postmortems" / "inc-2025-0001" / "index.html").read_text())
    assert page.abbr_titles == ["a > INC-2025-0002"]
    assert [href for href, cls in page.links if cls == "pm-mention"] == ["../sub/inc-2025-0002/"]


@pytest.mark.slow
def test_postmortem_render_links_mentions_in_the_markdown_it_writes(site, tmp_path: Path):
    site("inc-2025-0001.md", postmortem("INC-2025-0001", body=BODY))
    site("sub/inc-2025-0002.md", postmortem("INC-2025-0002"))
    out = tmp_path / "out"
    result = run(site.root, sys.executable, "-m", "mkdocs_postmortem", "render", str(out))
    assert result.returncode == 0, result.stderr
    text = (out / "postmortems" / "inc-2025-0001.md").read_text()
    assert "Caused by [INC-2025-0002](sub/inc-2025-0002.md) again; see also INC-2025-0001 and INC-2025-0099." in text
    assert '<abbr title="a > INC-2025-0002">x</abbr> `INC-2025-0002`' in text
