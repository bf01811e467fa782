"""The provenance model: whatever replacements a text goes through, each change records the
input it replaced, and the text's trace with its changes replayed spells the text."""

from __future__ import annotations

from conftest import replay
from hypothesis import given
from hypothesis import strategies as st

from kcclean.model import Change, Source, Trace, Unit
from kcclean.provenance import join_link, joined

ALPHABET = "甲乙丙丁 ，,\n"


def as_data(changes: list[Change]) -> list[dict]:
    number = {id(c): k for k, c in enumerate(changes)}
    return [
        {"id": k, "source": c.source, "start": c.start, "end": c.end, "after": c.after, "applied": c.applied, "kind": c.kind,
         "covers": [number[id(d)] for d in c.covers]}
        for k, c in enumerate(changes)
    ]


def assert_consistent(unit: Unit, source: Source, changes: list[Change]) -> None:
    pieces = unit.trace.pieces
    assert [p.at for p in pieces] == [sum(p.size for p in pieces[:k]) for k in range(len(pieces))]
    assert unit.trace.size == len(unit.text)
    for piece in pieces:
        if piece.change is None:
            assert piece.end - piece.start == piece.size
            assert unit.text[piece.at : piece.at + piece.size] == source.text[piece.start : piece.end]
    for change in changes:
        assert source.text[change.start : change.end] == change.before
        assert source.position(change.start) == (change.line, change.column)
    spans = [[run.source.name, run.start, run.end] for run in unit.trace.spans()]
    assert replay(spans, {source.name: source.text}, as_data(changes)) == unit.text


edits = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.text(ALPHABET, max_size=3)), max_size=12)


def edited(unit: Unit, steps, changes: list[Change]) -> None:
    for at, size, after in steps:
        first = min(at, len(unit.text))
        last = min(first + size, len(unit.text))
        replacement = unit.replacement(first, last, after, "test.rule")
        changes += replacement.changes
        unit.apply(replacement)


@given(st.text(ALPHABET, min_size=1, max_size=30), edits)
def test_replacements_replay_on_the_input(text: str, steps) -> None:
    source = Source.of("page.txt", text)
    unit = Unit(source.text, Trace.of(source, 0, len(source.text)), 1, True, 0)
    changes: list[Change] = []
    edited(unit, steps, changes)
    assert_consistent(unit, source, changes)


@given(st.text(ALPHABET, min_size=4, max_size=30), st.data(), edits)
def test_joined_pieces_replay_on_the_input(text: str, data, steps) -> None:
    """Two stretches of one input joined (neighbours or not), then edited anywhere. Like the
    lines of a page, neither is empty."""
    source = Source.of("page.txt", text)
    size = len(source.text)
    a, b, c, d = sorted(data.draw(st.lists(st.integers(0, size), min_size=4, max_size=4, unique=True)))
    first = Unit(source.text[a:b], Trace.of(source, a, b - a), 1, True, 0)
    second = Unit(source.text[c:d], Trace.of(source, c, d - c), 1, True, 0)
    if data.draw(st.booleans()):
        first, second = second, first  # a lead printed after its own tail
    change, link = join_link(first.trace, second.trace, "test.join")
    unit = Unit(first.text + second.text, joined([first.text, second.text], [first.trace, second.trace], [link]), 1, True, 0)
    changes = [change]
    edited(unit, steps, changes)
    assert_consistent(unit, source, changes)


def test_a_join_of_neighbours_spans_the_line_ends_between_them() -> None:
    source = Source.of("page.txt", "本报讯 柯城召开疫情防\n\n　　控工作会议。")
    first = Trace.of(source, 0, 11)
    second = Trace.of(source, 15, 7)
    change, _ = join_link(first, second, "join.broken-wrap")
    assert (change.start, change.end, change.before, change.to) == (11, 15, "\n\n　　", None)


def test_a_join_of_pieces_that_are_not_neighbours_is_a_point_that_says_where_the_rest_is() -> None:
    source = Source.of("page.txt", "后半段。\n\n本报讯 前半段")
    lead, tail = Trace.of(source, 6, 7), Trace.of(source, 0, 4)
    change, _ = join_link(lead, tail, "join.broken-wrap")
    assert (change.start, change.end, change.before, change.to) == (13, 13, "", ("page.txt", 0))
