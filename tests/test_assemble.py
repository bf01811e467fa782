"""Roles to articles (kcclean/layout/assemble.py, joins.py, pages.py): banners, moved leads, joins and headline spaces,
checked on the articles, the changes and the evidence a user reads in the report."""

from __future__ import annotations

import dataclasses
import re

import pytest

from kcclean import clean_text
from kcclean.layout.decisions import LayoutModel, builtin_model
from kcclean.model import Change, Issue
from kcclean.rules import Settings, load_rulebook

# A hard-wrapped column of 15 characters with no indents. The third line is as long as the
# column and ends with 。, yet the paragraph goes on below it: without indents nothing marks
# where a paragraph starts, so a full line is joined to the next one even after a full stop.
UNINDENTED_COLUMN = """\
石室乡举办厨艺大赛

本报讯（通讯员 周婷）6月2日
，石室乡在文化礼堂举办首届乡村
厨艺大赛，30名农家厨师参赛。
评委从色、香、味等方面现场打分
，最终评出金奖3名、银奖5名。
"""

# The lead was printed after the rest of its article (the column order was read wrong):
# the text from the lead to the end stops mid-sentence, and the first paragraph finishes it.
LEAD_AFTER_ITS_TAIL = """\
石室乡晚稻喜获丰收

收割机在田间来回穿梭，一派繁忙景象。

据了解，今年全乡种植晚稻3000余亩。

本报讯（记者 王思）10月20日，走进石室乡的千亩稻田，
"""


def _joins(issue: Issue) -> list[Change]:
    return [change for change in issue.changes if change.kind == "join"]


_WEIGHED = re.compile(r"(?:^|; )([^;]+?) \(([+-]\d+\.\d\d)\)")


def _weighed(evidence: str) -> dict[str, float]:
    """A decision's evidence as the report shows it, `feature: detail (+1.23); …; a cut with
    probability 0.89`, read back as feature (with its detail) → contribution. The weights
    are fitted, so tests hold the features named and which way they pull, not their size."""
    assert re.search(r"; a cut with probability \d\.\d\d$", evidence), evidence
    return {name: float(weight) for name, weight in _WEIGHED.findall(evidence)}


# --- banners -----------------------------------------------------------------------------


def test_a_banner_at_the_top_of_a_page_is_recorded_on_the_issue() -> None:
    # A headline with no body of its own and no article before it: a column banner.
    issue = clean_text("乡村振兴在行动\n\n\n柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开乡村振兴工作会议。\n")
    assert issue.banners == ["乡村振兴在行动"]
    assert [(a.headline, a.body) for a in issue.articles] == [
        (["柯城召开会议"], ["本报讯（记者 王思）5月8日，柯城召开乡村振兴工作会议。"])
    ]
    assert [(c.rule, c.line) for c in issue.changes if c.rule == "layout.banner"] == [("layout.banner", 1)]


def test_a_banner_between_articles_stays_a_banner_even_when_it_echoes_the_article_before() -> None:
    # Only the last line of a page can be an article's cut-off tail (layout.orphan): a line
    # between two articles whose words come from the first is still a banner, not its text.
    text = (
        "柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开乡村振兴工作推进会议。\n\n\n"
        "乡村振兴工作推进\n\n\n"
        "石室乡举办厨艺大赛\n\n本报讯（通讯员 周婷）6月2日，石室乡举办首届乡村厨艺大赛。\n"
    )
    issue = clean_text(text)
    assert issue.banners == ["乡村振兴工作推进"]
    assert [a.body for a in issue.articles] == [
        ["本报讯（记者 王思）5月8日，柯城召开乡村振兴工作推进会议。"],
        ["本报讯（通讯员 周婷）6月2日，石室乡举办首届乡村厨艺大赛。"],
    ]
    assert not [c for c in issue.changes if c.rule == "layout.orphan"]


def _last_line_a_headline() -> LayoutModel:
    """The shipped model, pushed to read a page's last line as a headline: what it may do on
    a paper unlike the corpus, which leaves a headline with no article under it."""
    model = builtin_model()
    state = {name: dict(weights) for name, weights in model.state.items()}
    state["last line of the page"]["head"] = state["last line of the page"].get("head", 0.0) + 30
    return dataclasses.replace(model, state=state)


@pytest.mark.parametrize("gap, tail", [("\n\n", True), ("\n\n\n", False)], ids=["one blank line: its tail", "two: a banner"])
def test_a_headline_with_no_article_under_it_is_what_the_model_reads_it_as_otherwise(gap: str, tail: bool) -> None:
    text = "柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开会议，部署乡村振兴工作，要求各地推动" + gap + "乡村振兴工作取得实效"
    issue = clean_text(text, model=_last_line_a_headline())
    moved = [c for c in issue.changes if c.rule == "layout.orphan"]
    assert issue.articles[0].body[-1].endswith("推动乡村振兴工作取得实效") is tail  # moved, then joined
    assert (issue.banners == ["乡村振兴工作取得实效"]) is not tail
    assert bool(moved) is tail
    if tail:  # the evidence is the model's, body against banner
        assert "blank lines before: 1 (+" in moved[0].evidence and "; banner by " in moved[0].evidence


# --- a displaced lead --------------------------------------------------------------------


def test_a_lead_printed_after_its_own_tail_is_moved_up_as_a_safe_fix() -> None:
    issue = clean_text(LEAD_AFTER_ITS_TAIL)
    assert issue.articles[0].body == [
        "本报讯（记者 王思）10月20日，走进石室乡的千亩稻田，收割机在田间来回穿梭，一派繁忙景象。",
        "据了解，今年全乡种植晚稻3000余亩。",
    ]
    [move] = [c for c in issue.changes if c.rule == "move.displaced-lead"]
    # report.json's `level` says whether a default run makes the change (the rule's level)
    assert (move.kind, move.applied, move.level, move.line) == ("move", True, "safe", 7)


def test_an_ignored_displaced_lead_rule_keeps_the_printed_order() -> None:
    # --ignore move.displaced-lead: the article is left as printed and says it ends mid-sentence.
    rulebook = load_rulebook(Settings(ignore=["move.displaced-lead"]))
    issue = clean_text(LEAD_AFTER_ITS_TAIL, rulebook=rulebook)
    assert issue.articles[0].body == [
        "收割机在田间来回穿梭，一派繁忙景象。",
        "据了解，今年全乡种植晚稻3000余亩。",
        "本报讯（记者 王思）10月20日，走进石室乡的千亩稻田，",
    ]
    assert [c for c in issue.changes if c.rule == "move.displaced-lead"] == []
    assert issue.articles[0].truncated


def test_a_lead_is_moved_up_only_as_far_as_the_layout_model_weighs_its_end_as_a_cut() -> None:
    # The move rests on the same weighing as a join: the text ending the displaced part must
    # read on into the article's first paragraph. A model that wants more certainty than this
    # break gives only suggests the move and keeps the printed order; a lead whose text ends
    # a sentence was not cut there: it stays, with a warning.
    text = "柯城召开会议\n\n会议强调，要抓好落实，推进\n\n本报讯（记者 王思）5月8日，柯城召开会议。会议指出，"
    [move] = [c for c in clean_text(text).changes if c.rule == "move.displaced-lead"]
    probability = float(re.search(r"a cut with probability (\d\.\d\d)", move.evidence).group(1))
    assert "no sentence end: '。会议指出，'" in move.evidence
    doubtful = clean_text(text, model=dataclasses.replace(builtin_model(), apply_at=probability + 0.01))
    [suggested] = [c for c in doubtful.changes if c.rule == "move.displaced-lead"]
    assert (suggested.applied, suggested.level) == (False, "unsafe")
    assert doubtful.articles[0].body[0] == "会议强调，要抓好落实，推进"
    ended = clean_text("柯城召开会议\n\n会议强调，要抓好落实。\n\n本报讯（记者 王思）5月8日，柯城召开会议。")
    assert not [c for c in ended.changes if c.rule == "move.displaced-lead"]
    assert ended.articles[0].warnings == ["a lead stands in the middle of the article (line 5)"]


# --- joins -------------------------------------------------------------------------------


def test_a_full_line_ending_a_sentence_goes_on_in_a_column_without_indents() -> None:
    issue = clean_text(UNINDENTED_COLUMN)
    assert issue.articles[0].body == [
        "本报讯（通讯员 周婷）6月2日，石室乡在文化礼堂举办首届乡村厨艺大赛，30名农家厨师参赛。"
        "评委从色、香、味等方面现场打分，最终评出金奖3名、银奖5名。"
    ]
    [after_the_stop] = [c for c in _joins(issue) if c.line == 5]
    assert (after_the_stop.rule, after_the_stop.applied) == ("join.line-wrap", True)
    weighed = _weighed(after_the_stop.evidence)
    assert weighed["the line fills the column: 15 characters"] > 0
    assert weighed["a sentence ends before it: '家厨师参赛。'"] < 0


def test_a_lead_cut_off_after_its_bracket_is_joined_to_the_text_after_it() -> None:
    # 本报讯（记者 王思） alone is no paragraph: its text was cut off by the blank line.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）\n\n柯城区日前召开安全生产工作会议，部署下一阶段工作。\n")
    assert issue.articles[0].body == ["本报讯（记者 王思）柯城区日前召开安全生产工作会议，部署下一阶段工作。"]
    [join] = _joins(issue)
    assert (join.rule, join.applied, join.level) == ("join.broken-wrap", True, "safe")
    weighed = _weighed(join.evidence)
    assert weighed["a lead with no text after its cue"] > 0 and weighed["no sentence end: '记者 王思）'"] > 0
    assert weighed["the first part may end with a quote: '王思）'"] < 0


def test_a_close_call_between_paragraphs_is_an_unsafe_suggestion_that_unsafe_makes() -> None:
    # The first paragraph stops mid-clause, but the next opens like a paragraph (近日，):
    # the join is only suggested, as an unsafe change, and --unsafe makes it.
    text = (
        "柯城部署防汛工作\n\n"
        "本报讯（记者 王思）6月5日，柯城区召开防汛工作会议，部署汛期防汛工作\n\n"
        "近日，各乡镇已完成隐患排查。\n"
    )
    issue = clean_text(text)
    assert issue.articles[0].body == [
        "本报讯（记者 王思）6月5日，柯城区召开防汛工作会议，部署汛期防汛工作",
        "近日，各乡镇已完成隐患排查。",
    ]
    [join] = _joins(issue)
    assert (join.rule, join.applied, join.level) == ("join.broken-wrap", False, "unsafe")
    weighed = _weighed(join.evidence)
    assert weighed["the next part opens a paragraph: '近日，各乡镇'"] < 0 and weighed["no sentence end: '汛期防汛工作'"] > 0
    assert issue.articles[0].warnings == [
        "line 3: a paragraph may have been cut here; it was kept apart from the next (a suggested join)"
    ]
    made = clean_text(text, unsafe=True)
    assert made.articles[0].body == [
        "本报讯（记者 王思）6月5日，柯城区召开防汛工作会议，部署汛期防汛工作近日，各乡镇已完成隐患排查。"
    ]
    assert [(c.applied, c.level) for c in _joins(made)] == [(True, "unsafe")]


def test_a_paragraph_cut_after_the_x_of_an_x_ray_machine_is_joined() -> None:
    # A Latin X is no closing quote or bracket: the cut is weighed like any other.
    issue = clean_text(
        "区人民医院添新设备\n\n本报讯（记者 王思）近日，区人民医院新引进一台数字化X\n\n光机，已正式投入使用。\n"
    )
    assert issue.articles[0].body == ["本报讯（记者 王思）近日，区人民医院新引进一台数字化X光机，已正式投入使用。"]
    [join] = _joins(issue)
    assert join.applied
    weighed = _weighed(join.evidence)
    assert weighed["no sentence end: '一台数字化X'"] > 0 and not any("quote" in name for name in weighed)



def test_stray_characters_after_a_full_stop_do_not_join_the_next_paragraph() -> None:
    # OCR leaves a � or a zero-width space after the 。 that ends a paragraph; repair removes
    # them, so the paragraph ended there and the next one stays its own.
    issue = clean_text(
        "柯城部署防汛工作\n\n本报讯（记者 王思）5月8日，柯城召开防汛工作会议，要求各地压实责任。\ufffd\u200b\ufffd\n\n"
        "会议还部署了下一阶段的隐患排查工作。\n"
    )
    assert issue.articles[0].body == [
        "本报讯（记者 王思）5月8日，柯城召开防汛工作会议，要求各地压实责任。",
        "会议还部署了下一阶段的隐患排查工作。",
    ]
    assert _joins(issue) == []


def test_masthead_lines_are_recorded_as_taken_out_whole() -> None:
    # A recorded line is metadata: its change takes the whole line out of the text (after ""),
    # so the report and the "every character is accounted for" check see it removed, not replaced.
    issue = clean_text("今日柯城\n2023年5月10日 星期三\n\n柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开乡村振兴工作会议。\n")
    assert [(c.rule, c.kind, c.before, c.after, c.line) for c in issue.changes] == [
        ("masthead.lines", "record", "今日柯城", "", 1),
        ("masthead.lines", "record", "2023年5月10日 星期三", "", 2),
    ]

# --- headline spaces ---------------------------------------------------------------------


def test_a_headline_with_two_split_words_closed_still_comes_from_its_own_line() -> None:
    # Both spaces cut words the body prints whole. The headline still comes from line 1
    # alone, its two removed spaces inside its span.
    issue = clean_text("柯城 召开疫情 防控会议\n\n本报讯（记者 王思）5月8日，柯城召开疫情防控会议。\n")
    article = issue.articles[0]
    assert article.headline == ["柯城召开疫情防控会议"]
    assert [(c.line, c.column) for c in issue.changes if c.rule == "headline.split-word"] == [(1, 3), (1, 8)]
    assert [[(run.start, run.end) for run in part.trace.spans()] for part in article.parts] == [[(0, 12)], [(14, 40)]]
