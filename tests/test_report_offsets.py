"""Every change in report.json points at exactly the input text it changed.

The report draws each change on the transcript from its `start` and `end` alone, so an
off-by-one there puts a highlight on the wrong characters while every count still adds up.
No nearest match is allowed here: `files[].text[start:end]` must spell the change's `before`.
"""

from __future__ import annotations

import pytest

import layouts
from test_report import INPUTS, report_of


def spelled(change: dict, text: str, changes: list[dict]) -> str:
    """The input under a change, with the changes made inside it before it replayed
    (a masthead line is fixed, then recorded: the record's `before` is the fixed line)."""
    start, end = change["start"], change["end"]
    inner = [
        c
        for c in changes[: change["id"]]
        if c["applied"] and c["kind"] in ("edit", "join") and c["source"] == change["source"]
        and start <= c["start"] and c["end"] <= end
    ]
    spelled = text[start:end]
    for c in sorted(inner, key=lambda c: c["start"], reverse=True):
        spelled = spelled[: c["start"] - start] + c["after"] + spelled[c["end"] - start :]
    return spelled


def join_points(data: dict) -> set[tuple[str, int]]:
    """Where a join of two pieces that are not side by side may point: the end of a unit's
    span, or the start of the page furniture recorded at that end (the （下转2版） after it)."""
    ends = {(s[0], s[2]) for f in data["files"] for a in f["articles"] for u in a["units"] for s in u["spans"]}
    furniture = {(c["source"], c["start"]) for c in data["changes"] if c["kind"] == "record" and (c["source"], c["end"]) in ends}
    return ends | furniture


def offset_errors(data: dict) -> list[str]:
    texts = {f["source"]: f["text"] for f in data["files"]}
    points = join_points(data)
    errors = []
    for change in data["changes"]:
        label = f"change {change['id']} {change['rule']} {change['source']}:{change['line']}"
        if change["start"] is None or change["end"] is None:
            errors.append(f"{label}: no start/end")
            continue
        got = spelled(change, texts[change["source"]], data["changes"])
        if got == change["before"]:
            continue
        if change["kind"] == "move" and got.startswith(change["before"]):
            continue  # a move covers its whole paragraph, which a hard-wrapped column prints over several lines
        # A join of two pieces that are not side by side in the input (across a move or a
        # page jump) has no line break there to point at: it is the point where the first
        # piece ends, exactly.
        point = change["start"] == change["end"] and (change["source"], change["start"]) in points
        if not (change["kind"] == "join" and point):
            errors.append(f"{label}: text[{change['start']}:{change['end']}] is {got!r}, before is {change['before']!r}")
    return errors


@pytest.mark.parametrize("name", list(INPUTS))
def test_every_change_spells_its_before_text_at_its_offsets(name: str, rulebook) -> None:
    if not INPUTS[name]:
        pytest.skip("the real transcripts are not here (../shared/seeds or $KCCLEAN_SEEDS)")
    data = report_of(INPUTS[name], rulebook)
    assert data["changes"]
    assert offset_errors(data) == []


def line_column_errors(data: dict) -> list[str]:
    texts = {f["source"]: f["text"] for f in data["files"]}
    errors = []
    for change in data["changes"]:
        if change["start"] is None:
            continue  # offset_errors names it
        text = texts[change["source"]]
        line = text.count("\n", 0, change["start"]) + 1
        column = change["start"] - text.rfind("\n", 0, change["start"])
        if (line, column) != (change["line"], change["column"]):
            errors.append(f"change {change['id']} {change['rule']}: start is {line}:{column}, line:column is {change['line']}:{change['column']}")
    return errors


@pytest.mark.parametrize("name", ["sample", "hard_wrapped", "clean", "seeds"])
def test_line_and_column_are_where_start_is(name: str, rulebook) -> None:
    if not INPUTS[name]:
        pytest.skip("the real transcripts are not here (../shared/seeds or $KCCLEAN_SEEDS)")
    assert line_column_errors(report_of(INPUTS[name], rulebook)) == []


@pytest.mark.parametrize("seed", [1, 2, 4, 9, 10])
def test_generated_issues_keep_exact_offsets(seed: int, tmp_path, rulebook) -> None:
    data = report_of(layouts.generate(seed).write(tmp_path), rulebook)
    assert offset_errors(data) + line_column_errors(data) == []


def test_changes_in_a_run_of_equal_characters_keep_their_own_offsets(tmp_path, rulebook) -> None:
    """Where the same damage repeats, a change placed one character off still finds its
    `before` there: only its own offset, matching its own line and column, tells them apart."""
    path = tmp_path / "page.txt"
    path.write_text("柯城召开会议\n\n本报讯（记者 王思）全\u200b\u200b\u200b国文明城市,,,创建工作。\n", encoding="utf-8")
    data = report_of([path], rulebook)
    edits = [c for c in data["changes"] if c["kind"] == "edit"]
    assert [c["rule"] for c in edits] == ["stray.invisible"] * 3 + ["punct.comma-width"] * 3
    assert offset_errors(data) == [] and line_column_errors(data) == []
    assert [c["start"] for c in edits] == [19, 20, 21, 27, 28, 29]
