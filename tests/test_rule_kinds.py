"""Each kind of rule reads its own fields (`from_toml`): tests/cases/rule_kinds.toml gives, per
kind, a rule that loads and passes its examples, and a broken value of every field of its own,
which must be reported at that field's line with what is wrong with it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from kcclean.errors import RuleErrors
from kcclean.rules import KINDS, Settings, load_rulebook

CASES = {case["kind"]: case for case in tomllib.loads((ROOT / "tests" / "cases" / "rule_kinds.toml").read_text(encoding="utf-8"))["kind"]}
BROKEN = [(kind, case) for kind, entry in CASES.items() for case in entry["broken"]]


def with_field(rule: str, field: str, value: str) -> tuple[str, int]:
    """The rule with `field = value` in place of its line (or added after `kind`), and the
    line it stands on."""
    lines = rule.strip("\n").split("\n")
    at = next((k for k, line in enumerate(lines) if line.startswith(f"{field} =")), None)
    if at is None:
        at = next(k for k, line in enumerate(lines) if line.startswith("kind =")) + 1
        lines.insert(at, "")
    lines[at] = f"{field} = {value}"
    return "\n".join(lines) + "\n", at + 1


def load(folder: Path, text: str) -> Path:
    folder.mkdir()
    path = folder / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_kind_and_every_field_of_its_own_has_cases() -> None:
    assert set(CASES) == set(KINDS)
    for kind, cls in KINDS.items():
        assert {case["field"] for case in CASES[kind]["broken"]} >= cls.FIELDS, kind


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_rule_of_each_kind_loads_and_passes_its_examples(kind: str, tmp_path: Path) -> None:
    load(tmp_path / "rules", CASES[kind]["rule"].lstrip("\n"))
    book = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    assert type(book.by_id[next(line.split('"')[1] for line in CASES[kind]["rule"].splitlines() if line.startswith("id ="))]) is KINDS[kind]


@pytest.mark.parametrize(("kind", "case"), BROKEN, ids=[f"{kind}-{case['field']}" for kind, case in BROKEN])
def test_a_broken_field_is_reported_at_its_line(kind: str, case: dict, tmp_path: Path) -> None:
    text, line = with_field(CASES[kind]["rule"], case["field"], case["value"])
    path = load(tmp_path / "rules", text)
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert case["message"] in message


def test_the_template_of_a_new_rule_names_every_kind_a_user_can_write(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kcclean.cli import app

    assert CliRunner().invoke(app, ["rules", "new", "house.x", "--dir", str(tmp_path)]).exit_code == 0
    template = (tmp_path / "house.x.toml").read_text(encoding="utf-8")
    for kind, cls in KINDS.items():
        if kind != "layout":
            assert f"#   {kind}: " in template and all(field in template for field in cls.FIELDS), kind
