"""What incident-id linking costs: Python-Markdown with the mentions treeprocessor against without it.

A ~50,000-word page that mentions ids, against 500 known ids, converted with and without the
treeprocessor in the same process (best of --repeat). The target: linking costs no more than the
parse itself (ratio <= 2). Run from the repository root: python bench/bench_mentions.py
"""

from __future__ import annotations

import argparse
import time

import markdown

from mkdocs_postmortem.mentions import MentionIndex, MentionsExtension

TARGET = 2.0


def best(convert: object, text: str, repeat: int) -> float:
    convert(text)  # type: ignore[operator]  # warm-up: imports and compiled patterns are not the cost
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        convert(text)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ids", type=int, default=500, help="known incident ids (default 500)")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the fastest counts (default 5)")
    args = parser.parse_args(argv)
    index = MentionIndex.of({f"INC-2025-{n:04d}": f"pm/inc-{n}.md" for n in range(1, args.ids + 1)})
    text = ("Word " * 40 + "INC-2025-0042 and INC-2025-9999. `INC-2025-0001`\n\n") * 200
    extension = MentionsExtension()
    extension.finder = index.finder("pm/inc-1.md", "INC-2025-0001")
    linked = best(lambda t: markdown.Markdown(extensions=[extension]).convert(t), text, args.repeat)
    plain = best(lambda t: markdown.Markdown().convert(t), text, args.repeat)
    ratio = linked / plain
    print(f"~50,000 words, {args.ids} ids: {plain * 1000:.0f} ms plain, {linked * 1000:.0f} ms with mentions, ratio {ratio:.2f}")
    if ratio > TARGET:
        print(f"FAIL: linking costs more than the parse (ratio {ratio:.2f} > {TARGET})")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
