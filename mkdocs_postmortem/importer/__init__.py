"""Import post-mortems written in the classic Markdown template into the format of FORMAT.md.

`import_classic(text, source)` reads one document written in the classic
template (no front matter; ``**Incident ID:**`` lines, ``[x]`` checkboxes,
Markdown tables) and returns an `ImportResult`: YAML front matter built from
what the text states, followed by the narrative as the body.  It never
raises for odd input: whatever it cannot map is said in
`ImportResult.unmapped`, and the fields the author must still fill are named
in `ImportResult.missing`.

Where each rule lives: `markdown` (the document's structure, on
markdown-it-py), `values` (dates, durations, numbers, blanks), `fields`
(header, title, summary, people, root cause), `timeline`, `impact`,
`actions`, `review` (review, sign-off, status, follow-up), `convert` (the
order of the readers and the body), `vocabulary` (what the site's schema
allows: severities, id pattern, statuses...).
"""

from __future__ import annotations

import datetime as dt

from .convert import ImportResult, convert_text, normalise, render
from .vocabulary import Vocabulary

__all__ = ["ImportResult", "Vocabulary", "import_classic"]


def import_classic(
    text: str,
    source: str,
    *,
    today: dt.date | None = None,
    id_hint: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> ImportResult:
    """Convert one post-mortem written in the classic template; never raises for odd input.

    `vocabulary` is what the site's effective schema allows (`Vocabulary.from_schema`);
    the bundled schema's by default.
    """
    words = vocabulary or Vocabulary.default()
    try:
        return convert_text(text, source, today or dt.date.today(), id_hint, words)
    except Exception as exc:  # a safety net: keep the whole text rather than fail an import of many files
        body = normalise(text) if isinstance(text, str) else ""
        note = f"could not be converted ({type(exc).__name__}: {exc}); the whole text was kept as the body"
        return ImportResult(source, render({}, body), {}, [note], list(words.required))
