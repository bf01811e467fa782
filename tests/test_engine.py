"""How the rule engine keeps to few, cheap passes without changing what it finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcclean
from kcclean import pipeline
from kcclean.model import Change, Role, Source, Trace, Unit
from kcclean.provenance import join_link, joined
from kcclean.rules.engine import MAX_PASSES, Slot, repair
from kcclean.rules.scan import touched_texts
from kcclean.rules import RegexRule, Settings, load_rulebook
from kcclean.rules.trigger import trigger_of

# Every character a built-in pattern names, and some it does not.
ALPHABET = "柯城区委召开會議，。“”（）《》!?:;,.()-—－─…|丨l and\t \u3000\u200b\ufffd\x07１２．0123456789"


def regex_rules(rulebook) -> list[RegexRule]:
    return [rule for rule in rulebook.all_rules if isinstance(rule, RegexRule)]


def test_the_built_in_regex_rules_have_a_trigger(rulebook) -> None:
    """Without one, a rule scans every issue with its full pattern (the slow path)."""
    assert [rule.id for rule in regex_rules(rulebook) if rule.trigger is None] == []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_a_trigger_is_in_every_match(text: str, rulebook) -> None:
    for rule in regex_rules(rulebook):
        if rule.pattern.search(text):
            assert rule.trigger.search(text), (rule.id, text)


def test_every_rule_example_that_changes_contains_its_trigger(rulebook) -> None:
    for rule in regex_rules(rulebook):
        for example in rule.examples:
            if example.fixed not in (None, example.text):
                assert rule.trigger.search(example.text), (rule.id, example.text)


@pytest.mark.parametrize(
    ("pattern", "trigger"),
    [
        pytest.param(r"(?<=\p{Han}),", "[,]", id="look-behind-is-not-consumed"),
        pytest.param(r"[(（][^)]*\)", r"[\)]", id="smallest-class-wins"),
        pytest.param(r"a+|bc", "[ab]", id="alternatives-unite"),
        pytest.param(r"\\p{Han}x", r"[\\]", id="escaped-backslash-is-literal"),
        pytest.param(r"[\p{Han}“]x", "[x]", id="property-in-a-class"),
        pytest.param(r"a?b*", None, id="nothing-required"),
        pytest.param(r"a|\p{Han}", None, id="an-alternative-with-no-literal"),
        pytest.param(r"(?i)abc", None, id="case-insensitive"),
        pytest.param(r"(?:abc){e<=1}", None, id="fuzzy"),
        pytest.param(r"\L<words>", None, id="named-list"),
        pytest.param(r"[^a]", None, id="negated-class"),
    ],
)
def test_trigger_of(pattern: str, trigger: str | None) -> None:
    found = trigger_of(pattern)
    assert (found.pattern if found else None) == trigger


def test_texts_a_rule_cannot_match_are_not_touched(rulebook) -> None:
    comma = rulebook.by_id["punct.comma-width"]
    texts = ["会议指出，近期", "会议指出,近期", "第二段,第三句,", "没有逗号"]
    assert touched_texts(comma, texts) == [1, 2]


def test_clean_text_loads_the_rules_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = []
    real = pipeline.load_rulebook
    monkeypatch.setattr(pipeline, "load_rulebook", lambda settings: loads.append(settings) or real(settings))
    pipeline.default_rulebook.cache_clear()
    for _ in range(3):
        kcclean.clean_text("区领导督导防控工作\n\n本报讯（记者 方心怡）连日来,区领导深入一线。")
    kcclean.clean_text("区领导督导防控工作\n\n本报讯（记者 方心怡）连日来,区领导深入一线。", unsafe=True)
    assert len(loads) == 2  # one safe rulebook, one with --unsafe
    pipeline.default_rulebook.cache_clear()


@pytest.mark.parametrize(
    ("rule_id", "texts", "touched"),
    [
        ("width.fullwidth-alnum", ["柯城区２０２１年", "", "没有", "１", "ａ"], [0, 3, 4]),
        ("script.traditional", ["这是简体", "這是繁體", "", "们", "會"], [1, 4]),
        ("punct.double-quotes", ['他说"好', '的"。', "没有", '"'], [0, 1, 3]),
        ("stray.invisible", ["一\u200b二", "三", "\u200b", "", "四\u200b"], [0, 2, 4]),
        # 已经 is quiet (a word as printed, 己经 none): only where a look-alike may make a word
        ("typo.confusions", ["已经", "己经", "无", "已"], [1, 3]),
    ],
    ids=["table", "script", "pairs", "regex", "confusion"],
)
def test_each_kind_of_rule_touches_the_texts_holding_what_it_looks_for(rulebook, rule_id, texts, touched) -> None:
    assert touched_texts(rulebook.by_id[rule_id], texts) == touched


def _user_rule(rule_id: str, wrong: str, right: str, level: str = "safe") -> str:
    return f"""
[[rule]]
id = "{rule_id}"
description = "{wrong} is a slip for {right}."
kind = "regex"
scope = ["body"]
level = "{level}"
pattern = '{wrong}'
replacement = "{right}"

[[rule.example]]
text = "{wrong}"
fixed = "{right}"

[[rule.example]]
text = "{right}"
"""


def _repaired_with(
    rule_files: str, text: str, tmp_path: Path, trace: Trace | None = None
) -> tuple[str, list[Change], list[str]]:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(rule_files, encoding="utf-8")
    rulebook = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    unit = Unit(text, trace or Trace.of(Source.of("page.txt", text), 0, len(text)), 1, True, 0, role=Role.BODY)
    changes: list[Change] = []
    warnings = repair([Slot(unit, "body", changes)], rulebook)
    return unit.text, changes, warnings


def test_a_rule_that_can_act_only_after_a_later_one_gets_another_pass(tmp_path: Path) -> None:
    text, changes, warnings = _repaired_with(_user_rule("mine.b-to-c", "乙", "丙") + _user_rule("mine.a-to-b", "甲", "乙"), "甲", tmp_path)
    assert (text, [c.rule for c in changes], warnings) == ("丙", ["mine.a-to-b", "mine.b-to-c"], [])


def test_a_suggestion_found_again_on_a_later_pass_is_listed_once(tmp_path: Path) -> None:
    rules = _user_rule("mine.a-to-b", "甲", "乙") + _user_rule("mine.maybe", "丁", "戊", level="unsafe")
    text, changes, _ = _repaired_with(rules, "甲丁", tmp_path)
    assert text == "乙丁"
    assert [(c.rule, c.applied) for c in changes] == [("mine.a-to-b", True), ("mine.maybe", False)]


def test_rules_that_undo_each_other_stop_after_the_last_pass_with_a_warning(tmp_path: Path) -> None:
    text, changes, warnings = _repaired_with(_user_rule("mine.a-to-b", "甲", "乙") + _user_rule("mine.b-to-a", "乙", "甲"), "甲", tmp_path)
    assert len(changes) == 2 * MAX_PASSES and text == "甲"
    assert warnings == [
        f"the rules were still changing 1 text(s) of page.txt after {MAX_PASSES} passes: two rules "
        "probably undo each other; the text is left as the last pass made it"
    ]


def test_the_warning_of_rules_that_undo_each_other_names_the_file_the_text_starts_in(tmp_path: Path) -> None:
    # A paragraph stitched across a page jump (下转2版 … 上接1版) whose first character alone
    # was printed on page 1: the warning points to page 1, where the paragraph starts.
    page1 = Source.of("page1.txt", "部（下转2版）")
    page2 = Source.of("page2.txt", "（上接1版）署甲")
    first, rest = Trace.of(page1, 0, 1), Trace.of(page2, 6, 2)
    trace = joined(["部", "署甲"], [first, rest], [join_link(first, rest, "join.broken-wrap")[1]])
    rules = _user_rule("mine.a-to-b", "甲", "乙") + _user_rule("mine.b-to-a", "乙", "甲")
    _, _, warnings = _repaired_with(rules, "部署甲", tmp_path, trace)
    assert warnings == [
        f"the rules were still changing 1 text(s) of page1.txt after {MAX_PASSES} passes: two rules "
        "probably undo each other; the text is left as the last pass made it"
    ]


def test_a_rule_that_switched_itself_off_for_an_issue_stays_off_on_later_passes() -> None:
    # A page in traditional characters: script.traditional converts nothing in it (and says
    # so). The comma fix sends the paragraph through another pass, which must not convert it.
    issue = kcclean.clean_text("柯城區召開會議\n\n本報訊（記者 王思）5月8日,柯城區召開安全生產工作會議。\n")
    assert issue.articles[0].body == ["本報訊（記者 王思）5月8日，柯城區召開安全生產工作會議。"]
    assert [c.rule for c in issue.changes] == ["punct.comma-width"]
    assert issue.warnings == [
        "12 traditional-only and 0 simplified-only characters: the text is not overwhelmingly "
        "simplified, so script.traditional converts nothing"
    ]


def test_a_doubtful_edit_of_a_safe_rule_is_an_unsafe_suggestion(rulebook) -> None:
    # 於 is also a simplified character (a surname): converting it to 于 is only suggested,
    # and report.json gives the suggestion the level `unsafe`, though the rule is safe.
    assert rulebook.by_id["script.traditional"].level == "safe"
    issue = kcclean.clean_text("新建道路年底完工\n\n本报讯（记者 王思）区里新建的两条道路预计於年底完工。\n")
    assert issue.articles[0].body == ["本报讯（记者 王思）区里新建的两条道路预计於年底完工。"]
    assert [(c.rule, c.before, c.after, c.applied, c.level) for c in issue.changes] == [
        ("script.traditional", "於", "于", False, "unsafe")
    ]
