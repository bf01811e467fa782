"""report.json, the data behind report.html, and `kcclean diff`, the same changes in a terminal.

What a reviewer relies on: every documented field is there (and every field there is
documented), the counts add up, every change sits on the input text where its `before` is,
every paragraph of every article is spelled exactly by its input spans and their changes, and
the text that is in no article is accounted for by a change (masthead, banner, marker).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, replay, seed_inputs
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.output.diff import char_diff, render_issue
from kcclean.output.report import Report
from kcclean.pipeline import clean_files, clean_text

SAMPLE = sorted((FIXTURES / "sample").glob("*.txt"))
INPUTS = {
    "sample": SAMPLE,
    "hard_wrapped": sorted((FIXTURES / "cases" / "hard_wrapped").glob("*.txt")),
    "clean": sorted((FIXTURES / "clean").glob("*.txt")),
    "seeds": seed_inputs(),
}

# Every field of report.json, by object. docs/report.md's "The fields of report.json" documents each.
FIELDS = {
    "top": {"kcclean", "run", "summary", "rules", "files", "changes", "warnings"},
    "summary": {"files", "skipped", "issues", "articles", "fixes", "recorded", "suggestions", "warnings"},
    "rules": {"description", "kind", "level", "origin", "applied", "recorded", "suggested", "pairs"},
    "files": {"source", "encoding", "issue", "fixes", "suggestions", "error", "text", "first_line", "furniture", "articles"},
    "articles": {
        "id", "source", "sources", "page", "headline", "byline", "kind", "body", "path", "changes",
        "truncated", "continued_to", "continued_from", "warnings", "units", "subheads", "evidence",
    },
    "units": {"role", "index", "spans", "marks", "moved"},
    "changes": {
        "id", "rule", "source", "line", "column", "start", "end", "before", "after", "kind",
        "applied", "level", "fix", "evidence", "article", "context_before", "context_after", "to", "covers", "undo",
    },
    "warnings": {"source", "article", "message"},
}


def report_of(paths: list[Path], rulebook) -> dict:
    report = Report(rulebook)
    for item in clean_files(paths, rulebook):
        if isinstance(item, Exception):
            report.add_skipped(item)
        else:
            report.add_issue(item)
    return json.loads(json.dumps(report.to_json(), ensure_ascii=False))


@pytest.fixture(scope="module", params=list(INPUTS))
def data(request, rulebook) -> dict:
    paths = INPUTS[request.param]
    if not paths:
        pytest.skip("the real transcripts are not here (../shared/seeds or $KCCLEAN_SEEDS)")
    return report_of(paths, rulebook)


def articles(data: dict) -> list[dict]:
    return [a for f in data["files"] for a in f["articles"]]


def texts(data: dict) -> dict[str, str]:
    return {f["source"]: f["text"] for f in data["files"]}


# ---------------------------------------------------------------- fields and counts


def test_every_field_is_there_and_documented(data: dict):
    section = ROOT.joinpath("docs", "report.md").read_text(encoding="utf-8").split("## The fields of `report.json`", 1)[1].split("\n## ", 1)[0]
    found = {
        "top": set(data),
        "summary": set(data["summary"]),
        "rules": {k for r in data["rules"].values() for k in r},
        "files": {k for f in data["files"] for k in f},
        "articles": {k for a in articles(data) for k in a},
        "units": {k for a in articles(data) for u in a["units"] for k in u},
        "changes": {k for c in data["changes"] for k in c},
        "warnings": {k for w in data["warnings"] for k in w} or FIELDS["warnings"],
    }
    for name, fields in FIELDS.items():
        assert found[name] == fields, name
        for field in fields - {"kcclean"}:
            assert f"`{field}`" in section, f"docs/report.md does not document {name}.{field}"


def test_the_counts_add_up(data: dict):
    changes, summary = data["changes"], data["summary"]
    assert [c["id"] for c in changes] == list(range(len(changes)))
    assert summary["fixes"] == sum(c["applied"] and c["kind"] != "record" for c in changes)
    assert summary["recorded"] == sum(c["kind"] == "record" for c in changes)
    assert summary["suggestions"] == sum(not c["applied"] for c in changes)
    assert summary["articles"] == len(articles(data))
    assert summary["files"] == len(data["files"])
    assert summary["warnings"] == len(data["warnings"])
    for rule_id, rule in data["rules"].items():
        mine = [c for c in changes if c["rule"] == rule_id]
        assert rule["applied"] == sum(c["applied"] for c in mine)
        assert rule["suggested"] == sum(not c["applied"] for c in mine)
        assert rule["recorded"] == sum(c["kind"] == "record" for c in mine)
    for f in data["files"]:
        mine = [c for c in changes if c["source"] == f["source"]]
        assert f["fixes"] == sum(c["fix"] for c in mine)
        assert f["suggestions"] == sum(not c["applied"] for c in mine)


# ---------------------------------------------------------------- positions


def test_every_change_sits_where_its_text_is(data: dict):
    text = texts(data)
    for c in data["changes"]:
        raw = text[c["source"]][c["start"] : c["end"]]
        assert raw == c["before"], c
        line = text[c["source"]].count("\n", 0, c["start"]) + 1
        assert line == c["line"] or c["source"] != data["files"][0]["source"], c
        if c["kind"] == "record":  # kept as metadata: taken out of the text whole
            assert c["after"] == "", c
        if c["kind"] == "join":
            assert raw.strip() == "" and c["after"] == "", c
            assert (c["to"] is None) == (raw != ""), c  # neighbours: the line ends between them


def test_every_paragraph_is_spelled_by_its_spans_and_changes(data: dict):
    text = texts(data)
    changes = data["changes"]
    for a in articles(data):
        roles = [(u["role"], u["index"]) for u in a["units"]]
        assert [r for r in roles if r[0] == "headline"] == [("headline", i) for i in range(len(a["headline"]))]
        assert [r for r in roles if r[0] == "body"] == [("body", i) for i in range(len(a["body"]))]
        for unit in a["units"]:
            if unit["role"] == "byline":
                continue
            clean = (a["headline"] if unit["role"] == "headline" else a["body"])[unit["index"]]
            assert replay(unit["spans"], text, changes) == clean, (a["id"], unit)
            for start, end, change in unit["marks"]:
                c = changes[change]
                if c["applied"] and end > start and c["kind"] != "record":
                    assert clean[start:end] == c["after"], (a["id"], c)
                if not c["applied"] and end > start:
                    assert clean[start:end] == text[c["source"]][c["start"] : c["end"]]


def test_text_in_no_article_is_kept_as_metadata(data: dict):
    text = texts(data)
    for f in data["files"]:
        covered = bytearray(len(f["text"]))
        for c in data["changes"]:
            if c["source"] == f["source"]:
                covered[c["start"] : c["end"]] = b"\x01" * (c["end"] - c["start"])
        for start, end in f["furniture"]:
            lost = [ch for k, ch in enumerate(text[f["source"]][start:end], start) if not covered[k] and not ch.isspace()]
            assert not lost, f"{f['source']}: {''.join(lost)!r} is in no article and no change"


def test_a_paragraph_over_three_lines_is_one_span_with_its_line_ends_joined(rulebook, tmp_path: Path):
    """A paragraph printed over three lines of a column (its straight quotes and parenthesis
    fixed too) comes from one span of the input, from its first character to its last; the
    line ends inside it are the joins' spans, and replaying its changes spells it."""
    path = tmp_path / "page.txt"
    path.write_text(
        "柯城召开安全生产工作会议\n\n"
        '本报讯 昨日，柯城区召开安全生产工作会议(主题为"守牢底线")，会议要求各乡镇\n'
        "（街道）压实属地责任，对辖区内的企业开展拉网式排查，确保隐患\n"
        "整改到位。\n\n"
        "会议还部署了下一阶段工作。\n",
        encoding="utf-8",
    )
    data = report_of([path], rulebook)
    text = texts(data)["page.txt"]
    (lead,) = [u for a in articles(data) for u in a["units"] if (u["role"], u["index"]) == ("body", 0)]
    first, last = text.index("本报讯"), text.index("整改到位。") + len("整改到位。")
    assert lead["spans"] == [["page.txt", first, last]]
    joins = [c for c in data["changes"] if c["kind"] == "join"]
    assert [(c["before"], c["after"]) for c in joins] == [("\n", ""), ("\n", "")]
    test_every_paragraph_is_spelled_by_its_spans_and_changes(data)


def test_a_paragraph_joined_across_a_blank_line_covers_the_gap_with_its_join(rulebook, tmp_path: Path):
    """A paragraph cut by a blank line mid-sentence is joined again: the blank line is the
    join's `before`, and the paragraph's span runs across it."""
    path = tmp_path / "page.txt"
    first = '本报讯 昨日，柯城区召开安全生产工作会议(主题为"守牢底线")，会议要求各乡镇'
    second = "（街道）压实属地责任，对辖区内的企业开展拉网式排查，确保隐患整改到位。"
    path.write_text(f"柯城召开安全生产工作会议\n\n{first}\n\n{second}\n\n会议还部署了下一阶段工作。\n", encoding="utf-8")
    data = report_of([path], rulebook)
    text = texts(data)["page.txt"]
    (lead,) = [u for a in articles(data) for u in a["units"] if (u["role"], u["index"]) == ("body", 0)]
    (join,) = [c for c in data["changes"] if c["kind"] == "join"]
    assert [text[start:end] for _, start, end in lead["spans"]] == [f"{first}\n\n{second}"]
    assert (join["before"], join["start"]) == ("\n\n", text.index(first) + len(first))
    test_every_paragraph_is_spelled_by_its_spans_and_changes(data)


def test_stray_characters_after_a_headline_or_paragraph_stay_out_of_its_spans(rulebook, tmp_path: Path):
    """Replacement characters around a zero-width space after a headline and after the last
    paragraph (an encoding error, then a copy from a web page) are removed: each unit's spans
    still spell that unit, not the debris after it."""
    path = tmp_path / "page.txt"
    path.write_text(
        "柯城召开安全生产工作会议\ufffd\u200b\ufffd\n\n"
        "本报讯（记者 王思）昨日，柯城区召开安全生产工作会议。\n\n"
        "会议还部署了下一阶段工作。\ufffd\u200b\ufffd\n",
        encoding="utf-8",
    )
    data = report_of([path], rulebook)
    assert [a["headline"] for a in articles(data)] == [["柯城召开安全生产工作会议"]]
    assert articles(data)[0]["body"][-1] == "会议还部署了下一阶段工作。"
    test_every_paragraph_is_spelled_by_its_spans_and_changes(data)


@pytest.mark.parametrize("seed", range(40))
def test_generated_damage_is_placed_exactly(seed: int, rulebook, tmp_path: Path):
    """Displaced leads, page jumps, overlaps, hard-wrapped columns: the generator's issues."""
    from kcclean_dev import generator

    issue = generator.generate(seed)
    data = report_of(sorted(issue.write(tmp_path)), rulebook)
    test_every_change_sits_where_its_text_is(data)
    test_every_paragraph_is_spelled_by_its_spans_and_changes(data)
    test_text_in_no_article_is_kept_as_metadata(data)


def test_a_moved_lead_is_one_move_of_its_paragraph(rulebook, tmp_path: Path):
    from kcclean_dev import generator

    for seed in range(200):
        issue = generator.generate(seed, damages=("displaced_lead",))
        folder = tmp_path / str(seed)
        folder.mkdir()
        data = report_of(sorted(issue.write(folder)), rulebook)
        moves = [c for c in data["changes"] if c["kind"] == "move" and c["rule"] == "move.displaced-lead"]
        if moves:
            break
    else:
        pytest.fail("the generator made no displaced lead")
    for move in moves:
        units = [u for a in articles(data) for u in a["units"] if u["moved"] == move["id"]]
        assert len(units) == 1
        assert units[0]["role"] == "body" and units[0]["index"] == 0, "the lead comes first"
        source, start, end = units[0]["spans"][0]
        assert move["start"] == start and move["end"] <= end, "the move covers the lead, where its paragraph begins"


# ---------------------------------------------------------------- the page


HOSTILE = "标题</script><script>alert(1)</script>\n\n本报讯（记者 方心怡）<!--<script>连日来，区领导&amp;深入一线。"


def test_the_page_is_self_contained_and_carries_the_data(rulebook):
    report = Report(rulebook)
    report.add_issue(clean_text(HOSTILE, "x.txt", rulebook=rulebook))
    page = io.StringIO()
    report.write_html(page)
    html = page.getvalue()
    assert "<!--REPORT_DATA-->" not in html
    assert html.count("<script") == html.count("</script>") == 3, "the data cannot end or open a script element"
    assert html.count("<!--") == 0, "no text of the input can open an HTML comment"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", html), "nothing is loaded from the network"
    index = json.loads(re.search(r'<script id="kc-index" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert index["summary"] == report.summary()
    issue = json.loads(re.search(r'<script id="kc-issue-0" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert issue["files"][0]["text"] == HOSTILE and issue["files"] == report.to_json()["files"]
    assert issue["changes"] == report.to_json()["changes"]


# ---------------------------------------------------------------- kcclean diff


def diff(*args: str):
    return CliRunner().invoke(app, ["diff", *args])


def test_diff_prints_each_change_with_its_rule_plainly_when_not_a_terminal():
    result = diff(*map(str, SAMPLE))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out
    assert "━━ 2023-05-10_p1.txt" in out and "━━ 2023-05-10_p2.txt" in out
    assert re.search(r"29:90  …企业统一提供原料、培训技\[-⏎⏎-\]术、回收成品.*  join\.broken-wrap \(join\)$", out, re.M)
    assert re.search(r"why: .*a word runs across: '技术' \(\+\d\.\d\d\).*; a cut with probability \d\.\d\d$", out, re.M)
    assert re.search(r"\[=2023年5月10日=\]  masthead\.lines \(record\)$", out, re.M)
    assert "[-<U+200B>-]" in out and "stray.invisible" in out
    assert re.search(r"\[-\(-\]\{\+（\+\}记者", out)
    assert re.search(r"2023-05-10_p2\.txt:9  \[=柯城共富工坊带动群众增收=\]  stitch\.page-jump", out)


def test_diff_colours_when_asked():
    result = diff("--color", str(SAMPLE[0]))
    assert result.exit_code == 0
    assert "\x1b[31;9m" in result.stdout and "\x1b[32;1m" in result.stdout and "\x1b[36mjoin.broken-wrap" in result.stdout
    assert "[-" not in result.stdout


def test_diff_names_the_setting_that_applies_a_suggestion(tmp_path: Path):
    path = tmp_path / "page.txt"
    path.write_text("柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲全会精神 and 共产党人的初心。\n", encoding="utf-8")
    out = diff(str(path)).stdout
    assert "[?␣and␣ → 和?]" in out
    assert 'lang.and-between-han  (suggestion: apply with --unsafe or unsafe = ["lang.and-between-han"])' in out
    applied = diff("--unsafe", str(path)).stdout
    assert "[-␣and␣-]{+和+}" in applied and "(suggestion" not in applied


def test_diff_of_a_missing_file_is_an_input_error(tmp_path: Path):
    shutil.copy(SAMPLE[0], tmp_path / "a.txt")
    result = diff(str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr and "━━ a.txt" in result.stdout


def test_every_change_of_an_issue_is_in_the_terminal_diff(rulebook):
    issue = next(clean_files(SAMPLE, rulebook))
    out = "\n".join(render_issue(issue, color=False))
    for change in issue.changes:
        assert re.search(rf"^ +(\S+\.txt:)?{change.line}(:\d+)?  .*{re.escape(change.rule)}", out, re.M), change


@pytest.mark.parametrize(
    ("before", "after", "ops"),
    [
        (",", "，", [("-", ","), ("+", "，")]),
        ("(记者 楼郁馨)", "（记者 楼郁馨）", [("-", "("), ("+", "（"), ("=", "记者 楼郁馨"), ("-", ")"), ("+", "）")]),
        ("中共衢州市柯区委主办", "中共衢州市柯城区委主办", [("=", "中共衢州市柯"), ("+", "城"), ("=", "区委主办")]),
        ("\n\n", "", [("-", "\n\n")]),
    ],
)
def test_char_diff(before: str, after: str, ops: list):
    assert char_diff(before, after) == ops


def test_diff_ends_with_totals_per_rule_for_the_whole_run(rulebook):
    out = diff(*map(str, SAMPLE)).stdout
    totals = out.split("━━ totals per rule\n", 1)[1].splitlines()
    changes = [c for issue in clean_files(SAMPLE, rulebook) for c in issue.changes]
    per_rule = {}
    for c in changes:
        per_rule[c.rule] = per_rule.get(c.rule, 0) + 1
    rows = {line.split()[0]: int(line.split()[1]) for line in totals[:-1]}
    assert rows == per_rule
    assert totals[-1].strip().startswith(f"{len(changes)} changes: ")
    assert re.search(r"^  masthead\.lines +\d+  \d+ record · 1 edit$", out, re.M)


def test_diff_help_explains_every_marker_it_prints():
    from kcclean.output.diff import _PLAIN

    help_text = CliRunner().invoke(app, ["diff", "--help"]).stdout
    for left, right in _PLAIN.values():
        assert left in help_text and right in help_text, left
    for word in ("edit", "join", "move", "stitch", "record", "suggestion", "⏎", "<U+200B>", "why:", "totals per rule"):
        assert word in help_text, word


def test_the_run_id_changes_with_the_inputs_and_the_rules(tmp_path: Path):
    """The page keeps a review's decisions under the run id: the same run again keeps them, a
    run of other text or with the review applied starts afresh."""
    scans = tmp_path / "scans"
    scans.mkdir()
    for path in sorted((FIXTURES / "sample").glob("*.txt")):
        shutil.copy(path, scans / path.name)

    def run_id(out: str, *more: str) -> str:
        result = CliRunner().invoke(app, ["fix", str(scans), "--out", str(tmp_path / out), "--quiet", *more])
        assert result.exit_code == 0, result.output
        data = json.loads((tmp_path / out / "report.json").read_text(encoding="utf-8"))
        index = re.search(r'<script id="kc-index" type="application/json">(.*?)</script>', (tmp_path / out / "report.html").read_text(encoding="utf-8"), re.S)
        assert json.loads(index.group(1))["run"] == data["run"]
        return data["run"]

    first = run_id("a")
    assert re.fullmatch(r"[0-9a-f]{16}", first) and run_id("b") == first
    review = tmp_path / "review.toml"
    review.write_text('[[exception]]\nrule = "punct.comma-width"\ntext = "资源,形成"\n', encoding="utf-8")
    assert run_id("c", "--review", str(review)) != first
    page = next(scans.glob("*.txt"))
    page.write_text(page.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    assert run_id("d") != first


def test_an_issue_s_lines_are_written_to_the_page_in_batches_that_join_up(rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page writes an issue's changes a batch at a time (a page repaired in 200,000 places
    is not held whole): batches of two give the same page as one batch."""
    from kcclean.output import report as report_module

    issue = clean_text("标题\n\n本报讯（记者 方心怡）为加强疫情防控工作,区里召开会议,部署下一步工作,要求抓好落实。", "x.txt", rulebook=rulebook)
    assert len(issue.changes) >= 3

    def page() -> str:
        report = Report(rulebook)
        report.add_issue(issue)
        out = io.StringIO()
        report.write_html(out)
        return out.getvalue()

    whole = page()
    monkeypatch.setattr(report_module, "_BATCH", 2)
    assert page() == whole
