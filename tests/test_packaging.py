"""What a user installing a release sees: the README on the package index, the tag every install names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mkdocs_postmortem import __version__
from mkdocs_postmortem.schema import REPOSITORY

from .conftest import REPO

#: The project's repository, as pyproject.toml names it.
SOURCE = re.search(r'^Source = "(.+)"$', (REPO / "pyproject.toml").read_text(), re.MULTILINE)[1]  # type: ignore[index]
#: Where users read which release to install: the README, the docs, the starter site, the hook's comment.
USER_FILES = [
    REPO / "README.md",
    REPO / ".pre-commit-hooks.yaml",
    *sorted((REPO / "docs").rglob("*.md")),
    *sorted(
        p for p in (REPO / "site-template").rglob("*") if p.is_file() and p.suffix in {".md", ".yml", ".yaml", ".txt", ".json"}
    ),
]
#: A release named in an install command, a pre-commit `rev:` or the schema's address.
PINNED = re.compile(r"mkdocs-postmortem@v([\w.]+)|\brev: v([\w.]+)|mkdocs-postmortem/v([\w.]+)/schema/")


def links(markdown: str) -> list[str]:
    """Every link and image address of a Markdown text, raw HTML included."""
    found: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in [token, *(token.children or [])]:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
            elif child.type in ("html_inline", "html_block"):
                found += re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)""", child.content)
    return found


def test_the_readme_has_only_absolute_links_for_the_package_index_page():
    """The package index shows the README out of the repository: a relative link leads nowhere there."""
    addresses = links((REPO / "README.md").read_text())
    assert addresses, "no link found: the parser missed them"
    relative = [a for a in addresses if not re.match(r"(https?|mailto):", a)]
    assert relative == [], f"README links that break on the package index page: {relative}"


def test_a_relative_link_in_markdown_is_found():
    text = '[a](docs/format.md) ![b](img.png) <a href="plugin.md#x">c</a> [d](https://example.com/)'
    assert links(text) == ["docs/format.md", "img.png", "plugin.md#x", "https://example.com/"]


def test_every_install_command_names_this_release():
    """`pip install ...@vX`, pre-commit's `rev: vX` and the schema's address: the version `__version__` says."""
    pins = {
        (path.relative_to(REPO).as_posix(), next(v for v in m.groups() if v))
        for path in USER_FILES
        for m in PINNED.finditer(path.read_text())
    }
    assert {path for path, _ in pins} >= {"README.md", "site-template/requirements.txt", "site-template/.pre-commit-config.yaml"}
    assert sorted(p for p in pins if p[1] != __version__) == []


def test_every_link_to_the_project_names_its_repository():
    assert f"https://github.com/{REPOSITORY}" == SOURCE
    named = re.compile(r"(?:github\.com|githubusercontent\.com)/([\w.-]+/mkdocs-postmortem)\b")
    others = {
        (path.relative_to(REPO).as_posix(), m[1])
        for path in [*USER_FILES, REPO / "mkdocs.yml", REPO / "pyproject.toml"]
        for m in named.finditer(path.read_text())
        if m[1] != REPOSITORY
    }
    assert others == set()


# --- the source distribution: the repository, and its tests run from it ------------------------------

#: Tests run from the unpacked sdist: the documentation (docs/, mkdocs.yml, the files its recipes
#: quote), the schema, the starter site's CI files, the callers of the pipeline (bench/). The
#: pre-commit test is left out: `pre-commit try-repo` needs a git repository, which an sdist is not.
FROM_THE_SDIST = [
    "tests/test_docs.py",
    "tests/test_packaging.py",
    "tests/test_integrations.py",
    "tests/test_pipeline.py",
    "tests/test_site.py::test_this_projects_own_documentation_builds_strict_with_the_plugin",
]


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist `python -m build` makes, unpacked."""
    work = tmp_path_factory.mktemp("sdist")
    command = [sys.executable, "-m", "build", "--sdist", "--outdir", str(work / "dist"), str(REPO)]
    subprocess.run(command, check=True, capture_output=True)
    (archive,) = (work / "dist").glob(f"mkdocs_postmortem-{__version__}.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(work / "unpacked", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))  # type: ignore[arg-type]
    return work / "unpacked" / f"mkdocs_postmortem-{__version__}"


@pytest.mark.slow
def test_the_sdist_holds_every_file_of_the_repository(sdist: Path):
    """Docs, mkdocs.yml, the pre-commit hook, bench/, scripts/, the tests and their fixtures: all of it."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")  # CI runs a clone: never skipped there
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
    missing = [name for name in tracked if (REPO / name).exists() and not (sdist / name).is_file()]
    assert missing == []


@pytest.mark.slow
def test_the_sdists_own_tests_pass_from_it(sdist: Path):
    env = {**os.environ, "PYTHONPATH": str(sdist), "NO_MKDOCS_2_WARNING": "1"}  # the sdist's package, not this checkout's
    where = subprocess.run(
        [sys.executable, "-c", "import mkdocs_postmortem; print(mkdocs_postmortem.__file__)"],
        cwd=sdist,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == sdist / "mkdocs_postmortem" / "__init__.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow and not browser"]
    command += ["-k", "not pre_commit_runs", *FROM_THE_SDIST]
    result = subprocess.run(command, cwd=sdist, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\b\d{2,} passed\b", result.stdout), result.stdout[-2000:]


def test_the_lowest_versions_pin_each_runtime_dependency_at_its_declared_bound():
    """scripts/lowest_versions.py (`./dev test-lowest`): one pin per runtime dependency and the theme extra, none dropped."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "lowest_versions.py")], capture_output=True, text=True, check=True
    )
    pins = dict(line.split("==") for line in done.stdout.split())
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["material"]]
    assert len(pins) == len(declared)
    for requirement in declared:
        name, bound = re.match(r"([A-Za-z0-9._-]+)>=([^,;\s]+)", requirement).groups()  # type: ignore[union-attr]
        assert pins[name.lower()] == bound, requirement
