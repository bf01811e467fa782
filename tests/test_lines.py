"""Splitting a transcript into lines with their layout (kcclean/layout/lines.py): each case is a
small page and every unit's layout facts, exactly. The pages sit on the edges of the rules:
a column found from exactly four wrapped lines or exactly 60 % of them (not 40 %), a line one
character off the column width, a seventh `#`, paragraphs indented exactly half the time (not
two times in five)."""

from __future__ import annotations

import pytest

from kcclean.errors import InputError
from kcclean.layout.lines import split_units
from kcclean.model import Source

# (text, line, column, block_start, gap_before, heading, indented, full_width)
Layout = tuple[str, int, int, bool, int, int, bool, bool]

PAGES = [
    pytest.param(
        "## 标题一行\n\n\n####### 七个井号\n#没有空格\n##\n###### 六级\n",
        None,
        False,
        [
            ("标题一行", 1, 4, True, 0, 2, False, False),
            ("####### 七个井号", 4, 1, True, 2, 0, False, False),  # seven marks: not a heading
            ("#没有空格", 5, 1, False, 0, 0, False, False),
            ("##", 6, 1, False, 0, 0, False, False),
            ("六级", 7, 8, False, 0, 6, False, False),
        ],
        id="markdown-headings",
    ),
    pytest.param(
        "　　一二三四五六七八\n一二三四五六七八九十\n一二三四五六七八九。\n　　一二三四五六七八九\n一二三四五六七八九\n一二三四五六七八\n末行。\n",
        10,
        False,
        [
            ("一二三四五六七八", 1, 3, True, 0, 0, True, True),
            ("一二三四五六七八九十", 2, 1, False, 0, 0, False, True),
            ("一二三四五六七八九。", 3, 1, False, 0, 0, False, True),
            ("一二三四五六七八九", 4, 3, False, 0, 0, True, True),  # 11: hanging punctuation
            ("一二三四五六七八九", 5, 1, False, 0, 0, False, True),  # 9
            ("一二三四五六七八", 6, 1, False, 0, 0, False, False),  # 8: two short
            ("末行。", 7, 1, False, 0, 0, False, False),
        ],
        id="column-of-ten",
    ),
    pytest.param(
        "一二三四五六七八\n" * 4 + "末行\n",
        8,
        False,
        [(line, n, 1, n == 1, 0, 0, False, True) for n, line in enumerate(["一二三四五六七八"] * 4, 1)]
        + [("末行", 5, 1, False, 0, 0, False, False)],
        id="four-wrapped-lines-make-a-column",
    ),
    pytest.param(
        "一二三四五六七八\n" * 3 + "末行\n",
        None,
        False,
        [(line, n, 1, n == 1, 0, 0, False, False) for n, line in enumerate(["一二三四五六七八"] * 3 + ["末行"], 1)],
        id="three-wrapped-lines-do-not",
    ),
    pytest.param(
        "一二三四五六七\n" * 4 + "末行\n",
        None,
        False,
        [(line, n, 1, n == 1, 0, 0, False, False) for n, line in enumerate(["一二三四五六七"] * 4 + ["末行"], 1)],
        id="seven-wide-is-no-column",
    ),
    pytest.param(
        "一二三四五六七八九十\n" * 3 + "一二三四\n一二三四五\n末行\n",
        10,
        False,
        [(line, n, 1, n == 1, 0, 0, False, n <= 3) for n, line in enumerate(["一二三四五六七八九十"] * 3 + ["一二三四", "一二三四五", "末行"], 1)],
        id="three-of-five-at-the-width",
    ),
    pytest.param(
        "一二三四五六七八九十\n" * 2 + "一二三四\n一二三四五\n一二三四五六\n末行\n",
        None,
        False,
        [(line, n, 1, n == 1, 0, 0, False, False) for n, line in enumerate(["一二三四五六七八九十"] * 2 + ["一二三四", "一二三四五", "一二三四五六", "末行"], 1)],
        id="two-of-five-at-the-width-is-no-column",
    ),
    # Sentences longer than one character plus its 。: a paragraph start is found by the
    # last character of the line before it, wherever the line is cut.
    pytest.param(
        "村道拓宽了。\n　　路灯装上了。\n　　游客多起来了。\n民宿也开张了。\n村民们\n",
        None,
        True,
        [
            ("村道拓宽了。", 1, 1, True, 0, 0, False, False),
            ("路灯装上了。", 2, 3, False, 0, 0, True, False),
            ("游客多起来了。", 3, 3, False, 0, 0, True, False),
            ("民宿也开张了。", 4, 1, False, 0, 0, False, False),
            ("村民们", 5, 1, False, 0, 0, False, False),
        ],
        id="half-the-paragraph-starts-indented",
    ),
    pytest.param(
        "路灯亮了。\n　　游客来了。\n　　民宿开了。\n店铺多了。\n生意好了。\n村民们\n",
        None,
        False,
        [
            ("路灯亮了。", 1, 1, True, 0, 0, False, False),
            ("游客来了。", 2, 3, False, 0, 0, True, False),
            ("民宿开了。", 3, 3, False, 0, 0, True, False),
            ("店铺多了。", 4, 1, False, 0, 0, False, False),
            ("生意好了。", 5, 1, False, 0, 0, False, False),
            ("村民们", 6, 1, False, 0, 0, False, False),
        ],
        id="two-of-five-paragraph-starts-indented-is-no-habit",
    ),
    pytest.param(
        "甲。\n　　乙\n丙。\n丁\n",
        None,
        False,
        [
            ("甲。", 1, 1, True, 0, 0, False, False),
            ("乙", 2, 3, False, 0, 0, True, False),
            ("丙。", 3, 1, False, 0, 0, False, False),
            ("丁", 4, 1, False, 0, 0, False, False),
        ],
        id="one-indent-is-no-habit",
    ),
]


@pytest.mark.parametrize(("text", "wrap_width", "uses_indent", "units"), PAGES)
def test_units_and_their_layout(text: str, wrap_width: int | None, uses_indent: bool, units: list[Layout]) -> None:
    page = split_units(Source.of("p.txt", text))
    assert (page.wrap_width, page.uses_indent) == (wrap_width, uses_indent)
    found = [
        (u.text, u.line, u.trace.where(0)[2], u.block_start, u.gap_before, u.heading, u.indented, u.full_width)
        for u in page.units
    ]
    assert found == units


def test_a_heading_marker_is_recorded_where_it_stood() -> None:
    page = split_units(Source.of("p.txt", "正文\n\n  ### 小标题\n"))
    assert [(c.rule, c.line, c.column, c.before, c.after, c.kind, c.evidence) for c in page.changes] == [
        ("layout.heading-marker", 3, 3, "### ", "", "record", "markdown heading level 3")
    ]


ARTICLE_ID = '---\nid: "2021-01-20_1768-01"\n'

# Each case: the front matter read, and the first unit of text after it (line, text). Front
# matter that is not kcclean's own is text like any other and is kept whole, from its first `-`.
FRONT_MATTER = [
    pytest.param(ARTICLE_ID + 'date: "2021-01-20"\nbyline: \n---\n正文\n', {"id": "2021-01-20_1768-01", "date": "2021-01-20", "byline": None}, (6, "正文"), id="article-file"),
    # a value may hold a colon (a time of day): the key ends at the first one
    pytest.param(
        ARTICLE_ID + 'headline: ["敬老宴席12:00开席"]\n---\n正文\n',
        {"id": "2021-01-20_1768-01", "headline": ["敬老宴席12:00开席"]},
        (5, "正文"),
        id="colon-inside-a-value",
    ),
    pytest.param('---\ndate: "2021-01-20"\n---\n正文\n', {}, (1, "---"), id="no-id-not-ours"),
    pytest.param(ARTICLE_ID + "page: [1\n---\n正文\n", {}, (1, "---"), id="not-json"),
    pytest.param(ARTICLE_ID + "no colon here\n---\n正文\n", {}, (1, "---"), id="line-without-key"),
    pytest.param(ARTICLE_ID + ': "x"\n---\n正文\n', {}, (1, "---"), id="empty-key"),
    pytest.param(ARTICLE_ID + "正文\n", {}, (1, "---"), id="never-closed"),
    pytest.param("--- \n" + ARTICLE_ID[4:] + "---\n正文\n", {}, (1, "---"), id="not-at-the-very-start"),
]


@pytest.mark.parametrize(("text", "matter", "first_unit"), FRONT_MATTER)
def test_front_matter(text: str, matter: dict, first_unit: tuple[int, str]) -> None:
    page = split_units(Source.of("p.txt", text))
    assert page.front_matter == matter
    assert (page.units[0].line, page.units[0].text) == first_unit


def test_a_date_hand_edited_into_chinese_is_quoted_as_written_in_the_error() -> None:
    # The message must show the value the user typed, not \u escapes of it.
    with pytest.raises(InputError) as error:
        split_units(Source.of("p.txt", ARTICLE_ID + 'date: "2021年1月20日"\n---\n正文\n'))
    assert str(error.value) == 'p.txt: front matter: `date` must be a date written YYYY-MM-DD, not "2021年1月20日"'
