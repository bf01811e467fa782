"""The rule engine: every shipped rule's examples, broken rule files, user rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kcclean.errors import RuleErrors
from conftest import FIXTURES
from kcclean.pipeline import clean_files, clean_text, layout_example
from kcclean.rules import BUILTIN_RULES, Rulebook, Settings, load_rulebook, load_rules
from kcclean.rules.examples import check_rule

BUILTIN, _ = load_rules([BUILTIN_RULES])


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_builtin_rule_examples(rule, rulebook) -> None:
    book = Rulebook(rulebook.all_rules, Settings())
    failures = check_rule(rule, lambda text: layout_example(text, book))
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
    rules, errors = load_rules([folder])
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


def test_catastrophic_user_regex_is_switched_off_naming_the_rule(tmp_path: Path, monkeypatch) -> None:
    write_rules(
        tmp_path / "rules",
        r"""
        [[rule]]
        id = "user.slow"
        description = "A pattern that backtracks catastrophically on long runs of Chinese."
        kind = "regex"
        scope = ["body"]
        pattern = '(\p{Han}+)+\d'
        replacement = ""

        [[rule.example]]
        text = "甲1"
        fixed = ""

        [[rule.example]]
        text = "甲"
        """,
    )
    monkeypatch.setattr("kcclean.rules.pattern.TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr("kcclean.rules.engine.TIMEOUT_SECONDS", 0.2)
    book = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）" + "柯城" * 5000 + "。", rulebook=book)
    assert [w for w in issue.warnings if "user.slow" in w] == [
        "rule user.slow gave up after 0.2 s on text: its pattern probably backtracks catastrophically; "
        f"it is switched off for the rest of the run (fix it in {tmp_path / 'rules' / 'mine.toml'}:1, "
        "or --ignore user.slow)"
    ]
    assert "user.slow" not in [rule.id for rule in book.text_rules]
    assert issue.articles[0].body == ["本报讯（记者 王思）" + "柯城" * 5000 + "。"], "the text is still cleaned"


def test_literal_table_exception_keeps_the_longer_word() -> None:
    rule = load_rulebook().by_id["typo.confusions"]
    assert rule.fix("他自己经营，工作己经完成") == "他自己经营，工作已经完成"


def test_script_rule_converts_nothing_in_a_traditional_text() -> None:
    traditional = "柯城召開會議\n\n本報訊（記者 王思）區委書記主持會議，強調要進一步做好疫情防控工作。"
    issue = clean_text(traditional)
    assert "區委書記" in issue.articles[0].body[0]
    assert any("script.traditional converts nothing" in w for w in issue.warnings)


def test_script_rule_reports_each_converted_word() -> None:
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）區委書記朱素芳主持会议，强调要进一步做好疫情防控工作。")
    words = [(c.before, c.after) for c in issue.changes if c.rule == "script.traditional"]
    assert words == [("區委書記", "区委书记")]


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
    (rule,), errors = load_rules([folder])
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


# A field that only one kind of rule has, broken: the message names the file, the line of the
# field and what it must be, as for the fields every rule has.
BROKEN_KIND_FIELDS = [
    pytest.param(
        """
        [[rule]]
        id = "house.masthead"
        description = "The masthead of 今日柯城, however the scanner read it."
        kind = "lexicon"
        scope = ["masthead"]
        entries = ["今日柯城"]
        threshold = 120
        """,
        7,
        "rule house.masthead: `threshold` must be a score from 50 to 100",
        id="lexicon-threshold-above-100",
    ),
    pytest.param(
        """
        [[rule]]
        id = "house.script"
        description = "Traditional characters keyed by a reporter's old input method."
        kind = "script"
        name_before = '记者$'
        name_after = '(?:村|镇'
        """,
        6,
        "rule house.script: bad regular expression: missing )",
        id="script-name-after-bad-regex",
    ),
]


@pytest.mark.parametrize(("body", "line", "message"), BROKEN_KIND_FIELDS)
def test_a_broken_field_of_one_kind_of_rule_is_reported_at_its_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write_rules(tmp_path / "rules", body)
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    assert str(caught.value).startswith(f"{path}:{line}: {message}"), str(caught.value)


def test_a_traditional_character_in_a_name_before_a_title_is_only_suggested() -> None:
    # 趙 before 女士 is a name-like place (the built-in `name_after`): the surname may be
    # written so on purpose, so 趙 → 赵 is suggested, not made.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）趙女士在社区做了十年志愿者。")
    assert issue.articles[0].body == ["本报讯（记者 王思）趙女士在社区做了十年志愿者。"]
    (change,) = [c for c in issue.changes if c.rule == "script.traditional"]
    assert (change.before, change.after, change.applied) == ("趙", "赵", False)


def test_apostrophes_in_latin_text_stay_straight_even_two_in_a_paragraph() -> None:
    # punct.single-quotes pairs straight quotes only around Chinese text: two apostrophes of
    # an English sentence quoted in a report are not a quotation.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）英语角上，学生们齐声朗读 It's Tom's book 这句话。")
    assert issue.articles[0].body == ["本报讯（记者 王思）英语角上，学生们齐声朗读 It's Tom's book 这句话。"]
