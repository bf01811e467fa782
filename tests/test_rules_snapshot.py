"""The shipped rules as `kcclean rules list` shows them, with each rule's thresholds, compared
with a snapshot kept in tests/data/rules.txt. A level flipped from unsafe to safe, a lowered
fuzzy threshold or a rule that moved in the running order changes what kcclean does to every
page without failing any example; here it shows up as a diff to review. After a deliberate
change, rewrite the snapshot and review its diff:

    KCCLEAN_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_rules_snapshot.py
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import ROOT
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.rules import LexiconRule, Rule, ScriptRule, TableRule, load_rulebook

SNAPSHOT = ROOT / "tests" / "data" / "rules.txt"


def settings(rule: Rule) -> list[str]:
    """What the running order and the level do not show, but decides what a rule changes."""
    found = [f"priority={rule.priority}"] if rule.priority else []
    if isinstance(rule, LexiconRule):
        found += [f"threshold={rule.threshold:g}", f"entries={len(rule.entries)}", f"patterns={len(rule.patterns)}"]
    elif isinstance(rule, ScriptRule):
        found += [f"convert={rule.convert}", f"max_share={rule.max_share:g}"]
    elif isinstance(rule, TableRule):
        found += [f"entries={len(rule.table)}", f"exceptions={len(rule.exceptions)}"]
    return found


def rules_table(tmp_path: Path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)  # no kcclean.toml of the repository's own
    result = CliRunner().invoke(app, ["rules", "list"])
    assert result.exit_code == 0, result.output
    rules = {rule.id: rule for rule in load_rulebook().all_rules}
    rows = []
    for line in result.output.splitlines():
        rule_id, level, kind, scope = line.split()[:4]
        rows.append("  ".join([rule_id, level, kind, scope, *settings(rules[rule_id])]))
    return "\n".join(rows) + "\n"


def test_the_shipped_rules_match_their_snapshot(tmp_path: Path, monkeypatch) -> None:
    table = rules_table(tmp_path, monkeypatch)
    if os.environ.get("KCCLEAN_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(table, encoding="utf-8")
    assert table == SNAPSHOT.read_text(encoding="utf-8")
