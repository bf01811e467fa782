"""Provenance carried from input to report: every change of report.json stands on exactly the
input text it changed, and every part of every article is spelled by its input spans with the
changes inside them replayed (ftfy's explanations, replayed). Over every fixture, every real
transcript and generated damaged pages; nothing here searches the text for a change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_cases, replay, seed_inputs
from test_report import report_of

from kcclean.rules import Settings, load_rulebook
from kcclean_dev import generator

CASES = {case.relative_to(FIXTURES).as_posix(): sorted(case.glob("*.txt")) for case in fixture_cases()}
CASES.update({f"seed {path.name[:3]}": [path] for path in seed_inputs()})
GENERATED = range(60)


def offset_errors(data: dict) -> list[str]:
    """Changes whose `start`/`end` do not hold their `before`, or whose line and column are
    not where `start` is."""
    texts = {f["source"]: f["text"] for f in data["files"]}
    errors = []
    for change in data["changes"]:
        label = f"change {change['id']} {change['rule']} {change['source']}:{change['line']}"
        text = texts[change["source"]]
        if text[change["start"] : change["end"]] != change["before"]:
            errors.append(f"{label}: text[{change['start']}:{change['end']}] is {text[change['start']:change['end']]!r}, before is {change['before']!r}")
        line = text.count("\n", 0, change["start"]) + 1
        column = change["start"] - text.rfind("\n", 0, change["start"])
        if (line, column) != (change["line"], change["column"]):
            errors.append(f"{label}: start is {line}:{column}, line:column is {change['line']}:{change['column']}")
    return errors


def replay_errors(data: dict) -> list[str]:
    """Parts of articles that their spans and changes do not spell."""
    texts = {f["source"]: f["text"] for f in data["files"]}
    errors = []
    for article in (a for f in data["files"] for a in f["articles"]):
        for unit in article["units"]:
            got = replay(unit["spans"], texts, data["changes"])
            if unit["role"] == "byline":
                want = got.lstrip("□■▲●◆★☆◎ ")
                ok = want in (article["byline"] or "")
            else:
                want = (article["headline"] if unit["role"] == "headline" else article["body"])[unit["index"]]
                ok = got == want
            if not ok:
                errors.append(f"{article['id']} {unit['role']} {unit['index']}: replayed {got!r}, is {want!r}")
    return errors


def unaccounted(data: dict) -> list[str]:
    """Visible input characters that are in no article part, no record and no change."""
    lost = []
    for file in data["files"]:
        covered = bytearray(len(file["text"]))
        spans = [tuple(s) for a in (a for f in data["files"] for a in f["articles"]) for u in a["units"] for s in u["spans"]]
        spans += [(c["source"], c["start"], c["end"]) for c in data["changes"] if c["applied"] and c["kind"] != "move"]
        for source, start, end in spans:
            if source == file["source"]:
                covered[start:end] = b"\x01" * (end - start)
        missing = "".join(ch for k, ch in enumerate(file["text"]) if not covered[k] and not ch.isspace() and ch != "\ufeff")
        if missing:
            lost.append(f"{file['source']}: {missing[:40]!r}")
    return lost


@pytest.mark.parametrize("name", list(CASES))
def test_fixtures_and_real_transcripts_replay_exactly(name: str, rulebook) -> None:
    data = report_of(CASES[name], rulebook)
    assert offset_errors(data) == []
    assert replay_errors(data) == []
    assert unaccounted(data) == []


@pytest.mark.parametrize("seed", GENERATED)
def test_generated_damaged_pages_replay_exactly(seed: int, rulebook, tmp_path: Path) -> None:
    data = report_of(generator.generate(seed).write(tmp_path), rulebook)
    assert data["changes"]
    assert offset_errors(data) == []
    assert replay_errors(data) == []
    assert unaccounted(data) == []


def test_a_change_of_text_another_change_made_covers_that_change(tmp_path: Path) -> None:
    """A line ends ` an` and the next starts `d `: the lines are joined first, then the
    and-rule (applied with --unsafe) replaces ` and ` across the join. Its span covers the
    join's, its `before` is the input as printed, line end included, and replaying the outer
    change alone spells the paragraph."""
    path = tmp_path / "page.txt"
    path.write_text(
        "柯城开展宣讲活动\n\n本报讯（记者 方心怡）5月8日，区委宣讲团走进柯城中学，校长为全校师生宣讲全会精神 an\n"
        "d 共产党人的初心使命。\n",
        encoding="utf-8",
    )
    data = report_of([path], load_rulebook(Settings(unsafe=True)))
    (outer,) = [c for c in data["changes"] if c["rule"] == "lang.and-between-han"]
    inner = [c for c in data["changes"] if c["kind"] == "join" and outer["start"] <= c["start"] and c["end"] <= outer["end"]]
    assert outer["applied"] and outer["before"] == " an\nd " and outer["after"] == "和" and len(inner) == 1
    assert outer["covers"], "the and-rule's change says it covers the join"
    assert offset_errors(data) == [] and replay_errors(data) == [] and unaccounted(data) == []


def test_changes_in_a_run_of_equal_characters_keep_their_own_offsets(tmp_path: Path, rulebook) -> None:
    """Where the same damage repeats, each change has its own offset, matching its own line
    and column."""
    path = tmp_path / "page.txt"
    path.write_text("柯城召开会议\n\n本报讯（记者 王思）全\u200b\u200b\u200b国文明城市,,,创建工作。\n", encoding="utf-8")
    data = report_of([path], rulebook)
    edits = [c for c in data["changes"] if c["kind"] == "edit"]
    assert [c["rule"] for c in edits] == ["stray.invisible"] * 3 + ["punct.comma-width"] * 3
    assert offset_errors(data) == [] and replay_errors(data) == []
    assert [c["start"] for c in edits] == [19, 20, 21, 27, 28, 29]


def test_a_masthead_line_fixed_then_recorded_keeps_the_printed_line_as_before(rulebook) -> None:
    """The lexicon restores 中共衢州市柯区委主办; the record that keeps it as metadata stands
    on the same printed line, and its `before` is what was printed."""
    data = report_of(sorted((FIXTURES / "sample").glob("*.txt")), rulebook)
    text = {f["source"]: f["text"] for f in data["files"]}
    (fixed,) = [c for c in data["changes"] if c["rule"] == "masthead.lines" and c["kind"] == "edit"]
    (kept,) = [c for c in data["changes"] if c["kind"] == "record" and (c["start"], c["end"]) == (fixed["start"], fixed["end"])]
    assert fixed["before"] == kept["before"] == text[fixed["source"]][fixed["start"] : fixed["end"]] == "中共衢州市柯区委主办"
    assert fixed["after"] == "中共衢州市柯城区委主办"
