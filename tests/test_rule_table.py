"""`table` rules: a literal table, in the rule or in a TSV file beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules import write_rules

from kcclean.errors import RuleErrors
from kcclean.rules import Settings, load_rulebook, load_rules

TABLE_RULE = """
[[rule]]
id = "house.places"
description = "Place names keyed wrongly, from a list kept beside the rule."
kind = "table"
scope = ["body"]
level = "safe"
table_file = "places.tsv"

[[rule.example]]
text = "柯成区石室香"
fixed = "柯城区石室乡"

[[rule.example]]
text = "柯城区石室乡"
"""


def test_a_table_file_is_read_beside_its_rule_file(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write_rules(folder, TABLE_RULE)
    (folder / "places.tsv").write_text("# wrong\tright\n\n柯成区\t柯城区\n石室香\t石室乡\n", encoding="utf-8")
    (rule,), errors, _ = load_rules([folder])
    assert errors == [] and rule.table == {"柯成区": "柯城区", "石室香": "石室乡"}
    load_rulebook(Settings(rule_dirs=[folder]))  # its examples pass: the table is applied


@pytest.mark.parametrize(
    ("table", "line", "message"),
    [
        ("柯成区\t柯城区\n石室香 石室乡\n", 2, "expected `wrong<TAB>right`"),
        ("柯成区\t柯城区\n\t柯城区\n", 2, "expected `wrong<TAB>right`"),
        ("柯成区\t柯城区\n\n柯成区\t柯城\n", 3, "'柯成区' is listed twice"),
    ],
    ids=["no-tab", "nothing-before-the-tab", "listed-twice"],
)
def test_a_broken_table_file_is_reported_as_its_file_and_line(tmp_path: Path, table: str, line: int, message: str) -> None:
    folder = tmp_path / "rules"
    write_rules(folder, TABLE_RULE)
    (folder / "places.tsv").write_text(table, encoding="utf-8")
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[folder]))
    assert str(caught.value).startswith(f"{folder / 'places.tsv'}:{line}: rule house.places: {message}"), str(caught.value)


def test_a_missing_table_file_is_reported_on_its_rule(tmp_path: Path) -> None:
    path = write_rules(tmp_path / "rules", TABLE_RULE)
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    assert str(caught.value).startswith(f"{path}:7: rule house.places: cannot read table file"), str(caught.value)
