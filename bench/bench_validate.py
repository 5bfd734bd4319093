"""How fast is `postmortem validate` next to the YAML floor and to check-jsonschema?

Generates bench_build.py's synthetic site of N post-mortems (default 5,000) and times three commands
on the same files, each as its own process (interpreter start-up included), best of --repeat:

- the floor: read every file, split off its front matter and parse it with libyaml
  (`yaml.load(text, CSafeLoader)`), nothing else;
- `postmortem validate` on the site (schema, cross-document rules, placeholders);
- `check-jsonschema --schemafile schema/postmortem.schema.json` on the same front matter, written
  out as one .yaml file per post-mortem (it reads YAML files, not Markdown).

CPU time (user + system of the child) is what the ratios use: it holds still on a shared machine,
where wall time swings with the other jobs; wall time is printed next to it.
Targets (issue 11): validate at most 2.5x the floor, check-jsonschema at least 5x validate's time.

    python bench/bench_validate.py [--n 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # the one generator of synthetic sites

from mkdocs_postmortem.load import find_postmortems, split_front_matter
from mkdocs_postmortem.schema import bundled_schema_path

#: The floor, as a command: what any validator must at least do (read, find the front matter, parse it).
FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    text = path.read_text(encoding="utf-8")
    front = text[4 : text.index("\\n---", 3)]
    yaml.load(front, Loader=yaml.CSafeLoader)
"""

MAX_VS_FLOOR = 2.5
MIN_CHECK_JSONSCHEMA_VS_VALIDATE = 5.0


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the child process


def run(command: Sequence[str], cwd: Path, ok: Sequence[int] = (0,)) -> Timing:
    """One run of a command; its wall and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:3])} ... exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def best(repeat: int, command: Sequence[str], cwd: Path) -> Timing:
    runs = [run(command, cwd) for _ in range(repeat)]
    return Timing(min(r.wall for r in runs), min(r.cpu for r in runs))


def check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    if not Path(found).exists():
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[test]' (it is in the test extra)")
    return found


def measure(n: int, repeat: int, seed: int = bench_build.SEED) -> dict[str, Timing]:
    """floor, validate and check-jsonschema on one synthetic site of n post-mortems."""
    with tempfile.TemporaryDirectory(prefix="pm-bench-validate-") as tmp:
        config = bench_build.make_site(Path(tmp) / "site", n, seed)
        site = config.parent
        folder = site / "docs" / "postmortems"
        yamls = Path(tmp) / "yaml"
        yamls.mkdir()
        for path in find_postmortems(folder):
            split = split_front_matter(path.read_text(encoding="utf-8"))
            assert split is not None
            (yamls / f"{path.stem}.yaml").write_text(split[0], encoding="utf-8")
        return {
            "floor": best(repeat, [sys.executable, "-c", FLOOR, str(folder)], site),
            "validate": best(repeat, [sys.executable, "-m", "mkdocs_postmortem", "validate"], site),
            "check-jsonschema": best(
                repeat,
                [check_jsonschema(), "--schemafile", str(bundled_schema_path()), *sorted(map(str, yamls.glob("*.yaml")))],
                site,
            ),
        }


def report(n: int, timings: dict[str, Timing]) -> list[str]:
    """The table, and what fails against the targets (empty when all are met)."""
    floor = timings["floor"].cpu
    print(f"\n{n:,} post-mortems (best of runs; ratios on CPU time)\n")
    print("| command | wall | CPU | CPU per post-mortem | x floor (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, t in timings.items():
        print(f"| {name} | {t.wall:.2f} s | {t.cpu:.2f} s | {t.cpu / n * 1000:.3f} ms | {t.cpu / floor:.2f} |")
    vs_floor = timings["validate"].cpu / floor
    speedup = timings["check-jsonschema"].cpu / timings["validate"].cpu
    print(f"\nvalidate / floor: {vs_floor:.2f} (target <= {MAX_VS_FLOOR})")
    print(f"check-jsonschema / validate: {speedup:.2f} (target >= {MIN_CHECK_JSONSCHEMA_VS_VALIDATE})")
    failed = []
    if vs_floor > MAX_VS_FLOOR:
        failed.append(f"validate is {vs_floor:.2f}x the floor")
    if speedup < MIN_CHECK_JSONSCHEMA_VS_VALIDATE:
        failed.append(f"validate is only {speedup:.2f}x faster than check-jsonschema")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="post-mortems in the site (default 5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the fastest counts (default 3)")
    parser.add_argument("--seed", type=int, default=bench_build.SEED, help="random seed of the synthetic site")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    failed = report(args.n, measure(args.n, args.repeat, args.seed))
    if failed:
        print("\nFAIL: " + "; ".join(failed))
        return 1
    print("\nOK: both targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
