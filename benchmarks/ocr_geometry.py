"""Geometry against plain text: newspaper pages of the fixtures' own articles set in 2 and 3
columns, degraded like scans, read by a real OCR engine (RapidOCR), and cleaned by kcclean
twice: from the engine's JSON result (boxes: reading order, columns, headlines and indents
measured) and from its plain text (its lines joined in the order the engine lists them, as
a pipeline that keeps only the text would give them). Prints, for each, body CER, article
recall, headline accuracy (headline lines exactly the reference's), headlines found (the
same but for spaces and marks, which the engine drops: the headline found where it is)
and paragraph-break F1 against the articles set on the pages.

Slow (the engine reads each page in tens of seconds on a shared machine), so not part of the
test suite. Needs the `ocr` extra (`pip install -e ".[ocr]"`) and fonts-noto-cjk.

    .venv/bin/python benchmarks/ocr_geometry.py --pages 6 --cache /tmp/ocr-pages.json
    .venv/bin/python benchmarks/ocr_geometry.py --keep /tmp/ocr-pages   # also write the inputs

Each page has a masthead (title, date, issue number) and articles one under the other, each
a band: its headline lines across the page (the parts of a two-part headline a full-width
space apart), its body in columns of --width characters, a paragraph's first line indented
two characters, the columns balanced. The clean text is the
project's own (fixtures/corpus/*/page.expected), never published text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path[:0] = [str(ROOT), str(BENCHMARKS)]

from ocr_roundtrip import FONT, FONT_INDEX, degrade, engine_class, scan_options  # noqa: E402

import regex  # noqa: E402

from kcclean.evaluate import Scores, load_articles, match_articles, score  # noqa: E402
from kcclean.model import Text  # noqa: E402
from kcclean.pipeline import clean_files  # noqa: E402
from kcclean.rules import Settings, load_rulebook  # noqa: E402

WEEKDAYS = "一二三四五六日"
_DROPPED = regex.compile(r"[\s\p{P}]")  # what the engine drops from a headline: spaces, dashes, quotes


def headlines_found(predicted: list[Text], reference: list[Text]) -> int:
    """Matched articles whose headline lines are the reference's but for spaces and marks:
    the headline was found where it is, whatever the engine misread in it."""
    def bare(article: Text) -> tuple[str, ...]:
        return tuple(_DROPPED.sub("", line) for line in article.headline)

    return sum(bare(pred) == bare(ref) for pred, ref in match_articles(predicted, reference))


def articles(seed: int) -> list[Text]:
    """The corpus's articles that a band can hold: a byline that is in the lead (or none),
    no subheads, 60-700 characters of body."""
    found = [
        a
        for path in sorted((ROOT / "fixtures" / "corpus").glob("*/page.expected"))
        for a in load_articles(path)
        if not a.subheads and 60 <= len(a.joined) <= 700 and (a.byline is None or a.byline in a.body[0])
        and all(len(line) <= 24 for line in a.headline) and a.headline
    ]
    random.Random(seed).shuffle(found)
    return found


class Setter:
    """Sets articles on pages: the measures of one layout."""

    def __init__(self, columns: int, width: int, size: int, lines_per_page: int):
        self.columns, self.width, self.size = columns, width, size
        self.pitch = int(size * 1.5)
        self.gutter = 2 * size
        self.margin = 2 * size
        self.column_px = width * size
        self.page_width = 2 * self.margin + columns * self.column_px + (columns - 1) * self.gutter
        self.lines_per_page = lines_per_page
        self.headline_size = int(size * 1.6)

    def body_lines(self, article: Text) -> list[tuple[str, int]]:
        """The article's body cut at the column width, each line with its indent in characters."""
        lines = []
        for paragraph in article.body:
            text, indent = paragraph, 2
            while text:
                take = self.width - indent
                lines.append((text[:take], indent))
                text, indent = text[take:], 0
        return lines

    def height_of(self, article: Text) -> int:
        rows = -(-len(self.body_lines(article)) // self.columns)
        return len(article.headline) * 2 + 1 + rows

    def fits(self, article: Text) -> bool:
        """Are the article's headline lines no wider than the page?"""
        return all(len(line) * self.headline_size <= self.page_width - 2 * self.margin for line in article.headline)

    def pages(self, texts: list[Text], count: int) -> list[list[Text]]:
        pages, page, used = [], [], 0
        for text in filter(self.fits, texts):
            if used + self.height_of(text) > self.lines_per_page and page:
                pages.append(page)
                if len(pages) == count:
                    return pages
                page, used = [], 0
            page.append(text)
            used += self.height_of(text)
        return pages + ([page] if page and len(pages) < count else [])

    def draw(self, page: list[Text], number: int):
        """The page as a clean image."""
        from PIL import Image, ImageDraw, ImageFont

        def font(size: int):
            return ImageFont.truetype(str(FONT), size, index=FONT_INDEX)

        height = 2 * self.margin + (self.lines_per_page + 5) * self.pitch
        image = Image.new("L", (self.page_width, height), 255)
        draw = ImageDraw.Draw(image)
        day = 1 + number % 28
        draw.text((self.margin, self.margin), "今日柯城", font=font(self.size * 3), fill=0)
        right = self.page_width - self.margin - 12 * self.size
        draw.text((right, self.margin), f"2026年3月{day}日 星期{WEEKDAYS[day % 7]}", font=font(self.size), fill=0)
        draw.text((right, self.margin + self.pitch), f"第{2500 + number}期", font=font(self.size), fill=0)
        y = self.margin + 4 * self.pitch
        for article in page:
            for line in article.headline:
                # a paper sets the parts of a headline a full-width space apart (a transcript
                # writes one space there, the font's own is a quarter of a character)
                draw.text((self.margin, y), line.replace(" ", "\u3000"), font=font(self.headline_size), fill=0)
                y += int(self.headline_size * 1.5)
            y += self.pitch // 2
            lines = self.body_lines(article)
            rows = -(-len(lines) // self.columns)
            for k, (text, indent) in enumerate(lines):
                column, row = divmod(k, rows)
                x = self.margin + column * (self.column_px + self.gutter) + indent * self.size
                draw.text((x, y + row * self.pitch), text, font=font(self.size), fill=0)
            y += rows * self.pitch + self.pitch
        return image


def read_page(engine, image) -> dict:
    """The engine's result in the JSON kcclean reads: the page size and its lines, in the
    engine's order, each with its characters' boxes and scores (`words`: RapidOCR places each
    character where its recogniser read it, so a space it dropped is still a gap there)."""
    import numpy

    found, _ = engine(numpy.array(image), return_word_box=True)
    lines = []
    for box, text, conf, cells, chars, scores in found or []:
        line = {"box": _points(box), "text": text, "score": float(conf)}
        if len(cells) == len(chars) == len(scores) and "".join(chars) == text:  # else the line goes without them
            line["words"] = [{"box": _points(cell), "text": char, "score": float(one)} for cell, char, one in zip(cells, chars, scores)]
        lines.append(line)
    return {"width": image.width, "height": image.height, "lines": lines}


def _points(box) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in box]


def texts_of(paths: list[Path], rulebook) -> list[Text]:
    found = []
    for issue in clean_files(paths, rulebook):
        if isinstance(issue, Exception):
            raise SystemExit(f"kcclean failed: {issue}")
        found += [Text(a.id, tuple(a.headline), tuple(a.body), a.byline) for a in issue.articles]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6, help="pages per layout")
    parser.add_argument("--columns", default="2,3", help="the layouts: columns on a page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--width", type=int, default=14, help="characters a column line")
    parser.add_argument("--size", type=int, default=26, help="body font size in pixels")
    parser.add_argument("--lines", type=int, default=40, help="body lines a page holds")
    scan_options(parser)
    parser.add_argument("--unsafe", action="store_true", help="apply the suggestions too, as `kcclean fix --unsafe` does")
    parser.add_argument("--keep", type=Path, help="a folder to write each page's OCR JSON and plain text into")
    args = parser.parse_args()
    RapidOCR = engine_class()

    cache = json.loads(args.cache.read_text(encoding="utf-8")) if args.cache and args.cache.is_file() else {}
    folder = args.keep or Path(__import__("tempfile").mkdtemp(prefix="kcclean-ocr-"))
    folder.mkdir(parents=True, exist_ok=True)
    rulebook = load_rulebook(Settings(unsafe=args.unsafe))
    texts = articles(args.seed)
    engine = None
    started = time.perf_counter()
    print(f"pages of the fixtures' articles, {args.width} characters a column at {args.size} px, "
          f"scan {args.scale}/{args.blur}/{args.noise} (scale/blur/noise){', suggestions applied' if args.unsafe else ''}")
    print(f"{'layout':10} {'input':10} {'articles':>8} {'body CER':>8} {'recall':>7} {'headlines':>9} {'found':>6} {'break F1':>8}")
    for columns in (int(c) for c in args.columns.split(",")):
        setter = Setter(columns, args.width, args.size, args.lines)
        pages = setter.pages(texts, args.pages)
        totals = {"geometry": Scores(0, 0, 0, 0, 0, 0, 0, 0), "plain text": Scores(0, 0, 0, 0, 0, 0, 0, 0)}
        found = {name: 0 for name in totals}
        for number, page in enumerate(pages):
            settings = f"{columns}/{args.width}/{args.size}/{args.lines}/{args.scale}/{args.blur}/{args.noise}/words/full-width spaces"
            key = hashlib.sha1((settings + "\n" + "\n".join(" ".join(a.headline) + a.joined for a in page)).encode()).hexdigest()
            if key not in cache:
                engine = engine or RapidOCR()
                image = degrade(setter.draw(page, number), args.scale, args.blur, args.noise, random.Random(key))
                cache[key] = read_page(engine, image)
                print(f"\r  read {columns}-column page {number + 1}/{len(pages)}", end="", file=sys.stderr, flush=True)
            result = cache[key]
            stem = folder / f"c{columns}-p{number + 1:02}"
            stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
            stem.with_suffix(".txt").write_text("\n".join(line["text"] for line in result["lines"]) + "\n", encoding="utf-8")
            for name, suffix in (("geometry", ".json"), ("plain text", ".txt")):
                predicted = texts_of([stem.with_suffix(suffix)], rulebook)
                totals[name] = totals[name] + score(predicted, page)
                found[name] += headlines_found(predicted, page)
        print("\r", end="", file=sys.stderr)
        for name, total in totals.items():
            print(f"{columns} columns {name:10} {total.reference:>8} {total.cer:>8.4f} {total.recall:>7.3f} "
                  f"{total.headline_accuracy:>9.3f} {found[name] / total.reference:>6.3f} {total.break_f1:>8.3f}")
    print(f"({time.perf_counter() - started:.0f} s; inputs in {folder})", file=sys.stderr)
    if args.cache:
        args.cache.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
