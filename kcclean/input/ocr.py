"""OCR engines' results read into a `Source`: hOCR, ALTO (v2-v4), PAGE XML and the JSON of
PaddleOCR/RapidOCR, told apart by their content rather than their file names.

Each format becomes the same `OcrPage`s (lines with boxes and scores), laid out by
`geometry.lay_out` and written as the transcript of the page it measured: lines in reading
order, a paragraph's first line indented, blank lines around headlines, furniture and wide
gaps. The layout, rules and output read it as they read any transcript; the source keeps,
for each line of that text, the line it came from (`LinePlace`: the XML element's id or the
JSON line's index, its box and scores), so every change can be located in the input.

XML is parsed with defusedxml (no entity expansion, no external entities: an OCR file may
come from anywhere); hOCR, which is HTML, with the standard library's HTML parser (it
expands no entities beyond HTML's own).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from itertools import pairwise
from statistics import median
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import InputError
from ..provenance import LinePlace, Source
from .geometry import SPACE, Box, OcrLine, OcrPage, lay_out

# The formats, as the report names them in place of an encoding.
HOCR, ALTO, PAGE, ENGINE_JSON = "hOCR", "ALTO XML", "PAGE XML", "OCR JSON"

_SNIFFED = 4096  # bytes looked at to tell a format
_BOMS = (b"\xef\xbb\xbf",)
_XML_START = re.compile(rb"<(\?xml|!--|[A-Za-z])")
_HTML = re.compile(rb"<!doctype html|<html[\s>]", re.IGNORECASE)
_HOCR_LINES = ("ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat")
_LINE_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_WORD_SPACE = 0.35  # line heights between two words' boxes that make a space between them
_SPACED = re.compile(r"[\w]")  # what a space can stand between: letters, digits, Chinese
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "「": "」", "〈": "〉", "【": "】"}
_CLOSING = frozenset(_PAIRS.values())
_PAGE_BREAK = "\n\n\n"


def ocr_format(data: bytes, name: str) -> str | None:
    """The OCR format of a file's bytes, or None for a transcript. A file that starts like
    XML or JSON but is neither a known format nor a transcript is refused with why."""
    head = data[:_SNIFFED]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip()
    if _XML_START.match(head):
        if _HTML.search(head):
            return HOCR
        return _xml_kind(data, name)
    if head[:1] in (b"{", b"["):
        try:
            json.loads(data)
        except (ValueError, UnicodeDecodeError):
            if name.lower().endswith(".json"):
                raise InputError(name, "not valid JSON: an OCR result must be one JSON document") from None
            return None  # a transcript that starts with a bracket
        return ENGINE_JSON
    return None


def _xml_kind(data: bytes, name: str) -> str:
    root = _parse_xml(data, name)
    tag = _local(root.tag)
    namespace = root.tag[1:].partition("}")[0].lower() if root.tag.startswith("{") else ""
    if tag == "alto" or "alto" in namespace:
        return ALTO
    if tag == "PcGts" or "primaresearch" in namespace:
        return PAGE
    raise InputError(name, f"an XML file with root <{tag}>: not ALTO, PAGE or hOCR, the OCR formats kcclean reads")


def _parse_xml(data: bytes, name: str) -> Element:
    try:
        return fromstring(data)
    except ParseError as error:
        raise InputError(name, f"malformed XML ({error})") from None
    except DefusedXmlException as error:
        raise InputError(name, f"XML refused: {error} (an OCR file needs no entities)") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def read_ocr(data: bytes | str, name: str, kind: str) -> Source:
    """The source of an OCR file of `kind` (`ocr_format`): its pages laid out as a transcript.
    `data` is the file's bytes, or for hOCR (HTML, which need not say its encoding) its text,
    decoded as a transcript is."""
    reader = {HOCR: _hocr_pages, ALTO: _alto_pages, PAGE: _page_pages, ENGINE_JSON: _json_pages}[kind]
    pages = [page for page in reader(data, name) if page.lines]
    if not pages:
        raise InputError(name, f"{kind} without any line of text: nothing to clean")
    return transcript_of(pages, name, kind)


def transcript_of(pages: list[OcrPage], name: str, kind: str) -> Source:
    """The transcript `lay_out` measures on `pages` (one after the other, apart), and for each
    of its lines the OCR lines it holds. A headline line has a space where the engine's
    character boxes leave a character-wide gap it read nothing in (`OcrLine.gaps`): a
    paper sets a headline's parts a space apart where prose would have a comma, and engines
    drop that space."""
    lines: list[str] = []
    places: list[tuple[LinePlace, ...]] = []
    for number, page in enumerate(pages):
        if number:
            lines += ["", ""]
            places += [(), ()]
        for laid in lay_out(page):
            lines += [""] * laid.blank_before
            places += [()] * laid.blank_before
            written = ("# " if laid.headline else "") + "\u3000" * laid.indent
            parts = []
            for index, spaced in ((laid.index, False), *laid.beside):
                line = page.lines[index]
                text = _LINE_BREAKS.sub(" ", line.text)
                gaps = line.gaps if laid.headline else ()
                added = tuple(at + k for k, at in enumerate(gaps))  # where each space stands once put in
                text = " ".join(text[start:end] for start, end in pairwise((0, *gaps, len(text))))
                kept = text.strip()
                skip = len(text) - len(text.lstrip())
                written += " " * spaced
                box = line.box
                parts.append(LinePlace(line.place, len(written) - skip, (box.left, box.top, box.right, box.bottom), line.score, line.word_scores, added))
                written += kept
            lines.append(written)
            places.append(tuple(parts))
    return Source.of(name, "\n".join(lines) + "\n", kind, places=tuple(places))


def _line(text: str, box: Box | None, place: str, name: str, score: float | None = None, words: tuple = ()) -> OcrLine:
    if box is None:
        raise InputError(name, f"line {place} has no box: kcclean needs each line's position")
    return OcrLine(text, box, place, score, words)


def _joined(words: list[tuple[str, Box | None, float | tuple[float, ...] | None]], spaced: bool = True) -> tuple[str, tuple[tuple[int, int, float], ...]]:
    """A line's text from its words, and each word's score as a span of it (each character's,
    where the format scores characters). Two words are
    written apart when there is space between their boxes (a byline's names), or, without
    boxes, when they are not both Chinese (engines list Chinese characters as words); never
    next to a mark. Not `spaced`: the words are the characters of the engine's own text,
    written as they are."""
    parts: list[str] = []
    scores = []
    at = 0
    previous: tuple[str, Box | None] | None = None
    for text, box, score in words:
        if not text:
            continue
        if previous is not None and spaced:
            before, before_box = previous
            if _SPACED.fullmatch(before[-1]) is None or _SPACED.fullmatch(text[0]) is None:
                apart = False  # a mark's ink stands off its neighbour: no space is measured there
            elif box is not None and before_box is not None:
                apart = box.left - before_box.right > _WORD_SPACE * max(box.height, before_box.height)
            else:
                apart = not (_WIDE.fullmatch(before[-1]) and _WIDE.fullmatch(text[0]))
            if apart:
                parts.append(" ")
                at += 1
        parts.append(text)
        if isinstance(score, tuple):
            scores.extend((at + k, at + k + 1, one) for k, one in enumerate(score))
        elif score is not None:
            scores.append((at, at + len(text), score))
        at += len(text)
        previous = (text, box)
    return "".join(parts), tuple(scores)


def _cell_gaps(cells: list[tuple[str, Box, float | None]]) -> tuple[int, ...]:
    """Where in its text an engine that places each character in a box (RapidOCR, centred
    where its recogniser read the character) saw a character-wide gap it read nothing in:
    between two Chinese characters whose centres stand `SPACE` characters or more further
    apart than the line's usual pitch (the median between two Chinese neighbours), where no
    quotation mark or bracket may be missing (`_no_mark_missing`: a mark the engine dropped
    leaves the same gap). In a headline it is the space between the headline's parts
    (`transcript_of`)."""
    text = "".join(char for char, _, _ in cells)
    pairs = []  # (offset of the second character, distance between the centres)
    at = 0
    for (before, before_box, _), (char, box, _) in pairwise(cells):
        at += len(before)
        if _HAN.fullmatch(before[-1]) and _HAN.fullmatch(char[0]):
            pairs.append((at, (box.left + box.right - before_box.left - before_box.right) / 2))
    if len(pairs) < 2:
        return ()
    pitch = median(distance for _, distance in pairs)
    return tuple(at for at, distance in pairs if distance - pitch >= SPACE * pitch and _no_mark_missing(text, at))


def _no_mark_missing(text: str, at: int) -> bool:
    """Can a gap at position `at` of `text` be no more than a space: no quotation mark or
    bracket before it is left open in the line, and none after it is closed without its
    opening (the gap may be where the engine dropped its twin)?"""
    opened: list[tuple[int, str]] = []  # the marks still open, and the mark that closes each
    for k, char in enumerate(text):
        if char in _PAIRS:
            opened.append((k, _PAIRS[char]))
        elif char in _CLOSING:
            if opened and opened[-1][1] == char:
                opened.pop()
            elif k >= at:
                return False
    return all(k >= at for k, _ in opened)


# ALTO: Page > PrintSpace > TextBlock > TextLine > String / SP / HYP, positions HPOS, VPOS,
# WIDTH, HEIGHT (in the file's measurement unit; only their ratios matter here).


def _alto_pages(data: bytes, name: str) -> list[OcrPage]:
    root = _parse_xml(data, name)
    pages = [element for element in root.iter() if _local(element.tag) == "Page"] or [root]
    return _xml_pages(pages, _alto_line, ("WIDTH", "HEIGHT"), name)


def _xml_pages(pages: list[Element], read_line, size: tuple[str, str], name: str) -> list[OcrPage]:
    """The `TextLine`s of each page element read by `read_line`, and the page's size (the
    attributes `size` names)."""
    return [
        OcrPage(
            tuple(read_line(line, number, name) for number, line in enumerate(_all(page, "TextLine"))),
            _number(page.get(size[0])),
            _number(page.get(size[1])),
        )
        for page in pages
    ]


def _all(element: Element, tag: str) -> list[Element]:
    return [child for child in element.iter() if _local(child.tag) == tag]


def _alto_line(line: Element, number: int, name: str) -> OcrLine:
    words = []
    for child in line:
        tag = _local(child.tag)
        if tag in ("String", "HYP"):
            content = child.get("CONTENT", "")
            words.append((content, _alto_box(child), _character_scores(child.get("CC"), content) or _number(child.get("WC"))))
    text, scores = _joined(words)
    word_scores = [score for _, _, score in scores]
    score = sum(word_scores) / len(word_scores) if word_scores else None
    return _line(text, _alto_box(line), line.get("ID") or f"TextLine {number + 1}", name, score, scores)


def _character_scores(confidences: str | None, content: str) -> tuple[float, ...] | None:
    """ALTO's CC: one digit per character, 0 sure to 9 unsure (space-separated, or run
    together in older files), as scores of 1 (sure) down to 0, as engines score a word; None
    when there is none or it does not give one per character."""
    digits = "".join((confidences or "").split())  # each digit one character's, spaced or not
    if len(digits) != len(content) or not digits.isdecimal():
        return None
    return tuple(round(1 - int(d) / 9, 3) for d in digits)


def _alto_box(element: Element) -> Box | None:
    left, top, width, height = (_number(element.get(key)) for key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    if None in (left, top, width, height):
        return None
    return Box(left, top, left + width, top + height)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# PAGE: PcGts > Page (imageWidth, imageHeight) > TextRegion > TextLine (id) with Coords
# (points="x,y x,y …", or Point children in the 2010 schema), TextEquiv > Unicode, and Words.


def _page_pages(data: bytes, name: str) -> list[OcrPage]:
    root = _parse_xml(data, name)
    pages = [element for element in root if _local(element.tag) == "Page"]
    if not pages:
        raise InputError(name, "PAGE XML without a <Page> element")
    return _xml_pages(pages, _page_line, ("imageWidth", "imageHeight"), name)


def _page_line(line: Element, number: int, name: str) -> OcrLine:
    text, score = _text_equiv(line)
    words = [(*_text_equiv(word), _coords(word)) for word in line if _local(word.tag) == "Word"]
    joined, spans = _joined([(word, box, conf) for word, conf, box in words])
    text = text or joined
    return _line(text, _coords(line), line.get("id") or f"TextLine {number + 1}", name, score, spans if text == joined else ())


def _text_equiv(element: Element) -> tuple[str, float | None]:
    """An element's own text (its first TextEquiv's Unicode, the lowest index first) and score."""
    equivs = [child for child in element if _local(child.tag) == "TextEquiv"]
    if not equivs:
        return "", None
    equiv = min(equivs, key=lambda e: _number(e.get("index")) or 0)
    unicode = next((child for child in equiv if _local(child.tag) == "Unicode"), None)
    return (unicode.text or "") if unicode is not None else "", _number(equiv.get("conf"))


def _coords(element: Element) -> Box | None:
    coords = next((child for child in element if _local(child.tag) == "Coords"), None)
    if coords is None:
        return None
    if coords.get("points"):
        try:
            points = [tuple(float(v) for v in pair.split(",")) for pair in coords.get("points").split()]
        except ValueError:
            return None
    else:
        points = [(_number(p.get("x")), _number(p.get("y"))) for p in coords if _local(p.tag) == "Point"]
    return _bounds(points)


def _bounds(points) -> Box | None:
    """The box around polygon `points` ((x, y) pairs), or None if they are no polygon."""
    try:
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    except (TypeError, ValueError, IndexError):
        return None
    if len(xs) < 2:
        return None
    return Box(min(xs), min(ys), max(xs), max(ys))


# hOCR: HTML whose elements carry classes (ocr_page, ocr_line, ocrx_word) and a title
# holding their properties: "bbox x0 y0 x1 y1; x_wconf 93".


class _HocrReader(HTMLParser):
    """Collects each hOCR line's words (text, box, score) and each page's size."""

    _VOID = frozenset({"br", "img", "meta", "link", "hr", "input", "area", "base", "col", "embed", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[dict] = []
        self._open: list[tuple[str, str]] = []  # (tag, what it is: page, line, word or "")
        self._line: dict | None = None
        self._word: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        title = _hocr_title(values.get("title") or "")
        role = ""
        if "ocr_page" in classes:
            role = "page"
            box = title.get("bbox")
            self.pages.append({"size": (box.right, box.bottom) if box else (None, None), "lines": []})
        elif any(name in classes for name in _HOCR_LINES) and self._line is None:
            role = "line"
            if not self.pages:
                self.pages.append({"size": (None, None), "lines": []})
            self._line = {"id": values.get("id"), "box": title.get("bbox"), "words": [], "text": []}
        elif "ocrx_word" in classes and self._line is not None:
            role = "word"
            self._word = ["", title.get("bbox"), title.get("x_wconf")]
        self._open.append((tag, role))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, role = self._open.pop()
            self._closed(role)
            if opened == tag:
                break

    def _closed(self, role: str) -> None:
        if role == "word" and self._line is not None:
            self._line["words"].append(tuple(self._word))
            self._word = None
        elif role == "line":
            self.pages[-1]["lines"].append(self._line)
            self._line = None

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._word[0] += data.strip()
        elif self._line is not None:
            self._line["text"].append(data)

    def close(self) -> None:
        super().close()
        while self._open:
            self._closed(self._open.pop()[1])


def _hocr_title(title: str) -> dict:
    """The properties of an hOCR title that are read: bbox (a Box) and x_wconf (0-100, as a
    share)."""
    found: dict = {}
    for part in title.split(";"):
        key, _, value = part.strip().partition(" ")
        numbers = value.split()
        try:
            if key == "bbox" and len(numbers) == 4:
                found["bbox"] = Box(*(float(n) for n in numbers))
            elif key == "x_wconf" and numbers:
                found["x_wconf"] = float(numbers[0]) / 100
        except ValueError:
            continue
    return found


def _hocr_pages(text: str, name: str) -> list[OcrPage]:
    reader = _HocrReader()
    reader.feed(text)
    reader.close()
    if not any(page["lines"] for page in reader.pages):
        raise InputError(name, "HTML without hOCR lines (elements of class ocr_line): not an OCR result kcclean reads")
    pages = []
    for page in reader.pages:
        lines = []
        for number, line in enumerate(page["lines"]):
            place = line["id"] or f"line {number + 1}"
            if line["words"]:
                text, scores = _joined(line["words"])
            else:
                text, scores = " ".join("".join(line["text"]).split()), ()
            word_scores = [score for _, _, score in scores]
            lines.append(_line(text, line["box"], place, name, sum(word_scores) / len(word_scores) if word_scores else None, scores))
        pages.append(OcrPage(tuple(lines), *page["size"]))
    return pages


# The JSON of an engine: kcclean's own shape {"width", "height", "lines": [{"box", "text",
# "score"}]}, RapidOCR's list of [box, text, score], PaddleOCR 2's list (of pages) of
# [box, [text, score]], or PaddleOCR 3's {"rec_texts", "rec_scores", "rec_polys"}.


def _json_pages(data: bytes, name: str) -> list[OcrPage]:
    value = json.loads(data)
    if isinstance(value, dict) and "lines" in value:
        entries = value["lines"]
        if not isinstance(entries, list):
            raise InputError(name, "OCR JSON whose `lines` is not a list")
        lines = [_json_object_line(entry, number, name) for number, entry in enumerate(entries)]
        return [OcrPage(tuple(lines), _json_number(value.get("width")), _json_number(value.get("height")))]
    if isinstance(value, dict) and "rec_texts" in value:
        polys = value.get("rec_polys") or value.get("dt_polys") or value.get("rec_boxes")
        texts, scores = value["rec_texts"], value.get("rec_scores") or [None] * len(value["rec_texts"])
        if not isinstance(polys, list) or not isinstance(texts, list) or len(polys) != len(texts) or len(scores) != len(texts):
            raise InputError(name, "PaddleOCR JSON whose rec_texts, rec_scores and rec_polys do not match one for one")
        rows = [[poly, text, score] for poly, text, score in zip(polys, texts, scores)]
        return [OcrPage(tuple(_json_row_line(row, number, name) for number, row in enumerate(rows)))]
    if isinstance(value, list):
        pages = value if value and all(isinstance(page, list) and page and _is_page(page) for page in value) else [value]
        offset = 0
        read = []
        for page in pages:
            read.append(OcrPage(tuple(_json_row_line(row, offset + number, name) for number, row in enumerate(page))))
            offset += len(page)
        return read
    raise InputError(name, 'JSON that is no OCR result: expected {"lines": [{"box", "text", "score"}, …]} or an engine\'s list of [box, text, score]')


def _is_page(rows: list) -> bool:
    """Is `rows` a page of lines ([box, text, score] each), rather than one line?"""
    return all(isinstance(row, list) and len(row) in (2, 3, 6) and isinstance(row[0], list) and row[0] and isinstance(row[0][0], list) for row in rows)


def _json_object_line(entry, number: int, name: str) -> OcrLine:
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        raise InputError(name, f"OCR JSON line #{number}: expected an object with `text`, `box` and `score`")
    box = _json_box(entry.get("box", entry.get("points", entry.get("bbox"))))
    words = entry.get("words")
    if words is None:
        return _line(entry["text"], box, f"#{number}", name, _json_number(entry.get("score")))
    if not isinstance(words, list) or not all(isinstance(word, dict) for word in words):
        raise InputError(name, f"OCR JSON line #{number}: `words` is not a list of objects with `text`, `box` and `score`")
    cells = [(word.get("text"), _json_box(word.get("box")), _json_number(word.get("score"))) for word in words]
    return _celled_line(entry["text"], box, cells, number, name, _json_number(entry.get("score")))


def _json_row_line(row, number: int, name: str) -> OcrLine:
    """A line as engines list it: [box, text, score] (RapidOCR), with its characters' boxes,
    texts and scores after them when RapidOCR was asked for them (`return_word_box`), or
    [box, [text, score]] (PaddleOCR)."""
    if isinstance(row, list) and len(row) == 2 and isinstance(row[1], list | tuple) and len(row[1]) == 2:
        row = [row[0], *row[1]]
    if not (isinstance(row, list) and len(row) in (3, 6) and isinstance(row[1], str)):
        raise InputError(name, f"OCR JSON line #{number}: expected [box, text, score], not {json.dumps(row, ensure_ascii=False)[:60]}")
    if len(row) == 3:
        return _line(row[1], _json_box(row[0]), f"#{number}", name, _json_number(row[2]))
    boxes, texts, scores = row[3:]
    if not (isinstance(boxes, list) and isinstance(texts, list) and isinstance(scores, list) and len(boxes) == len(texts) == len(scores)):
        raise InputError(name, f"OCR JSON line #{number}: its characters' boxes, texts and scores do not match one for one")
    return _celled_line(row[1], _json_box(row[0]), [(text, _json_box(cell), _json_number(one)) for cell, text, one in zip(boxes, texts, scores)], number, name, _json_number(row[2]))


def _celled_line(text: str, box: Box | None, cells: list, number: int, name: str, score: float | None) -> OcrLine:
    """A line whose characters the engine placed in cells: each character's score its own,
    and the gaps between cells where it read nothing (`_cell_gaps`)."""
    if not all(isinstance(char, str) and char and cell is not None for char, cell, _ in cells) or "".join(char for char, _, _ in cells) != text:
        raise InputError(name, f"OCR JSON line #{number}: its characters (each with a box) do not spell its text")
    _, scores = _joined(cells, spaced=False)
    reach = (min(cell.left for _, cell, _ in cells), max(cell.right for _, cell, _ in cells)) if cells else None
    return replace(_line(text, box, f"#{number}", name, score, scores), gaps=_cell_gaps(cells), characters=reach)


def _json_box(value) -> Box | None:
    """A box given as four (or more) [x, y] points, or as [left, top, right, bottom]."""
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, int | float) for v in value):
        left, top, right, bottom = value
        return Box(left, top, right, bottom) if right > left and bottom > top else None
    if isinstance(value, list) and all(isinstance(point, list) and len(point) == 2 for point in value):
        return _bounds(value)
    return None


def _json_number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
