"""`layout` rules: kcclean's own decisions, named by constants; a rule file may restate one
(its description, its level) but never invent one, and every one must be defined."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from kcclean.errors import RuleErrors
from kcclean.pipeline import clean_files
from kcclean.rules import (
    BUILTIN_RULES,
    LayoutRuleId,
    Settings,
    load_rulebook,
    load_rules,
)


def test_every_layout_rule_id_is_defined_by_a_built_in_rule_file_and_no_other() -> None:
    rules = load_rules([BUILTIN_RULES]).rules
    assert sorted(rule.id for rule in rules if rule.kind == "layout") == sorted(LayoutRuleId)


def test_rules_without_a_layout_rule_the_stage_names_do_not_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "builtin"
    folder.mkdir()
    for path in BUILTIN_RULES.iterdir():
        text = path.read_text(encoding="utf-8")
        if path.name == "90-layout.toml":
            start = text.index('[[rule]]\nid = "join.overlap"')
            text = text[:start] + text[text.index("[[rule]]", start + 1) :]
        (folder / path.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr("kcclean.rules.rulebook.BUILTIN_RULES", folder)
    with pytest.raises(RuleErrors, match="the layout rule\\(s\\) join.overlap are not defined"):
        load_rulebook()


def test_a_layout_rule_made_unsafe_by_the_user_only_suggests_its_joins(tmp_path: Path) -> None:
    """join.broken-wrap given `level = "unsafe"` in the user's folder: each of its joins, the
    one across the page jump included, is a suggestion, reported at the level the user set."""
    builtin = (BUILTIN_RULES / "90-layout.toml").read_text(encoding="utf-8")
    start = builtin.index('[[rule]]\nid = "join.broken-wrap"')
    entry = builtin[start : builtin.index("[[rule]]", start + 1)]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(entry.replace('kind = "layout"', 'kind = "layout"\nlevel = "unsafe"'), encoding="utf-8")
    rulebook = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    (issue,) = clean_files(sorted((FIXTURES / "sample").glob("*.txt")), rulebook)
    joins = [c for c in issue.changes if c.rule == "join.broken-wrap"]
    assert any(c.evidence.startswith("下转2版 here") for c in joins)
    assert {(c.level, c.applied) for c in joins} == {("unsafe", False)}
