"""`pairs` rules: straight quotation marks made into opening and closing ones."""

from __future__ import annotations

from kcclean.pipeline import clean_text


def test_apostrophes_in_latin_text_stay_straight_even_two_in_a_paragraph() -> None:
    # punct.single-quotes pairs straight quotes only around Chinese text: two apostrophes of
    # an English sentence quoted in a report are not a quotation.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）英语角上，学生们齐声朗读 It's Tom's book 这句话。")
    assert issue.articles[0].body == ["本报讯（记者 王思）英语角上，学生们齐声朗读 It's Tom's book 这句话。"]
