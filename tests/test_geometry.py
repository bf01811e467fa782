"""Reading order and layout measured from OCR boxes (kcclean.input.geometry), on hand-made
boxes: characters 20 px wide, body lines 22 px tall on a 32 px pitch."""

from __future__ import annotations

import random

from kcclean.input.geometry import Box, Laid, OcrLine, OcrPage, lay_out, reading_order


def line(name: str, left: float, top: float, chars: int, size: int = 20) -> OcrLine:
    """A line of `chars` characters of `size` px, named by its text."""
    return OcrLine(name + "字" * (chars - len(name)), Box(left, top, left + chars * size, top + int(size * 1.1)), name)


def two_columns() -> list[OcrLine]:
    """A headline across two columns, then two columns of four lines each, a gutter of 40 px
    and lines of the two columns at the same heights."""
    lines = [line("H", 40, 40, 14, 40)]
    for column, left in (("a", 40), ("b", 380)):
        for row in range(4):
            lines.append(line(f"{column}{row}", left, 120 + 32 * row, 15))
    return lines


def names(lines: list[OcrLine], order: list[int]) -> list[str]:
    return [lines[i].place for i in order]


def test_columns_are_read_one_after_the_other_whatever_order_the_engine_lists_them_in():
    lines = two_columns()
    expected = ["H", "a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3"]
    for seed in range(5):
        shuffled = lines[:]
        random.Random(seed).shuffle(shuffled)
        order = [index for index, _ in reading_order([l.box for l in shuffled])]
        assert names(shuffled, order) == expected


def test_each_line_is_in_the_column_a_vertical_cut_made():
    lines = two_columns()
    columns = {lines[i].place: column for i, column in reading_order([l.box for l in lines])}
    assert columns["a0"] == columns["a3"] != columns["b0"] == columns["b3"]
    assert columns["H"] not in (columns["a0"], columns["b0"])


def test_a_column_beside_a_headline_band_is_read_after_the_columns_under_the_band():
    # article one: a headline over columns 1-2; article two: column 3, from the top
    lines = [line("H1", 40, 40, 21, 30), line("H2", 720, 40, 10, 30)]
    lines += [line(f"{c}{row}", left, 100 + 32 * row, 15) for c, left in (("a", 40), ("b", 380), ("c", 720)) for row in range(3)]
    order = [i for i, _ in reading_order([l.box for l in lines])]
    assert names(lines, order) == ["H1", "a0", "a1", "a2", "b0", "b1", "b2", "H2", "c0", "c1", "c2"]


def laid(lines: list[OcrLine], **page) -> list[tuple[str, int, int]]:
    return [(lines[l.index].place, l.blank_before, l.indent) for l in lay_out(OcrPage(tuple(lines), **page))]


def test_a_headline_band_stands_apart_and_a_column_goes_on_without_a_break():
    got = laid(two_columns())
    assert got[:2] == [("H", 0, 0), ("a0", 1, 0)]
    assert ("b0", 0, 0) in got  # the text goes on at the top of the next column


def test_an_indent_is_measured_in_characters_from_the_columns_left_edge():
    lines = [line("p0", 80, 100, 13), line("p1", 40, 132, 15), line("p2", 40, 164, 6), line("q0", 80, 196, 13), line("q1", 40, 228, 10)]
    assert [(name, indent) for name, _, indent in laid(lines)] == [("p0", 2), ("p1", 0), ("p2", 0), ("q0", 2), ("q1", 0)]


def test_a_quote_mark_half_a_character_in_is_no_indent():
    lines = [line("p0", 50, 100, 15), line("p1", 40, 132, 15)]
    assert [indent for _, _, indent in laid(lines)] == [0, 0]


def test_a_gap_wider_than_a_line_is_a_blank_line():
    lines = [line("p0", 40, 100, 15), line("p1", 40, 132, 8), line("q0", 40, 196, 15), line("q1", 40, 228, 15)]
    assert [blank for _, blank, _ in laid(lines)] == [0, 0, 1, 0]


def test_the_lines_of_one_headline_are_one_block_a_kicker_of_another_size_is_not():
    kicker = line("K", 40, 40, 10, 28)
    main = [line("M1", 40, 80, 12, 40), line("M2", 40, 130, 12, 40)]
    body = [line(f"b{row}", 40, 200 + 32 * row, 15) for row in range(4)]
    got = laid([*body, main[1], kicker, main[0]])
    assert got[:4] == [("K", 0, 0), ("M1", 1, 0), ("M2", 0, 0), ("b0", 1, 0)]


def test_a_foot_line_in_the_bottom_margin_stands_apart_as_a_page_foot():
    lines = [line(f"p{row}", 40, 100 + 32 * row, 15) for row in range(10)] + [line("foot", 160, 560, 4)]
    got = laid(lines, height=600)
    assert got[-1] == ("foot", 2, 0)
    assert got[-2][1:] == (0, 0)


def test_no_lines_no_layout():
    assert lay_out(OcrPage(())) == []
    assert reading_order([]) == []


def test_laid_lines_are_every_line_once():
    for lines in (two_columns(), [line("前", 40, 40, 4, 40), line("后", 248, 40, 4, 40), *two_columns()[1:]]):
        laid = lay_out(OcrPage(tuple(lines)))
        assert sorted(i for l in laid for i in (l.index, *(i for i, _ in l.beside))) == list(range(len(lines)))
        assert isinstance(laid[0], Laid)


def test_a_headline_too_short_to_reach_the_last_column_still_heads_the_columns_under_it():
    # two articles, each a headline over cols 1-2 only and a body in three columns; the
    # gutter (40 px) is wider than the space between the articles (24 px)
    lines = []
    for article, top in (("A", 40), ("B", 210)):
        lines.append(line(f"H{article}", 40, top, 12, 40))
        lines += [line(f"{article}{c}{row}", left, top + 60 + 32 * row, 15) for c, left in (("a", 40), ("b", 380), ("c", 720)) for row in range(3)]
    boxes = [l.box for l in lines]
    headline = [l.box.height > 30 for l in lines]
    order = names(lines, [i for i, _ in reading_order(boxes, headline)])
    assert order == [f"{a}{c}{row}" if c else f"H{a}" for a in "AB" for c, row in [("", 0)] + [(c, r) for c in "abc" for r in range(3)]]
    plain_xy_cut = names(lines, [i for i, _ in reading_order(boxes)])
    assert plain_xy_cut.index("Ac0") > plain_xy_cut.index("HB")  # what the headlines prevent


def test_a_short_line_whose_box_is_only_tall_is_no_headline():
    lines = [line(f"p{row}", 40, 100 + 32 * row, 15) for row in range(6)]
    lines.append(OcrLine("此致", Box(80, 292, 122, 324), "short"))  # 32 px tall, characters 21 px wide
    assert not any(l.headline for l in lay_out(OcrPage(tuple(lines))))
    lines.append(line("HH", 40, 40, 8, 30))
    assert [lines[l.index].place for l in lay_out(OcrPage(tuple(lines))) if l.headline] == ["HH"]


def test_a_line_the_engine_ran_across_the_gutter_does_not_make_the_columns_rows():
    lines = [line(f"{c}{row}", left, 100 + 32 * row, 15) for c, left in (("a", 40), ("b", 380)) for row in range(6)]
    lines[2] = OcrLine("a2", Box(40, 164, 460, 186), "a2")  # a2 read together with the start of b2
    order = names(lines, [i for i, _ in reading_order([l.box for l in lines])])
    assert order == [f"a{row}" for row in range(6)] + [f"b{row}" for row in range(6)]


def test_a_headline_read_as_two_boxes_on_one_row_is_one_line_its_parts_a_space_apart_when_the_gap_shows_one():
    # 40 px headline characters: parts 48 px apart (a full-width space), or touching
    body = [line(f"b{row}", 40, 120 + 32 * row, 15) for row in range(4)]
    for right_at, spaced in ((40 + 4 * 40 + 48, True), (40 + 4 * 40 + 4, False)):
        lines = [line("后半", right_at, 40, 4, 40), *body, line("前半", 40, 40, 4, 40)]
        [head, *rest] = lay_out(OcrPage(tuple(lines)))
        assert (lines[head.index].place, head.headline, [(lines[i].place, space) for i, space in head.beside]) == ("前半", True, [("后半", spaced)])
        assert [lines[l.index].place for l in rest] == ["b0", "b1", "b2", "b3"]


def test_headlines_side_by_side_a_gutter_apart_or_of_other_sizes_stay_apart():
    body = [line(f"{c}{row}", left, 120 + 32 * row, 15) for c, left in (("a", 40), ("b", 420)) for row in range(4)]
    far = [line("甲", 40, 40, 4, 40), line("乙", 40 + 4 * 40 + 2 * 40, 40, 4, 40)]  # two characters apart
    other_size = [line("甲", 40, 40, 4, 40), line("乙", 40 + 4 * 40 + 20, 46, 4, 30)]
    for heads in (far, other_size):
        assert all(not l.beside for l in lay_out(OcrPage(tuple(heads + body))))


def test_a_line_whose_box_runs_over_ink_it_read_nothing_in_is_measured_by_its_characters():
    # the last line of a column: three body characters read in a box as tall as a headline's,
    # reaching two characters left of the column over ink the engine read nothing in
    column = [line(f"p{row}", 40 if row else 80, 100 + 32 * row, 15 if row else 13) for row in range(6)]
    smudged = OcrLine("达6吨", Box(0, 292, 100, 322), "smudged", characters=(40, 90))
    laid = lay_out(OcrPage(tuple([*column, smudged])))
    assert [(l.headline, l.indent) for l in laid] == [(False, 2)] + [(False, 0)] * 6
