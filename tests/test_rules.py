"""The rule engine: every shipped rule's examples, broken rule files, user rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kcclean.errors import RuleErrors
from kcclean.pipeline import clean_text, layout_example
from kcclean.rules import BUILTIN_RULES, Rulebook, Settings, load_rulebook, load_rules
from kcclean.rules.examples import check_rule

BUILTIN = load_rules([BUILTIN_RULES]).rules


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_builtin_rule_examples(rule, rulebook) -> None:
    book = Rulebook(rulebook.all_rules, Settings())
    failures = check_rule(rule, lambda example: layout_example(example, book))
    assert not failures, "\n".join(map(str, failures))


def test_builtin_rules_load_without_errors() -> None:
    assert load_rules([BUILTIN_RULES])[1] == []


def write_rules(folder: Path, body: str, name: str = "mine.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


GOOD = """
[[rule]]
id = "house.district"
description = "The district is 柯城区, never 柯成区."
kind = "regex"
scope = ["body"]
level = "safe"
pattern = '柯成区'
replacement = "柯城区"

[[rule.example]]
text = "柯成区召开会议"
fixed = "柯城区召开会议"

[[rule.example]]
text = "柯城区召开会议"
"""


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("[[rule]]\nid = \"x\"\nkind = \n", 3, "TOML syntax"),
        (GOOD.replace("pattern = '柯成区'", "pattern = '柯成(区'"), 7, "bad regular expression"),
        (GOOD.replace('level = "safe"', 'level = "safe"\ncolour = "red"'), 7, "unknown field(s) for a regex rule: colour"),
        (GOOD.replace('fixed = "柯城区召开会议"', 'fixed = "柯城区开会"'), 10, "example '柯成区召开会议' gives '柯城区召开会议', expected '柯城区开会'"),
        (GOOD.replace('level = "safe"', 'level = "maybe"'), 6, "`level` must be"),
        (GOOD.replace('description = "The district is 柯城区, never 柯成区."\n', ""), 1, "`description`"),
        (GOOD.replace('scope = ["body"]', 'scope = ["everywhere"]'), 5, "`scope` must be"),
        (GOOD.replace('replacement = "柯城区"', 'replacement = "\\\\2"'), 8, "bad replacement"),
        (GOOD.replace('kind = "regex"', 'kind = "magic"'), 4, "`kind` must be one of"),
        # `[rule]` (one table) where `[[rule]]` (a list of them) is meant: TOML reads it, so
        # the user must be told what is wrong with it, not shown nothing or a crash
        (GOOD.replace("[[rule]]", "[rule]"), 1, "`rule` must be written as [[rule]] tables"),
    ],
    ids=[
        "toml-syntax", "bad-regex", "unknown-field", "failing-example", "bad-level", "no-description", "bad-scope",
        "bad-group", "bad-kind", "single-rule-table",
    ],
)
def test_broken_rule_file_is_reported_as_file_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write_rules(tmp_path / "rules", body)
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    text = str(caught.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text


def test_a_broken_file_does_not_stop_the_others_from_loading(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write_rules(folder, "[[rule]\n", "a-broken.toml")
    write_rules(folder, GOOD, "b-good.toml")
    rules, errors, _ = load_rules([folder])
    assert [r.id for r in rules] == ["house.district"]
    assert len(errors) == 1 and errors[0].line == 1


def test_user_rule_applies_and_is_reported(tmp_path: Path) -> None:
    write_rules(tmp_path / "rules", GOOD)
    book = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）柯成区召开会议。", rulebook=book)
    assert issue.articles[0].body == ["本报讯（记者 王思）柯城区召开会议。"]
    (change,) = [c for c in issue.changes if c.rule == "house.district"]
    assert (change.line, change.column, change.before, change.after) == (3, 11, "柯成区", "柯城区")


def test_user_rule_with_a_builtin_id_overrides_it_in_place(tmp_path: Path) -> None:
    write_rules(
        tmp_path / "rules",
        """
        [[rule]]
        id = "punct.comma-width"
        description = "This paper keeps half-width commas."
        kind = "regex"
        scope = ["body"]
        pattern = '，'
        replacement = ","

        [[rule.example]]
        text = "甲，乙"
        fixed = "甲,乙"

        [[rule.example]]
        text = "甲,乙"
        """,
    )
    book = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    ids = [r.id for r in book.rules]
    assert ids.count("punct.comma-width") == 1
    assert ids.index("punct.paren-width") < ids.index("punct.comma-width") < ids.index("punct.question-width")  # its old place
    assert book.by_id["punct.comma-width"].description == "This paper keeps half-width commas."


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(), "本报讯（记者 王思）会议指出，近期。"),
        (Settings(ignore=["punct"]), "本报讯(记者 王思)会议指出,近期。"),
        (Settings(ignore=["punct.comma-width"]), "本报讯（记者 王思）会议指出,近期。"),
        (Settings(select=["punct.comma-width"]), "本报讯(记者 王思)会议指出，近期。"),
    ],
    ids=["default", "ignore-prefix", "ignore-id", "select-id"],
)
def test_select_and_ignore(settings: Settings, expected: str) -> None:
    issue = clean_text("柯城召开会议\n\n本报讯(记者 王思)会议指出,近期。", rulebook=load_rulebook(settings))
    assert issue.articles[0].body == [expected]


def test_unknown_rule_in_select_is_an_error() -> None:
    with pytest.raises(RuleErrors, match="no rule is named nosuch"):
        load_rulebook(Settings(ignore=["nosuch"]))


def test_unsafe_rule_is_a_suggestion_unless_enabled() -> None:
    text = "柯城召开会议\n\n本报讯（记者 王思）宣讲全会精神 and 共产党人谋福利的初心。"
    suggested = clean_text(text)
    (change,) = [c for c in suggested.changes if c.rule == "lang.and-between-han"]
    assert not change.applied and change.after == "和"
    assert "and" in suggested.articles[0].body[0]
    for settings in (Settings(unsafe=True), Settings(unsafe=frozenset({"lang.and-between-han"}))):
        applied = clean_text(text, rulebook=load_rulebook(settings))
        assert applied.articles[0].body == ["本报讯（记者 王思）宣讲全会精神和共产党人谋福利的初心。"]


