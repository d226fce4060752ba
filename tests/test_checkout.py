"""Working in a checkout, its files are what is read, even with a non-editable install (#16 item 7).

The package is copied to a folder laid out as a wheel installs it (``cyberflag/_data``,
``_queries``, ``ontology`` inside the package), far from any checkout, and run from there as a
fresh process: the installed copy's files are read outside a checkout, and a checkout's own
files inside one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    package = site / "cyberflag"
    shutil.copytree(REPO / "cli" / "cyberflag", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "data", package / "_data")
    shutil.copytree(REPO / "queries", package / "_queries")
    shutil.copytree(REPO / "ontology", package / "ontology")
    return site


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout whose saved queries differ from the installed ones."""
    root = tmp_path / "checkout"
    for name in ("data", "queries", "ontology"):
        shutil.copytree(REPO / name, root / name)
    (root / "cli" / "cyberflag").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "queries" / "mine.rq").write_text(
        "#+ summary: A query only this checkout has\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n",
        encoding="utf-8",
    )
    return root


def names(site: Path, cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "cyberflag", "queries", "--format", "json"],
        capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONPATH": str(site), "CYBERFLAG_QUERIES": ""},
    )
    assert done.returncode == 0, done.stderr
    return [q["name"] for q in json.loads(done.stdout)]


def test_outside_a_checkout_the_installed_files_are_read(installed: Path, tmp_path: Path) -> None:
    assert "mine" not in names(installed, tmp_path)
    assert "who-said-what" in names(installed, tmp_path)


def test_inside_a_checkout_its_own_files_are_read(installed: Path, checkout: Path) -> None:
    assert "mine" in names(installed, checkout)
    assert "mine" in names(installed, checkout / "data" / "articles")  # anywhere below it


def test_validate_in_a_checkout_checks_the_checkout_data(installed: Path, checkout: Path,
                                                        tmp_path: Path) -> None:
    """#12 item 3: a curator's edit to the checkout's data/ is what validate checks, even with a
    non-editable install; outside any checkout the installed copy is checked."""
    article = checkout / "data" / "articles" / "council-leaders-warn-online-child-abuse.ttl"
    text = article.read_text(encoding="utf-8")
    assert "Online abuse has been" in text
    article.write_text(text.replace("Online abuse has been", "Online abuse had been"),
                       encoding="utf-8")  # quoted words that are not the source's

    def validate(cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cyberflag", "validate", "--layer", "syntax", "--layer",
             "anchoring", "--layer", "shapes"],
            capture_output=True, text=True, cwd=cwd, timeout=300,
            env={**os.environ, "PYTHONPATH": str(installed), "CYBERFLAG_DATA": ""},
        )

    inside = validate(checkout)
    assert inside.returncode == 1, inside.stdout + inside.stderr
    assert "FAILED" in inside.stdout
    outside = validate(tmp_path)
    assert outside.returncode == 0, outside.stdout + outside.stderr


def test_add_outside_a_checkout_needs_a_data_folder(installed: Path, tmp_path: Path) -> None:
    """The installed copy of data/ lives in site-packages: add refuses to write there."""
    page = tmp_path / "page.txt"
    page.write_text("Headline of a page\n\n1 May 2021\n\nThe charity said that it had seen more "
                    "reports of online grooming this year.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cyberflag", "add", str(page)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={**os.environ, "PYTHONPATH": str(installed), "CYBERFLAG_DATA": ""},
    )
    assert done.returncode == 2, done.stderr
    assert "name the data folder to change with --data DIR" in done.stderr
    assert not list((installed / "cyberflag" / "_data" / "articles").glob("headline*"))
