"""Write fixtures/ocr/: one two-column front page of the project's own articles, as a
transcript (`page.txt`) and as each OCR format kcclean reads, the engine's lines listed
out of order as line detectors list them.

The page is set by hand here (characters 20 px wide, half-width digits 10 px, lines cut at
the column's width, a paragraph's first line indented two characters), so the boxes are
what a clean scan would give. The expected articles (`page.articles`) are checked by hand
and kept; rerun this only when the page itself changes.

    .venv/bin/python scripts/make_ocr_fixtures.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "ocr"
WIDTH, HEIGHT = 720, 560
COLUMNS = ((40, 340), (380, 680))
BODY, HEADLINE, TITLE, SMALL = 20, 30, 48, 16  # font sizes in px
PITCH = 32  # body line pitch
COLUMN_FOOT = 520

MASTHEAD = [("今日柯城", TITLE, 40, 40), ("2026年3月12日 星期四", SMALL, 480, 44), ("第2501期", SMALL, 480, 72)]
ARTICLES = [
    (
        "石室乡备足农资助春耕",
        [
            "本报讯（记者 方心怡）3月10日上午，石室乡农技人员走进田间地头，为种粮大户送去稻种和有机肥，并现场讲解早稻育秧和病虫害防治要点。",
            "今年全乡计划种植早稻三千二百亩。乡里组织农机手对拖拉机、插秧机开展检修，确保春耕生产有序推进。",
        ],
    ),
    (
        "图书馆新书进社区",
        [
            "本报讯（通讯员 王晓燕）近日，柯城区图书馆将两千余册新书送到花园街道的五个社区，居民在家门口就能借书还书。",
            "图书馆负责人介绍，今年还将在社区开设亲子阅读课，每月举办一次读书分享会。",
        ],
    ),
]


def advance(ch: str, size: int) -> int:
    return size // 2 if ch.isascii() else size


def wrapped(paragraph: str, width: int) -> list[tuple[str, int]]:
    """The paragraph's lines as the column cuts them, each with its indent in px."""
    lines, line, used, indent = [], "", 2 * BODY, 2 * BODY
    for ch in paragraph:
        if used + advance(ch, BODY) > width:
            lines.append((line, indent))
            line, used, indent = "", 0, 0
        line += ch
        used += advance(ch, BODY)
    lines.append((line, indent))
    return lines


def set_page() -> tuple[list[dict], str]:
    """Every line of the page (text, box, font size) in reading order, and the transcript."""
    lines: list[dict] = []
    transcript: list[str] = []

    def place(text: str, size: int, x: int, y: int) -> None:
        chars = [(ch, x + sum(advance(c, size) for c in text[:k]), advance(ch, size)) for k, ch in enumerate(text)]
        right = chars[-1][1] + chars[-1][2]
        lines.append({"text": text, "box": (x, y, right, y + int(size * 1.1)), "size": size, "chars": chars, "y": y})

    for text, size, x, y in MASTHEAD:
        place(text, size, x, y)
        transcript += [text, ""]
    column, y = 0, 140
    for headline, paragraphs in ARTICLES:
        if y + 3 * PITCH > COLUMN_FOOT:
            column, y = column + 1, 140
        left, right = COLUMNS[column]
        transcript += ["", headline, ""] if transcript[-1] else [headline, ""]
        place(headline, HEADLINE, left, y)
        y += HEADLINE + 20
        for paragraph in paragraphs:
            for text, indent in wrapped(paragraph, right - left):
                if y + PITCH > COLUMN_FOOT:
                    column, y = column + 1, 140
                    left, right = COLUMNS[column]
                    transcript.append("")  # a column break, as transcripts show one
                place(text, BODY, left + indent, y)
                transcript.append("\u3000" * (indent // BODY) + text)
                y += PITCH
    return lines, "\n".join(transcript) + "\n"


def words(line: dict) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The line's words as an engine cuts Chinese: each run of characters between spaces."""
    found, run = [], []
    for ch, x, w in line["chars"] + [(" ", 0, 0)]:
        if ch == " ":
            if run:
                found.append(("".join(c for c, _, _ in run), (run[0][1], line["box"][1], run[-1][1] + run[-1][2], line["box"][3])))
            run = []
        else:
            run.append((ch, x, w))
    return found


def score(k: int) -> float:
    return round(0.90 + (k * 37 % 10) / 100, 2)


def hocr(lines: list[dict]) -> str:
    out = []
    for k, line in enumerate(lines):
        x0, y0, x1, y1 = line["box"]
        chars = "".join(
            f'<span class="ocrx_word" id="word_1_{k + 1}_{j + 1}" title="bbox {x} {y0} {x + w} {y1}; x_wconf {int(score(k + j) * 100)}">{escape(ch)}</span>'
            for j, (ch, x, w) in enumerate(line["chars"])
            if ch != " "
        )
        out.append(f'   <span class="ocr_line" id="line_1_{k + 1}" title="bbox {x0} {y0} {x1} {y1}; x_size {line["size"]}">{chars}</span>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh">\n <head>\n  <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>\n'
        '  <meta name="ocr-system" content="hand-set for kcclean"/>\n </head>\n <body>\n'
        f'  <div class="ocr_page" id="page_1" title="image page.png; bbox 0 0 {WIDTH} {HEIGHT}">\n' + "\n".join(out) + "\n  </div>\n </body>\n</html>\n"
    )


def alto(lines: list[dict]) -> str:
    out = []
    for k, line in enumerate(lines):
        x0, y0, x1, y1 = line["box"]
        parts = []
        for j, (text, (a, _, b, _)) in enumerate(words(line)):
            if j:
                parts.append("<SP/>")
            parts.append(f'<String CONTENT={quoteattr(text)} HPOS="{a}" VPOS="{y0}" WIDTH="{b - a}" HEIGHT="{y1 - y0}" WC="{score(k + j)}"/>')
        out.append(f'     <TextLine ID="TL{k + 1}" HPOS="{x0}" VPOS="{y0}" WIDTH="{x1 - x0}" HEIGHT="{y1 - y0}">{"".join(parts)}</TextLine>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">\n'
        "  <Description><MeasurementUnit>pixel</MeasurementUnit></Description>\n  <Layout>\n"
        f'   <Page ID="P1" WIDTH="{WIDTH}" HEIGHT="{HEIGHT}" PHYSICAL_IMG_NR="1">\n    <PrintSpace>\n     <TextBlock ID="B1">\n'
        + "\n".join(out) + "\n     </TextBlock>\n    </PrintSpace>\n   </Page>\n  </Layout>\n</alto>\n"
    )


def page_xml(lines: list[dict]) -> str:
    out = []
    for k, line in enumerate(lines):
        x0, y0, x1, y1 = line["box"]
        out.append(
            f'   <TextLine id="l{k + 1}"><Coords points="{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"/>'
            f'<TextEquiv conf="{score(k)}"><Unicode>{escape(line["text"])}</Unicode></TextEquiv></TextLine>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">\n'
        "  <Metadata><Creator>hand-set for kcclean</Creator><Created>2026-03-12T00:00:00</Created><LastChange>2026-03-12T00:00:00</LastChange></Metadata>\n"
        f'  <Page imageFilename="page.png" imageWidth="{WIDTH}" imageHeight="{HEIGHT}">\n  <TextRegion id="r1"><Coords points="0,0 {WIDTH},0 {WIDTH},{HEIGHT} 0,{HEIGHT}"/>\n'
        + "\n".join(out) + "\n  </TextRegion>\n  </Page>\n</PcGts>\n"
    )


def engine_json(lines: list[dict]) -> str:
    rows = []
    for k, line in enumerate(lines):
        x0, y0, x1, y1 = line["box"]
        rows.append({"box": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], "text": line["text"], "score": score(k)})
    return json.dumps({"width": WIDTH, "height": HEIGHT, "lines": rows}, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    lines, transcript = set_page()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "page.txt").write_text(transcript, encoding="utf-8")
    for name, write in (("page.hocr", hocr), ("page.alto.xml", alto), ("page.page.xml", page_xml), ("page.ocr.json", engine_json)):
        shuffled = lines[:]
        random.Random(name).shuffle(shuffled)  # line detectors list lines in their own order
        (OUT / name).write_text(write(shuffled), encoding="utf-8")


if __name__ == "__main__":
    main()
