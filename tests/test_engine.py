"""How the rule engine keeps to few, cheap passes without changing what it finds."""

from __future__ import annotations

from pathlib import Path

import pytest

import kcclean
from kcclean import pipeline
from kcclean.model import Change, Role, Source, Trace, Unit
from kcclean.provenance import join_link, joined
from kcclean.rules import Settings, load_rulebook
from kcclean.rules.engine import MAX_PASSES, Slot, repair
from kcclean.rules.scan import touched_texts


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
