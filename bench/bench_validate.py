"""How fast is `postmortem validate` next to the YAML floor and to check-jsonschema?

Generates bench_build.py's synthetic site of N post-mortems (default 5,000) and times three commands
on the same files, each as its own process (interpreter start-up included), interleaved, best of
--repeat:

- libyaml floor: read every file, split off its front matter and parse it with libyaml
  (`yaml.load(text, CSafeLoader)`), nothing else;
- `postmortem validate` on the site (schema, cross-document rules, placeholders);
- `check-jsonschema --schemafile schema/postmortem.schema.json` on the same front matter, written
  out as one .yaml file per post-mortem (it reads YAML files, not Markdown).

CPU time (user + system of the child) is what the ratios use: it holds still on a shared machine,
where wall time swings with the other jobs; wall time and peak memory are printed next to it.
Targets (issue 11, at N = 5,000): validate at most 2.5x the floor, check-jsonschema at least 5x
validate's time. run.py runs the same measurement (measure_site) next to the site builds.

    python bench/bench_validate.py [--n 5000] [--repeat 3]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # the one generator of synthetic sites
import common
from common import Goal, Measured

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

#: Where issue 11 sets the validation targets (and this script's default size).
SIZE = 5000
FLOOR_NAME, VALIDATE, CHECK_JSONSCHEMA = "libyaml floor", "postmortem validate", "check-jsonschema"
GOALS = (
    Goal("validate", "validate-floor", f"{VALIDATE} / {FLOOR_NAME}, CPU time", 2.5, True, (SIZE,)),
    Goal("validate", "check-jsonschema-validate", f"{CHECK_JSONSCHEMA} / {VALIDATE}, CPU time", 5.0, False, (SIZE,)),
)


def check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    if not Path(found).exists():
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[test]' (it is in the test extra)")
    return found


def measure_site(site: Path, repeat: int, log: bool) -> dict[str, Measured]:
    """The floor, validate and check-jsonschema on the post-mortems of a bench_build.py site."""
    folder = site / "docs" / "postmortems"
    with tempfile.TemporaryDirectory(prefix="pm-bench-yaml-") as tmp:
        yamls = Path(tmp)
        for path in find_postmortems(folder):
            split = split_front_matter(path.read_text(encoding="utf-8"))
            assert split is not None
            (yamls / f"{path.stem}.yaml").write_text(split[0], encoding="utf-8")
        schema_check = [check_jsonschema(), "--schemafile", str(bundled_schema_path()), *sorted(map(str, yamls.glob("*.yaml")))]
        jobs = {
            FLOOR_NAME: lambda: common.measure([sys.executable, "-c", FLOOR, str(folder)], site),
            VALIDATE: lambda: common.measure([sys.executable, "-m", "mkdocs_postmortem", "validate"], site),
            CHECK_JSONSCHEMA: lambda: common.measure(schema_check, site),
        }
        results: dict[str, Measured] = {}
        common.rounds(jobs, repeat, results, log)
    return results


def ratios(measured: dict[str, Measured]) -> dict[str, float]:
    """The targets' figures (CPU time)."""
    return {
        "validate-floor": measured[VALIDATE].cpu / measured[FLOOR_NAME].cpu,
        "check-jsonschema-validate": measured[CHECK_JSONSCHEMA].cpu / measured[VALIDATE].cpu,
    }


def report(n: int, measured: dict[str, Measured]) -> list[str]:
    runs = len(measured[VALIDATE].runs)
    return [
        f"\nvalidation, N = {n:,} (each command its own process; minimum of {runs} run(s))",
        *common.rows(measured, FLOOR_NAME, n),
        *common.goal_lines(GOALS, ratios(measured)),
    ]


def main(argv: list[str] | None = None) -> int:
    args = common.parser(__doc__, n=str(SIZE), repeat=3, repeat_help="runs per command").parse_args(argv)
    common.print_machine(common.machine())
    figures: common.Figures = {}
    for n in args.n:
        with tempfile.TemporaryDirectory(prefix="pm-bench-validate-") as tmp:
            site = bench_build.make_site(Path(tmp) / "site", n, args.seed).parent
            if not args.quiet:
                print(
                    f"\nN = {n:,}: {', '.join((FLOOR_NAME, VALIDATE, CHECK_JSONSCHEMA))}, {args.repeat} time(s) each", flush=True
                )
            measured = measure_site(site, args.repeat, not args.quiet)
        print("\n".join(report(n, measured)))
        common.record(figures, n, ratios(measured))
    lines, status = common.verdict(GOALS, figures)
    print("\n" + "\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
