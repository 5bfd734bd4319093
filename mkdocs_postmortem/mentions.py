"""Incident ids mentioned in a page's text, linked to their post-mortems: one rule, on a real parser.

The rule, written once here:

- a mention is a whole word (not part of a longer word or hyphenated run) equal to an id the site has;
- it is linked only where it is text: never inside an attribute, code, pre, kbd, samp, an existing
  link, script, style or textarea, nor in an id the plugin placed as plain text beside its linked
  title (`model.ID_CLASS`: one link per row), nor inside raw HTML (whose tags are tracked, so text between a raw
  `<code>` and `</code>` is code too);
- a page's mention of its own id, and an id the site does not have, stay text.

It is a Python-Markdown treeprocessor, so it sees the document as Python-Markdown parsed it (text
nodes, elements; raw HTML as stashed placeholders) and never has to guess at HTML with a regular
expression. Two users:

- the plugin adds `MentionsExtension` to the site's Markdown extensions and says, for each
  post-mortem page, which ids to link (`MentionIndex.finder`); the link is written to the target's
  `.md` file relative to the page, which MkDocs turns into the page's URL like any Markdown link;
- `postmortem render` writes Markdown for engines that cannot run the plugin: `link_in_markdown`
  runs the same treeprocessor over the page with each candidate replaced by a marker, learns which
  markers sit where a link may go, and writes `[ID](path.md)` there in the source.

Only real candidates cost Python time: one compiled regular expression of the site's ids (a trie,
so thousands of ids stay one fast scan) runs over each text node in C, after a cheaper scan for the
ids alone (no word-boundary checks, so `re` can jump to their common prefix) has found one; the
text of most nodes has none, and costs one C call.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, STX

from .model import ID_CLASS, relative_path

#: Elements whose text is never a mention.
SKIP_TAGS = frozenset({"a", "code", "pre", "kbd", "samp", "script", "style", "textarea"})

#: The class of a mention's link (styled by assets/postmortem.css like any link).
CSS_CLASS = "pm-mention"


@dataclass(frozen=True)
class Finder:
    """The mentions to link in a text: `find` returns (start, end, href) for each. It is called only
    on text where a link may go and where `quick` (a test a mention cannot fail, run in C) finds
    something: most text holds no id at all, and then the raw HTML around it need not be parsed."""

    quick: re.Pattern[str]
    find: Callable[[str], list[tuple[int, int, str]]]


_NOTHING = re.compile(r"(?!)")

_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w-])"


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching exactly `words`, shared prefixes written once."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alternatives = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        group = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{group})?" if "" in node else group

    return build(trie)


@dataclass(frozen=True)
class MentionIndex:
    """The ids a site has and the post-mortem each lives in (id -> src_uri under docs_dir)."""

    targets: Mapping[str, str]
    pattern: re.Pattern[str] | None  # a mention: a whole word that is an id
    candidates: re.Pattern[str] | None  # an id anywhere, even inside a word: the quick test before `pattern`

    @classmethod
    def of(cls, targets: Mapping[str, str]) -> MentionIndex:
        ids = [i for i in targets if i]
        if not ids:
            return cls(dict(targets), None, None)
        trie = "(?:" + _trie_pattern(ids) + ")"
        return cls(dict(targets), re.compile(_BEFORE + trie + _AFTER), re.compile(trie))

    def href(self, ident: str, page_uri: str, own: str | None) -> str | None:
        """Where a mention of `ident` on the page `page_uri` (whose own id is `own`) links to, or None: stays text."""
        target = self.targets.get(ident)
        if target is None or ident == own:
            return None
        return quote(relative_path(target, posixpath.dirname(page_uri)))

    def finder(self, page_uri: str, own: str | None) -> Finder:
        """The mentions to link on one page."""
        pattern = self.pattern

        def find(text: str) -> list[tuple[int, int, str]]:
            found = []
            for match in pattern.finditer(text) if pattern is not None else ():
                href = self.href(match.group(), page_uri, own)
                if href is not None:
                    found.append((match.start(), match.end(), href))
            return found

        return Finder(self.candidates or _NOTHING, find)


class _OpenTags(HTMLParser):
    """The elements opened by raw inline HTML whose text is never a mention and are still open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS or ID_CLASS in (dict(attrs).get("class") or "").split():
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and (tag == self.open[-1] or tag in SKIP_TAGS):
            self.open.pop()


class _RawHtml:
    """The raw HTML met so far in a block, in order; parsed only when a mention's fate depends on it
    (most raw HTML, such as a page's card, has no mention after it in its block: it is never parsed)."""

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.parser: _OpenTags | None = None

    def add(self, html: str) -> None:
        self.pending.append(html)

    @property
    def depth(self) -> int:
        """How many elements whose text is never a mention are open here."""
        if self.pending:
            if self.parser is None:
                self.parser = _OpenTags()
            for html in self.pending:
                self.parser.feed(html)
            self.pending.clear()
        return len(self.parser.open) if self.parser is not None else 0


class MentionTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, extension: MentionsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        find = self.extension.finder
        if find is None:
            return
        quick = find.quick.search
        for block in list(root):
            # Walking a block in Python costs more than testing all its text at once in C, and most
            # blocks mention no id: only those that do are walked.
            if quick("\n".join(block.itertext())) is None:
                continue
            raw = _RawHtml()  # raw HTML is balanced within a block; a stray tag does not leak into the next
            self._walk(block, False, find, raw)

    def _walk(self, element: etree.Element, inside: bool, find: Finder, raw: _RawHtml) -> None:
        # comments and processing instructions have a function as their tag: never text to link
        skip = inside or not isinstance(element.tag, str) or element.tag in SKIP_TAGS
        if element.text:
            element.text, links = self._split(element.text, skip, find, raw)
            for index, link in enumerate(links):
                element.insert(index, link)
        for child in list(element):
            self._walk(child, skip, find, raw)
            if child.tail:
                child.tail, links = self._split(child.tail, skip, find, raw)
                if links:
                    at = list(element).index(child) + 1
                    for offset, link in enumerate(links):
                        element.insert(at + offset, link)

    def _split(self, text: str, skip: bool, find: Finder, raw: _RawHtml) -> tuple[str, list[etree.Element]]:
        """The text before the first mention, and a link (with the text after it as its tail) per mention."""
        # The cheap test first: most text holds no id at all, and then raw HTML's open tags do not matter.
        if STX not in text:  # no raw HTML in it (most text)
            if skip or find.quick.search(text) is None or raw.depth:
                return text, []
            return self._links(text, find.find(text))
        found: list[tuple[int, int, str]] = []
        stash = self.md.htmlStash.rawHtmlBlocks
        position = 0
        for placeholder in [*HTML_PLACEHOLDER_RE.finditer(text), None]:
            end = placeholder.start() if placeholder else len(text)
            if not skip and find.quick.search(text, position, end) is not None and not raw.depth:
                found.extend((position + s, position + e, href) for s, e, href in find.find(text[position:end]))
            if placeholder:
                index = int(placeholder.group(1))
                html = stash[index] if index < len(stash) else ""
                raw.add(html if isinstance(html, str) else "")
                position = placeholder.end()
        return self._links(text, found)

    @staticmethod
    def _links(text: str, found: list[tuple[int, int, str]]) -> tuple[str, list[etree.Element]]:
        links = []
        for n, (start, end, href) in enumerate(found):
            link = etree.Element("a", {"class": CSS_CLASS, "href": href})
            link.text = text[start:end]
            link.tail = text[end : found[n + 1][0] if n + 1 < len(found) else len(text)]
            links.append(link)
        return (text[: found[0][0]] if found else text), links


class MentionsExtension(Extension):
    """Links mentions in whatever Markdown is rendered while `finder` is set (None: links nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.finder: Finder | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After the inline patterns (20), so text nodes are final; before attr_list (8), toc (5) and
        # MkDocs' relpath (0), which turns the `.md` href into the page's URL.
        md.treeprocessors.register(MentionTreeprocessor(md, self), "postmortem_mentions", 15)


# --- `postmortem render`: the same rule, written into Markdown ----------------------------------------

#: Python-Markdown's own extensions that decide what is code, a link or raw HTML in a page.
RENDER_EXTENSIONS = ("admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables")

_REFERENCE_LABEL = re.compile(r"^ {0,3}\[([^\]]+)\]:", re.MULTILINE)


def link_in_markdown(text: str, index: MentionIndex, page_uri: str, own: str | None) -> str:
    """`text` (Markdown) with each mention the treeprocessor would link written as `[ID](path.md)`.

    Each candidate is replaced by a marker, the page is parsed once by Python-Markdown with the
    treeprocessor reporting the markers it would link, and only those become links in the source;
    the others (in code, links, attributes, raw HTML, ...) are left exactly as written. An id used
    as the label of a reference-style link definition is left alone everywhere in the page.
    """
    if index.pattern is None:
        return text
    labels = {m.group(1).strip().lower() for m in _REFERENCE_LABEL.finditer(text)}
    candidates = [
        m for m in index.pattern.finditer(text) if m.group().lower() not in labels and index.href(m.group(), page_uri, own)
    ]
    if not candidates:
        return text
    prefix = "PMmention"
    while prefix in text:
        prefix += "Q"
    marker = re.compile(_BEFORE + re.escape(prefix) + r"(\d+)Z" + _AFTER)
    linkable: set[int] = set()

    def report(chunk: str) -> list[tuple[int, int, str]]:
        linkable.update(int(m.group(1)) for m in marker.finditer(chunk))
        return []  # nothing changes in this parse: it only says where links may go

    extension = MentionsExtension()
    extension.finder = Finder(re.compile(re.escape(prefix)), report)
    markdown.Markdown(extensions=[*RENDER_EXTENSIONS, extension]).convert(
        _substitute(text, candidates, lambda n, _: f"{prefix}{n}Z")
    )

    def written(n: int, ident: str) -> str:
        return f"[{ident}]({index.href(ident, page_uri, own)})" if n in linkable else ident

    return _substitute(text, candidates, written)


def _substitute(text: str, matches: list[re.Match[str]], replacement: Callable[[int, str], str]) -> str:
    out = []
    position = 0
    for n, match in enumerate(matches):
        out.append(text[position : match.start()])
        out.append(replacement(n, match.group()))
        position = match.end()
    out.append(text[position:])
    return "".join(out)
