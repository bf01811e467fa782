"""A column cut whose second part repeats the end of the first: three repeated characters are
an OCR overlap and removed; two may be real text (研究研究, 工作工作) and are only suggested."""

from __future__ import annotations

import pytest

from kcclean.pipeline import clean_text

HEAD = "柯城召开会议\n\n本报讯（记者 王思）5月8日，柯城召开疫情防控工"


@pytest.mark.parametrize(
    ("second", "repeated", "applied", "body"),
    [
        ("控工作会议。", "控工", False, "本报讯（记者 王思）5月8日，柯城召开疫情防控工控工作会议。"),
        ("防控工作会议。", "防控工", True, "本报讯（记者 王思）5月8日，柯城召开疫情防控工作会议。"),
    ],
    ids=["two-suggested", "three-removed"],
)
def test_an_overlap_at_a_column_cut(second: str, repeated: str, applied: bool, body: str, rulebook) -> None:
    issue = clean_text(f"{HEAD}\n\n{second}\n", rulebook=rulebook)
    (article,) = issue.articles
    assert article.body == [body]
    overlaps = [(c.before, c.applied, c.level) for c in issue.changes if c.rule == "join.overlap"]
    assert overlaps == [(repeated, applied, "safe" if applied else "unsafe")]
    assert [c.rule for c in issue.changes if c.kind == "join"] == ["join.broken-wrap"]
