"""Page-jump markers name their page in digits or in Chinese numerals: each form is read as
the page number it writes (kcclean/layout/cues.py's page numbers, seen through clean_text)."""

from __future__ import annotations

import pytest

import kcclean

LEAD = "区领导督导防控工作\n\n本报讯（记者 方心怡）连日来，区领导深入一线，检查"


@pytest.mark.parametrize(
    ("page", "number"),
    [("2", 2), ("12", 12), ("二", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("九十九", 99)],
)
def test_a_forward_marker_gives_the_page_it_names(page: str, number: int) -> None:
    issue = kcclean.clean_text(f"{LEAD}（下转第{page}版）")
    assert [(a.continued_to, a.body) for a in issue.articles] == [(number, ["本报讯（记者 方心怡）连日来，区领导深入一线，检查"])]


def test_a_marker_whose_numerals_name_no_page_is_text() -> None:
    # 二三 is no number: the line is kept as written, not read (it stopped the run with a KeyError)
    issue = kcclean.clean_text(f"{LEAD}（下转第二三版）")
    assert [(a.continued_to, a.body) for a in issue.articles] == [(None, ["本报讯（记者 方心怡）连日来，区领导深入一线，检查（下转第二三版）"])]
