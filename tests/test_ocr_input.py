"""OCR engines' results as input: each format, told by its content, gives the articles of
the same page's transcript, keeps each line's place in the input, and bad input is a clear
one-line error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from kcclean.errors import InputError
from kcclean.input import source_of
from kcclean.input.ocr import ALTO, ENGINE_JSON, HOCR, PAGE
from kcclean.output.snapshot import render
from kcclean.pipeline import clean_files

OCR = FIXTURES / "ocr"
FORMATS = {"page.hocr": HOCR, "page.alto.xml": ALTO, "page.page.xml": PAGE, "page.ocr.json": ENGINE_JSON}


# The page's articles, hand-checked, in the expected-output format. Not `*.expected`: the
# generated issues draw their articles from every expected file, and this page, five times
# over, would change what they draw.
ARTICLES = OCR / "page.articles"


@pytest.mark.parametrize("name", ["page.txt", *FORMATS])
def test_each_format_gives_the_articles_of_the_pages_transcript(name: str, rulebook, tmp_path: Path):
    # under a name that says nothing of its format: it is told by its content
    renamed = tmp_path / "scan"
    renamed.write_bytes((OCR / name).read_bytes())
    [issue] = list(clean_files([renamed], rulebook))
    assert issue.inputs[0].encoding == FORMATS.get(name, "utf-8")
    assert render([issue]) == ARTICLES.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "element", "word"), [
    ("page.alto.xml", "TL", 0.9), ("page.hocr", "line_1_", 0.9), ("page.page.xml", "l", None), ("page.ocr.json", "#", None),
])
def test_a_character_is_located_in_its_line_element(name: str, element: str, word):
    source = source_of((OCR / name).read_bytes(), name)
    place = source.place(source.text.index("方心怡"))
    assert place["element"].startswith(element)
    assert place["offset"] == len("本报讯（记者 ")
    assert place["box"] == [80, 190, 340, 212]
    assert 0.9 <= place["score"] <= 1
    assert (place["word_score"] is not None) == (word is not None)


def test_a_transcript_has_no_ocr_places():
    assert source_of((OCR / "page.txt").read_bytes(), "page.txt").place(0) is None


def test_a_change_in_the_report_names_its_line_element(tmp_path: Path):
    # a half-width comma the punctuation rules make full-width, in line #0 of the result
    result = {"width": 400, "height": 200, "lines": [
        {"box": [[40, 40], [340, 40], [340, 62], [40, 62]], "text": "区里召开春耕生产工作会议,部署全年", "score": 0.97},
        {"box": [[40, 72], [200, 72], [200, 94], [40, 94]], "text": "粮食生产任务。", "score": 0.99},
    ]}
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "kcclean", "fix", str(scan), "--out", str(out)], check=True, capture_output=True)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    comma = next(c for c in report["changes"] if c["before"] == ",")
    assert comma["place"]["element"] == "#0"
    assert comma["place"]["offset"] == result["lines"][0]["text"].index(",")
    assert comma["place"]["box"] == [40, 40, 340, 62]


@pytest.mark.parametrize(("score", "suggested"), [(0.62, True), (0.97, False)])
def test_a_look_alike_the_engine_doubts_is_suggested_with_its_score(score: float, suggested: bool, rulebook, tmp_path: Path):
    # 尽贵: the word 尽责 is too rare for the words alone to suggest it; the line's low score adds the doubt
    result = {"width": 400, "height": 200, "lines": [
        {"box": [[40, 40], [340, 40], [340, 62], [40, 62]], "text": "各村落实安全生产责任，做到守土尽", "score": 0.98},
        {"box": [[40, 72], [100, 72], [100, 94], [40, 94]], "text": "贵。", "score": score},
    ]}
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    transcript = tmp_path / "scan.txt"
    transcript.write_text("各村落实安全生产责任，做到守土尽\n贵。\n", encoding="utf-8")
    for path in (scan, transcript):
        [issue] = list(clean_files([path], rulebook))
        found = [c for c in issue.changes if c.rule == "typo.confusions"]
        if path is scan and suggested:
            [change] = found
            assert (change.before, change.after, change.applied) == ("贵", "责", False)
            assert change.evidence.endswith(f"; engine score {score} for 尽贵")
        else:
            assert found == []


ALTO_TWO_LINES = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="P1" WIDTH="400" HEIGHT="200"><PrintSpace><TextBlock ID="B1">
<TextLine ID="L1" HPOS="40" VPOS="40" WIDTH="300" HEIGHT="22"><String CONTENT="各村落实安全生产责任，做到守土尽" HPOS="40" VPOS="40" WIDTH="300" HEIGHT="22" WC="0.98"/></TextLine>
<TextLine ID="L2" HPOS="40" VPOS="72" WIDTH="40" HEIGHT="22"><String CONTENT="贵。" HPOS="40" VPOS="72" WIDTH="40" HEIGHT="22" WC="0.95" CC="{cc}"/></TextLine>
</TextBlock></PrintSpace></Page></Layout></alto>
"""


@pytest.mark.parametrize(("cc", "suggested"), [("7 0", True), ("0 0", False), ("70", True)])
def test_alto_character_confidence_is_the_score_of_its_character(cc: str, suggested: bool, rulebook, tmp_path: Path):
    # The word scores 0.95, sure enough; ALTO's CC says its first character is doubtful
    # (7 of 9: a score of 0.222), and that character is the look-alike.
    scan = tmp_path / "scan.xml"
    scan.write_text(ALTO_TWO_LINES.format(cc=cc), encoding="utf-8")
    [issue] = list(clean_files([scan], rulebook))
    found = [c for c in issue.changes if c.rule == "typo.confusions"]
    assert [(c.before, c.after, c.applied) for c in found] == ([("贵", "责", False)] if suggested else [])
    if suggested:
        assert found[0].evidence.endswith("; engine score 0.22 for 尽贵")


def rows(*lines: tuple[str, int]) -> list[list]:
    """Lines as engines list them: [box, text, score], one under the other."""
    return [[[[40, 40 + 32 * k], [40 + 20 * len(text), 40 + 32 * k], [40 + 20 * len(text), 62 + 32 * k], [40, 62 + 32 * k]], text, 0.9] for k, (text, _) in enumerate(lines)]


@pytest.mark.parametrize("shape", ["rapidocr", "paddleocr2", "paddleocr3"])
def test_the_engines_own_json_shapes_are_read(shape: str):
    listed = rows(("第一行文字", 0), ("第二行文字", 1))
    value = {
        "rapidocr": listed,
        "paddleocr2": [[[box, [text, score]] for box, text, score in listed]],
        "paddleocr3": {"rec_texts": [r[1] for r in listed], "rec_scores": [r[2] for r in listed], "rec_polys": [r[0] for r in listed]},
    }[shape]
    source = source_of(json.dumps(value, ensure_ascii=False).encode(), "scan.json")
    assert source.text == "第一行文字\n第二行文字\n"
    assert source.place(source.text.index("第二"))["element"] == "#1"


def test_words_apart_on_the_page_are_written_apart_and_characters_are_not():
    words = "".join(
        f'<span class="ocrx_word" title="bbox {left} 10 {left + 20 * len(text)} 32; x_wconf 95">{text}</span> '
        for left, text in ((40, "记"), (60, "者"), (90, "方"), (110, "心"), (130, "怡"))
    )
    hocr = f'<html><body><div class="ocr_page" title="bbox 0 0 400 100"><span class="ocr_line" id="l1" title="bbox 40 10 150 32">{words}</span></div></body></html>'
    assert source_of(hocr.encode(), "scan.html").text == "记者 方心怡\n"


@pytest.mark.parametrize(("data", "problem"), [
    (b'<?xml version="1.0"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page>', "malformed XML"),
    (b'<?xml version="1.0"?><svg><g/></svg>', "root <svg>: not ALTO, PAGE or hOCR"),
    (b'<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><alto>&b;</alto>', "XML refused"),
    (b'<alto><Layout><Page><TextLine ID="t1"><String CONTENT="\xe6\x96\x87"/></TextLine></Page></Layout></alto>', "line t1 has no box"),
    (b'<html><body><p>just a web page</p></body></html>', "HTML without hOCR lines"),
    (b'{"lines": [{"text": "\xe6\x96\x87"}]}', "line #0 has no box"),
    (b'{"lines": [["not", "an", "object"]]}', "OCR JSON line #0: expected an object"),
    (b'[[1, 2], [3, 4]]', "OCR JSON line #0: expected [box, text, score]"),
    ('{"lines": [{"box": [0, 0, 20, 20], "text": "文字", "words": [{"box": [0, 0, 10, 20], "text": "文"}]}]}'.encode(), "line #0: its characters (each with a box) do not spell its text"),
    (b'{"lines": [{"box": [0, 0, 20, 20], "text": "a", "words": "a"}]}', "line #0: `words` is not a list of objects"),
    (b'{"pages": []}', "JSON that is no OCR result"),
    (b'<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page><TextRegion/></Page></PcGts>', "without any line of text"),
])
def test_bad_ocr_input_is_a_one_line_error(data: bytes, problem: str):
    with pytest.raises(InputError) as error:
        source_of(data, "scan")
    assert problem in str(error.value)
    assert "\n" not in str(error.value)


def test_malformed_json_named_json_is_an_error_but_a_transcript_may_start_with_a_bracket():
    with pytest.raises(InputError, match="not valid JSON"):
        source_of(b'{"lines": [', "scan.json")
    text = "[成绩单]今年全区完成植树造林1200亩。\n"
    assert source_of(text.encode(), "page.txt").text == text


def test_the_cli_reports_bad_ocr_input_in_one_line_with_the_input_exit_code(tmp_path: Path):
    scan = tmp_path / "scan.xml"
    scan.write_bytes(b'<?xml version="1.0"?><alto><Layout>')
    run = subprocess.run([sys.executable, "-m", "kcclean", "check", str(scan)], check=False, capture_output=True, text=True)
    assert run.returncode == 2
    assert "scan.xml: malformed XML" in run.stderr
    assert "Traceback" not in run.stderr


def test_every_example_in_the_docs_is_read_headline_first():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "ocr-input.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The formats, by example") : doc.index("## Safety")]
    examples = [block.split("\n", 1)[1] for block in section.split("```")[1::2] if block.startswith(("html", "xml", "json"))]
    assert len(examples) == 4
    for example in examples:
        lines = [line for line in source_of(example.encode(), "example").text.split("\n") if line]
        assert [line.lstrip("# \u3000") for line in lines] == ["石室乡备足农资助春耕", "本报讯（记者 方心怡）3月10"]


def celled(text: str, left: float, top: float, size: int, gap_before: dict[int, float] | None = None) -> dict:
    """A line of kcclean's JSON with its characters' boxes, as RapidOCR places them: each
    `size` wide, touching, but `gap_before[k]` px of empty page before character k."""
    words, x = [], left
    for k, char in enumerate(text):
        x += (gap_before or {}).get(k, 0)
        width = size // 2 if char.isascii() else size
        words.append({"box": [x, top, x + width, top + size + 2], "text": char, "score": 0.9 + k / 1000})
        x += width
    return {"box": [left, top, x, top + size + 2], "text": text, "score": 0.95, "words": words}


def celled_page(headline: dict, *body: str | tuple[str, dict[int, float]]) -> dict:
    """A page of one headline line over body lines of 20 px characters (a line given with
    its gaps as `(text, gap_before)`)."""
    lines = [headline]
    for row, line in enumerate(body):
        text, gaps = (line, None) if isinstance(line, str) else line
        lines.append(celled(text, 40, 120 + 32 * row, 20, gaps))
    return {"width": 720, "height": 560, "lines": lines}


def test_a_gap_the_engine_read_nothing_in_is_a_space_in_a_headline_and_not_in_the_body():
    # 40 px headline characters, their parts 40 px apart; a body line with a gap where the engine dropped a comma
    page = celled_page(celled("月圆中秋邻里同乐", 40, 40, 40, {4: 40}), "中秋节前夕，社区在文化广场", ("举办邻里节活动居民", {7: 20}), "欢聚一堂共度佳节。")
    source = source_of(json.dumps(page, ensure_ascii=False).encode(), "scan.json")
    lines = source.text.split("\n")
    assert "# 月圆中秋 邻里同乐" in lines
    assert any(line.lstrip("\u3000") == "举办邻里节活动居民" for line in lines)
    place = source.place(source.text.index("邻里同乐"))
    assert (place["element"], place["offset"], place["word_score"]) == ("#0", 4, 0.904)
    assert source.place(source.text.index(" 邻里同乐"))["offset"] == 4  # the space stands for what follows it


def test_rapidocrs_own_rows_with_character_boxes_are_read_alike():
    page = celled_page(celled("月圆中秋邻里同乐", 40, 40, 40, {4: 40}), "中秋节前夕，社区在文化广场", "举办邻里节活动，居民", "欢聚一堂共度佳节。")
    rows = [[line["box"], line["text"], line["score"], [w["box"] for w in line["words"]], [w["text"] for w in line["words"]], [w["score"] for w in line["words"]]] for line in page["lines"]]
    as_rows = source_of(json.dumps(rows, ensure_ascii=False).encode(), "scan.json").text
    assert "# 月圆中秋 邻里同乐" in as_rows.split("\n")


def test_a_headline_gap_where_a_quotation_mark_may_be_missing_is_no_space():
    # 全国“两会”: the engine dropped the opening mark and left its gap
    page = celled_page(celled("全国两会”精神大会召开", 40, 40, 40, {2: 40}), "中秋节前夕，社区在文化广场", "举办邻里节活动，居民", "欢聚一堂共度佳节。")
    assert "# 全国两会”精神大会召开" in source_of(json.dumps(page, ensure_ascii=False).encode(), "scan.json").text.split("\n")


def test_a_headline_space_the_page_shows_stays_though_the_body_prints_the_words_without_it(rulebook, tmp_path: Path):
    # the body's 、 between the two parts was lost (as an engine drops it at a line's end)
    page = celled_page(
        celled("开局就是决战起步就要冲刺", 40, 40, 40, {6: 40}),
        "本报讯（记者 王思）全区上下", "以开局就是决战起步就要冲刺的", "状态投入新一年工作。",
    )
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    [issue] = list(clean_files([scan], rulebook))
    assert [a.headline for a in issue.articles] == [["开局就是决战 起步就要冲刺"]]


def test_a_headline_read_as_two_boxes_is_one_line_each_part_located_in_its_own():
    left, right = celled("聚焦“一老一小”", 40, 40, 40), celled("办好民生实事", 40 + 8 * 40 + 48, 40, 40)
    page = celled_page(right, "今年以来，我区新增婴幼儿托育机构五家，新增托位三百余个，", "全区每千人口拥有托位数达到四个，", "托育服务更加可及。")
    page["lines"].append(left)
    source = source_of(json.dumps(page, ensure_ascii=False).encode(), "scan.json")
    assert source.text.startswith("# 聚焦“一老一小” 办好民生实事\n")
    assert [(source.place(source.text.index(c))["element"], source.place(source.text.index(c))["offset"]) for c in "焦办实"] == [("#4", 1), ("#0", 0), ("#0", 4)]


def test_a_line_is_measured_by_its_characters_boxes_not_by_ink_around_them():
    # a column's last line: three characters read in a box as tall as a headline's that runs
    # over ink on its left the engine read nothing in
    page = celled_page(celled("石室乡备足农资", 40, 40, 40), "今年全乡计划种植早稻三千亩", "乡里组织农机手检修拖拉机和", "插秧机，确保春耕有序推进，", "总产量预计可")
    smudged = celled("达6吨", 40, 248, 20)
    smudged["box"] = [0, 244, 100, 276]
    page["lines"].append(smudged)
    assert source_of(json.dumps(page, ensure_ascii=False).encode(), "scan.json").text.endswith("总产量预计可\n达6吨\n")
