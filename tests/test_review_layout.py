"""Layout decisions made in review (`[[layout]]` entries): each kind takes effect where the
model decided otherwise, is marked `layout.review`, and a decision whose line changed is a
warning, not applied. (`join`, `keep-break` and `new-article` are also the examples of the
layout.review rule, run by test_rules.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.errors import RuleErrors
from kcclean.layout.decisions import LABELS
from kcclean.output.snapshot import render_plain
from kcclean.pipeline import clean_text, default_rulebook
from kcclean.rules import LINE_DECISIONS, with_review

NEWS = "柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开会议。\n\n"

# decide, line, transcript, how its articles come out with the decision (each differs from
# how they come out without it: checked below)
CASES = [
    ("headline", 5, NEWS + "乡村振兴再出发\n\n会议强调，要抓好落实。", "# 柯城召开会议\n本报讯（记者 王思）5月8日，柯城召开会议。\n\n# 乡村振兴再出发\n会议强调，要抓好落实。"),
    ("not-headline", 5, NEWS + "区图书馆新增3家城市书房\n\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。",
     "# 柯城召开会议\n本报讯（记者 王思）5月8日，柯城召开会议。\n区图书馆新增3家城市书房\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。"),
    ("same-article", 5, NEWS + "区图书馆新增3家城市书房\n\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。",
     "# 柯城召开会议\n本报讯（记者 王思）5月8日，柯城召开会议。\n区图书馆新增3家城市书房\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。"),
    ("subhead", 5, NEWS + "区图书馆新增3家城市书房\n\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。",
     "# 柯城召开会议\n本报讯（记者 王思）5月8日，柯城召开会议。\n区图书馆新增3家城市书房\n本报讯（记者 李明）近日，区图书馆新增3家城市书房。"),
    ("body", 1, "区图书馆新增3家城市书房\n\n近日，区图书馆新增3家城市书房。", "区图书馆新增3家城市书房\n近日，区图书馆新增3家城市书房。"),
    ("byline", 3, "柯城召开会议\n\n区融媒体中心\n\n5月8日，柯城召开会议。", "# 柯城召开会议\n5月8日，柯城召开会议。"),
    # not a byline: the model decides what else it is (here a second headline line)
    ("not-byline", 3, "柯城召开会议\n\n■记者 王思\n\n5月8日，柯城召开会议。", "# 柯城召开会议\n# ■记者 王思\n5月8日，柯城召开会议。"),
    ("keep-in-place", 5, "柯城召开会议\n\n措施落实，推进乡村振兴各项工作走深走实。\n\n本报讯（记者 王思）5月8日，柯城召开会议。会议强调，要抓好各项",
     "# 柯城召开会议\n措施落实，推进乡村振兴各项工作走深走实。\n本报讯（记者 王思）5月8日，柯城召开会议。会议强调，要抓好各项"),
    # at a continuation's jump headline: it is not stitched to the article that jumps
    ("keep-in-place", 5, "柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开会议，部署（下转2版）\n\n柯城召开会议\n\n（上接1版）防控工作。",
     "# 柯城召开会议\n本报讯（记者 王思）5月8日，柯城召开会议，部署\n\n# 柯城召开会议\n防控工作。"),
]


def _decided(tmp_path: Path, decisions: str):
    review = tmp_path / "review.toml"
    review.write_text(decisions, encoding="utf-8")
    return with_review(default_rulebook(), review)


def _entry(line: int, decide: str, text: str = "") -> str:
    return f'[[layout]]\nsource = "page.txt"\nline = {line}\ndecide = "{decide}"\nnote = "in review"\n' + (f'text = "{text}"\n' if text else "")


@pytest.mark.parametrize("decide, line, transcript, expected", CASES, ids=[c[0] for c in CASES])
def test_a_review_decision_overrules_the_model_and_is_marked(tmp_path, decide, line, transcript, expected) -> None:
    undecided = render_plain(clean_text(transcript, "page.txt", rulebook=default_rulebook())).rstrip("\n")
    issue = clean_text(transcript, "page.txt", rulebook=_decided(tmp_path, _entry(line, decide)))
    assert undecided != expected  # the decision is what changes it
    assert render_plain(issue).rstrip("\n") == expected
    marks = [c for c in issue.changes if c.rule == "layout.review"]
    assert [(m.line, m.kind, m.before, m.after, m.is_fix) for m in marks] == [(line, "review", "", "", False)]
    assert "review.toml:1): " in marks[0].evidence and decide in marks[0].evidence
    subheads = [article.body[k] for article in issue.articles for k in article.subheads]
    assert (subheads == ["区图书馆新增3家城市书房"]) == (decide == "subhead")


def test_a_decision_about_a_line_that_changed_is_a_warning_and_not_applied(tmp_path) -> None:
    transcript = NEWS + "乡村振兴再出发\n\n会议强调，要抓好落实。"
    rulebook = _decided(tmp_path, _entry(5, "subhead", text="乡村振兴新篇章"))
    issue = clean_text(transcript, "page.txt", rulebook=rulebook)
    assert render_plain(issue) == render_plain(clean_text(transcript, "page.txt", rulebook=default_rulebook()))
    assert not [c for c in issue.changes if c.rule == "layout.review"]
    assert any("line 5 of page.txt now reads '乡村振兴再出发', not '乡村振兴新篇章'" in w for w in issue.warnings)


def test_a_decision_that_still_reads_as_its_line_is_applied(tmp_path) -> None:
    transcript = NEWS + "乡村振兴再出发\n\n会议强调，要抓好落实。"
    issue = clean_text(transcript, "page.txt", rulebook=_decided(tmp_path, _entry(5, "subhead", text="乡村振兴再出发")))
    assert [c.rule for c in issue.changes if c.rule == "layout.review"] == ["layout.review"]
    assert not issue.warnings


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('[[layout]]\nsource = "a.txt"\nline = 3\ndecide = "merge"\n', "`decide` must be one of"),
        ('[[layout]]\nsource = "a.txt"\nline = 0\ndecide = "join"\n', "`line` must be the line of the input"),
        ('[[layout]]\nline = 3\ndecide = "join"\n', "`source` must name the input file"),
        ('[[layout]]\nsource = "a.txt"\nline = 3\ndecide = "join"\nwhy = "x"\n', "unknown field(s) why"),
    ],
)
def test_a_broken_layout_entry_is_named_by_file_and_line(tmp_path, entry, problem) -> None:
    with pytest.raises(RuleErrors) as raised:
        _decided(tmp_path, "# a review\n\n" + entry)
    assert f"review.toml:3: [[layout]]: {problem}" in str(raised.value)


def test_line_decisions_leave_labels_of_the_model() -> None:
    assert set().union(*LINE_DECISIONS.values()) == set(LABELS)


def test_check_diff_and_an_imported_rules_folder_keep_a_decision(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text("柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开会议，部署\n\n乡村振兴工作。\n", encoding="utf-8")
    Path("review.toml").write_text(_entry(5, "keep-break"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["check", "page.txt"]).exit_code == 1  # the join is a fix to make
    checked = runner.invoke(app, ["check", "page.txt", "--review", "review.toml"])
    assert checked.exit_code == 0, checked.output
    assert "layout.review  kept by review (review.toml:1): keep-break, in review" in checked.output
    shown = runner.invoke(app, ["diff", "page.txt", "--review", "review.toml", "--no-color"])
    assert "why: kept by review (review.toml:1): keep-break" in shown.output and "join.broken-wrap" not in shown.output
    assert runner.invoke(app, ["rules", "import", "review.toml", "--dir", "my_rules"]).exit_code == 0
    fixed = runner.invoke(app, ["fix", "page.txt", "--rules", "my_rules", "--out", "out"])
    assert fixed.exit_code == 0, fixed.output
    article = next(Path("out").glob("*/*.md")).read_text(encoding="utf-8")
    assert "部署\n\n乡村振兴工作。" in article


def test_the_undo_of_each_layout_change_in_report_json_undoes_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text(
        "今日柯城\n\n柯城召开会议\n\n■记者 王思\n\n落实，推进\n\n乡村振兴工作。\n\n本报讯 5月8日，柯城召开会议。会议强调，要抓好\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["fix", "page.txt", "--out", "first"]).exit_code == 0
    changes = json.loads(Path("first/report.json").read_text(encoding="utf-8"))["changes"]
    rejected = [c for c in changes if c["undo"] and c["applied"]]  # what a reviewer rejects
    undone = {(c["rule"], c["undo"]["decide"]) for c in rejected}
    assert undone == {("masthead.lines", "body"), ("layout.byline", "not-byline"), ("move.displaced-lead", "keep-in-place"), ("join.broken-wrap", "keep-break")}
    entries = "".join(
        "[[layout]]\n" + "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in c["undo"].items()) + "\n"
        for c in rejected
    )
    Path("review.toml").write_text(entries, encoding="utf-8")
    assert runner.invoke(app, ["fix", "page.txt", "--review", "review.toml", "--out", "second"]).exit_code == 0
    again = json.loads(Path("second/report.json").read_text(encoding="utf-8"))["changes"]
    assert not [c for c in again if c["undo"] and c["applied"]]  # every one of them undone
    # the lead kept in place, its join to the tail it was moved above is no break any more
    assert len([c for c in again if c["rule"] == "layout.review"]) == len(rejected) - 1
