"""`script` rules: stray traditional characters in simplified text."""

from __future__ import annotations

from kcclean.pipeline import clean_text


def test_script_rule_converts_nothing_in_a_traditional_text() -> None:
    traditional = "柯城召開會議\n\n本報訊（記者 王思）區委書記主持會議，強調要進一步做好疫情防控工作。"
    issue = clean_text(traditional)
    assert "區委書記" in issue.articles[0].body[0]
    assert any("script.traditional converts nothing" in w for w in issue.warnings)


def test_script_rule_reports_each_converted_word() -> None:
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）區委書記朱素芳主持会议，强调要进一步做好疫情防控工作。")
    words = [(c.before, c.after) for c in issue.changes if c.rule == "script.traditional"]
    assert words == [("區委書記", "区委书记")]


def test_a_traditional_character_in_a_name_before_a_title_is_only_suggested() -> None:
    # 趙 before 女士 is a name-like place (the built-in `name_after`): the surname may be
    # written so on purpose, so 趙 → 赵 is suggested, not made.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）趙女士在社区做了十年志愿者。")
    assert issue.articles[0].body == ["本报讯（记者 王思）趙女士在社区做了十年志愿者。"]
    (change,) = [c for c in issue.changes if c.rule == "script.traditional"]
    assert (change.before, change.after, change.applied) == ("趙", "赵", False)
