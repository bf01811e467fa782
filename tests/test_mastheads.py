"""Any paper's masthead lines are page furniture, whatever their order and separators, and the
issue's date, number and page are read off them (rules/80-masthead.toml, layout/issues.py); the
lines of an article that look like them stay in the article."""

from __future__ import annotations

import pytest

import kcclean

ARTICLE = "区领导督导防控工作\n\n本报讯（记者 方心怡）连日来，区领导深入一线，检查指导疫情防控工作。"


@pytest.mark.parametrize(
    ("masthead", "date", "number", "page"),
    [
        # a page count is not the page's number, however many digits it has
        (["2024年5月8日 星期三 第1250期 今日12版"], "2024-05-08", 1250, 1),
        (["2024年5月8日 本期12版 第3版 要闻"], "2024-05-08", None, 3),
        (["共16版", "2024年5月8日", "第2版"], "2024-05-08", None, 2),
        (["甲辰年五月初八 | 星期四 | 2024.06.13", "第9876期 A3 民生"], "2024-06-13", 9876, 3),
        (["农历甲辰年三月初一 / 星期二 / 2024年4月9日", "总第6012期 今日8版", "02 要闻 值班总编：刘建国"], "2024-04-09", 6012, 2),
        (["总第5012期", "第十二版 视点", "2024年12月10日（星期二）"], "2024-12-10", 5012, 12),
    ],
)
def test_a_dateline_of_any_paper_gives_the_issue_s_date_number_and_page(masthead, date, number, page) -> None:
    issue = kcclean.clean_text("\n\n".join([*masthead, ARTICLE]), "page.txt")
    assert (issue.masthead, issue.date, issue.number) == (masthead, date, number)
    assert [(a.headline, a.page) for a in issue.articles] == [(["区领导督导防控工作"], page)]


@pytest.mark.parametrize(
    "line",
    [
        "主办单位：中共柯城区委宣传部",  # a notice's organiser, not the paper's publisher
        "承办单位：柯城区文化馆 柯城区摄影家协会",
        "出版单位：浙江人民出版社",
    ],
)
def test_a_notice_s_organisers_are_not_the_paper_s_masthead(line: str) -> None:
    notice = f"柯城区第三届摄影大赛征稿启事\n\n为展示柯城发展新貌，现面向社会征集摄影作品。\n\n{line}\n\n投稿截止时间为6月30日。"
    issue = kcclean.clean_text(notice)
    assert issue.masthead == [] and any(line in [*a.headline, *a.body] for a in issue.articles)


@pytest.mark.parametrize(
    "line",
    [
        "2024.4.30",  # a notice's date, printed short
        "订阅热线：3049743",
        "网址：www.kcedu.gov.cn",
        "主办：中共柯城区委 柯城区融媒体中心",  # an event's organisers
        "今日天气：多云，22～30℃",
        "HAPPY NEW YEAR",
        "主编：张三",
        "A3 要闻",
    ],
)
def test_a_line_of_an_article_that_a_masthead_could_hold_stays_in_the_article(line: str) -> None:
    """Such an item counts as furniture only beside another item on its line, as a masthead
    prints it (订阅热线：3049743 www.kcnews.cn); alone at an article's end it is the article's."""
    text = f"2024年5月8日 星期三\n\n第2300期\n\n{ARTICLE}\n\n{line}\n"
    issue = kcclean.clean_text(text, "page.txt")
    assert (issue.masthead, issue.date) == (["2024年5月8日 星期三", "第2300期"], "2024-05-08")
    # as text, its spaces are the body's to repair (A3 要闻 → A3要闻)
    assert any(line.replace(" ", "") in [t.replace(" ", "") for t in (*a.headline, *a.body)] for a in issue.articles)
    assert {a.page for a in issue.articles} == {1}


@pytest.mark.parametrize("line", ["2024 年 9 月 3 日 星期二", "今日天气：多云 东风 3 级 18～25℃ 新闻热线：3049743"])
def test_a_number_in_a_masthead_line_is_not_taken_for_the_page(line: str) -> None:
    issue = kcclean.clean_text(f"{line}\n\n第5012期\n\n{ARTICLE}", "page.txt")
    assert line in issue.masthead and {a.page for a in issue.articles} == {1}
