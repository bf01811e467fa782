"""The --out folder against an unlucky or careless run (issue 27): `rules import` into a
folder holding a dangling link. Each test runs the command as a user would and checks what
the user sees: the exit code, the message, the files left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcclean.cli import app


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KCCLEAN_DEBUG", raising=False)
    return tmp_path


def run(*args: object):
    """`kcclean ARGS` in-process; a user never sees a traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# ---------------------------------------------------------------- 12. links


def test_rules_import_does_not_write_through_a_dangling_link_out_of_its_folder():
    review = Path("review.toml")
    review.write_text('[[exception]]\nrule = "punct.comma-width"\ntext = "精神,共产"\n', encoding="utf-8")
    Path("mine").mkdir()
    Path("mine", "review.toml").symlink_to(Path("..", "elsewhere.toml"))
    result = run("rules", "import", review, "--dir", "mine")
    assert result.exit_code == 0, result.output
    assert "wrote mine/review-2.toml" in result.stdout
    assert not Path("elsewhere.toml").exists()
    assert Path("mine", "review-2.toml").read_text(encoding="utf-8") == review.read_text(encoding="utf-8")


def test_rules_new_does_not_write_through_a_dangling_link_out_of_its_folder():
    Path("mine").mkdir()
    Path("mine", "house.name.toml").symlink_to(Path("..", "elsewhere.toml"))
    result = run("rules", "new", "house.name", "--dir", "mine")
    assert result.exit_code == 2, result.output
    assert "kcclean: error: mine/house.name.toml: already exists; choose another id or edit it" in result.stderr
    assert not Path("elsewhere.toml").exists()
