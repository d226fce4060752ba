"""The package type-checks (``python -m mypy`` with pyproject's ``[tool.mypy]``), so that the
README's single test command also catches a type error; and the checks that replaced ``assert``
statements (which ``python -O`` strips) raise the project's errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cyberflag.errors import InputError
from cyberflag.sparql.transport import send

ROOT = Path(__file__).resolve().parent.parent


def test_package_type_checks() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_send_refuses_a_url_without_a_host() -> None:
    with pytest.raises(InputError, match="is not an http:// or https:// URL"):
        send("PUT", "http:///data")
