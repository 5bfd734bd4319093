"""What `mkdocs serve` shows instead of failing on invalid post-mortems.

`mkdocs build` stops on the first invalid post-mortem; `mkdocs serve` keeps
serving, so an author sees the problems where they look: a banner on every
page, the affected pages listing their own problems, and one page listing
every problem with its file and line. Every value from a document (paths,
fields, messages quoting the document) is HTML-escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import PurePosixPath

from .model import Problem
from .outputs import summary

#: The page listing every problem, under the post-mortem folder during `mkdocs serve`.
#: Names starting with `_` are never post-mortems, so no post-mortem can take this one.
PROBLEMS_PAGE = "_problems.md"
PROBLEMS_TITLE = "Problems in post-mortems"

_CLASS = "admonition danger pm-problems"


def consequence(on_invalid: str) -> str:
    """What the problems cost, by the `on_invalid` option (HTML)."""
    command = "mkdocs build" if on_invalid == "error" else "mkdocs build --strict"
    return f"<code>{command}</code> fails until they are fixed; meanwhile the invalid post-mortems are left out of the indexes."


def _item(problem: Problem, url: str | None, *, with_path: bool = True) -> str:
    """One problem: `path:line` (what an editor opens) where it is not this page's own, else `line N`."""
    where = escape(f"{problem.path}:{problem.line}" if with_path else f"line {problem.line}")
    where = f'<a href="{escape(url)}"><code>{where}</code></a>' if url else f"<code>{where}</code>"
    field = f"<code>{escape(problem.field)}</code>: " if problem.field else ""
    return f"<li>{where} {field}{escape(problem.message)}</li>"


def _files(problems: Sequence[Problem], shown: int = 3) -> str:
    """The names of the files with problems, a few of them: the reader sees at once which ones."""
    names = list(dict.fromkeys(PurePosixPath(p.path).name for p in problems))
    listed = ", ".join(f"<code>{escape(name)}</code>" for name in names[:shown])
    more = len(names) - shown
    return f"In {listed}{f' and {more} more' if more > 0 else ''}."


def problems_page(problems: Sequence[Problem], checked: int, urls: Mapping[str, str], on_invalid: str) -> str:
    """The problems page's Markdown: a title and one raw HTML block (never parsed as Markdown).

    `urls` maps a document's path to the URL of its page, relative to the problems page.
    """
    if not problems:
        body = f'<p class="pm-problems-none">{escape(summary(problems, checked))}: nothing to fix.</p>'
    else:
        items = "".join(_item(p, urls.get(p.path)) for p in problems)
        body = (
            f'<div class="{_CLASS}"><p class="admonition-title">{escape(summary(problems, checked))}</p>'
            f"<p>{consequence(on_invalid)} <code>mkdocs serve</code> keeps serving and updates this page on every save.</p>"
            f"<ul>{items}</ul></div>"
        )
    # Material's search honours `search.exclude`: the page is for the author, not for readers' searches.
    return f"---\nsearch:\n  exclude: true\n---\n\n# {PROBLEMS_TITLE}\n\n{body}\n"


def banner(problems: Sequence[Problem], checked: int, own: Sequence[Problem], problems_url: str, on_invalid: str) -> str:
    """The HTML put above every page's content while problems remain; `own` are this page's problems."""
    if not problems:
        return ""
    link = f'<a href="{escape(problems_url)}">{"All problems" if own else "See the problems"}</a>'
    if own:
        count = f"{len(own)} problem{'s' if len(own) != 1 else ''}"
        items = "".join(_item(p, None, with_path=False) for p in own)
        return (
            f'<div class="{_CLASS}" role="alert"><p class="admonition-title">This post-mortem has {count}</p>'
            f"<ul>{items}</ul><p>{link} ({escape(summary(problems, checked))}). {consequence(on_invalid)}</p></div>"
        )
    return (
        f'<div class="{_CLASS}" role="alert"><p class="admonition-title">{escape(summary(problems, checked))}</p>'
        f"<p>{_files(problems)} {consequence(on_invalid)} {link}.</p></div>"
    )
