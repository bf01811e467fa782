"""An OCR engine's lines laid out from their boxes: reading order, columns, headline bands,
furniture, indents and gaps, measured rather than guessed from the text.

Line detectors list their lines in their own order (by detection score, by region, top to
bottom across all columns), so the order is rebuilt from the boxes alone, by a recursive
XY-cut (Nagy and Seth, 1984): a set of boxes is cut at the widest empty band of its
projection on either axis, the parts read top to bottom (a horizontal cut) or left to right
(a vertical one), until no empty band is left. A column gutter is wider than the space
between two lines of text, and a band across the page (a headline over its columns, a
masthead) has its columns' text below it, so this reads a newspaper's columns in order.

What the text reader estimates from a transcript's characters is then measured:
- a headline line is taller than the page's body lines (`HEADLINE_HEIGHT` times); two
  headline boxes on one row, alike and close, are one line the engine read in two parts;
- a line's indent is how far right of its column's left edge it starts, in characters;
- a blank line stands where the space between two lines of a column is more than a body
  line's height wider than the usual space between lines;
- furniture (masthead, running heads, page number) lies in the page's top or bottom margin.
The result (`Laid`) is what a transcript would say about the line: the same blank lines,
indents and blocks, so the layout model fitted on transcripts reads it unchanged.

Pure functions over plain dataclasses; nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import median

HEADLINE_HEIGHT = 1.25  # a headline line is this many body line heights tall, or taller (a body line with quotes or brackets has a box up to 1.2 tall)
# A paragraph indent is two characters; an opening quote's box starts half a character in.
_MIN_INDENT = 1.5
_MAX_INDENT = 4  # characters: a line that starts further in is centred, not indented
_GAP = 0.8  # body line heights of extra space between two lines that make a blank line
# Margins where furniture stands (shares of the page height), when the page's size is known.
_TOP_MARGIN = 0.06
_BOTTOM_MARGIN = 0.04
_MIN_CHARS_FOR_PITCH = 4  # lines this long give the width of a character
HEADLINE_PITCH = 1.4  # and its characters this many body characters wide, or wider
# Characters of empty page that make a space: between two boxes on one row, or beyond the
# usual pitch between two characters' centres. Measured on RapidOCR's character boxes in
# headline lines (benchmarks/ocr_geometry.py), two parts of a headline set a full-width space
# apart stand 0.87 or more further apart, neighbours at most 0.31
SPACE = 0.5
# Two headline boxes on one row, alike in size and at most this many of their characters
# apart, are one line the engine read in two parts; farther apart, two headlines side by side
_BESIDE = 1.5


@dataclass(frozen=True, slots=True)
class Box:
    """A line's bounding box in page pixels (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line an engine read: its text, box, where it is in the input (an XML element's id,
    or `#N` for the Nth line of a JSON result), its score and its words' scores as spans
    `(first, last, score)` of its text, when the format gives them; and where the engine
    gives its characters' boxes, the offsets in its text where they leave a character-wide gap
    it read nothing in, and how far they reach (left, right): the line's box may hold ink it
    read nothing in."""

    text: str
    box: Box
    place: str
    score: float | None = None
    word_scores: tuple[tuple[int, int, float], ...] = ()
    gaps: tuple[int, ...] = ()
    characters: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class OcrPage:
    """A page an engine read: its lines in the engine's order, and its size when known."""

    lines: tuple[OcrLine, ...]
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True, slots=True)
class Laid:
    """A line as a transcript would give it: which line of the page (`index`), how many
    blank lines stand before it, its indent in characters, whether it is a headline line
    (taller than the body) outside the page's margins, and the lines beside it on its row."""

    index: int
    blank_before: int
    indent: int
    headline: bool = False
    # the lines on the same row that go on this one (a two-part headline the engine read as
    # two boxes), each with whether a space stands before it
    beside: tuple[tuple[int, bool], ...] = ()


def reading_order(boxes: list[Box], headline: list[bool] | None = None) -> list[tuple[int, int]]:
    """The indexes of `boxes` in reading order, each with the column it is in: a number for
    each part a vertical cut made (0 for lines no vertical cut set apart).

    `headline` says which lines are headline lines: an empty band across with a headline
    under it, half a body line high or more, is cut first, however wide a gutter is. A
    headline heads the columns under it even when it is too short to reach over the last of
    them, which would otherwise let the gutter before that column cut through the articles
    above and below it."""
    headline = headline or [False] * len(boxes)
    body = [box.height for box, tall in zip(boxes, headline) if not tall]
    least = 0.5 * median(body) if body else 0.0
    leaves: list[tuple[int, int]] = []  # (line, the column it is in: a part a vertical cut made)
    columns = 0
    pending = [(list(range(len(boxes))), columns)] if boxes else []  # parts still to cut, the next last
    while pending:
        indexes, column = pending.pop()
        across = _widest_gap(boxes, indexes, vertical=False)  # an empty band across: a horizontal cut
        over_headline = _widest_gap(boxes, indexes, vertical=False, above=headline)
        if over_headline is not None and over_headline[0] < least:
            over_headline = None
        down = _widest_gap(boxes, indexes, vertical=True)
        if down is None and (crossed := _gutter(boxes, indexes, least)) is not None and (across is None or crossed[0] > 2 * across[0]):
            down = crossed  # far wider than any band across: lines beside each other, not under
        if across is None and down is None:  # one line, or lines that overlap both ways
            leaves.extend((i, column) for i in sorted(indexes, key=lambda i: (boxes[i].top, boxes[i].left)))
        elif over_headline is not None or down is None or (across is not None and across[0] >= down[0]):
            at = (over_headline or across)[1]
            pending += [([i for i in indexes if boxes[i].bottom > at], column), ([i for i in indexes if boxes[i].bottom <= at], column)]
        else:  # a line the engine ran across the gutter goes with the column it starts in
            left = [i for i in indexes if boxes[i].left < down[1]]
            pending += [([i for i in indexes if boxes[i].left >= down[1]], columns + 2), (left, columns + 1)]
            columns += 2
    return leaves


def _widest_gap(boxes: list[Box], indexes: list[int], vertical: bool, above: list[bool] | None = None) -> tuple[float, float] | None:
    """The widest empty band between the boxes' projections on one axis (x for a vertical
    cut, y for a horizontal one): its width and the coordinate it starts at, or None. With
    `above`, only a band whose first line after it is one of those."""
    spans = sorted((boxes[i].left, boxes[i].right, i) if vertical else (boxes[i].top, boxes[i].bottom, i) for i in indexes)
    best = None
    reach = spans[0][1]
    for start, end, index in spans[1:]:
        if start > reach and (best is None or start - reach > best[0]) and (above is None or above[index]):
            best = (start - reach, reach)
        reach = max(reach, end)
    return best


def _gutter(boxes: list[Box], indexes: list[int], least: float) -> tuple[float, float] | None:
    """A column gutter that a few lines run across (an engine reading two columns' lines as
    one): the widest band down, `least` wide or more, that at most one line in 20 (and at
    least one) crosses, with twice as many lines on either side of it. Its width and where
    it starts, or None."""
    allowed = max(1, len(indexes) // 20)
    edges = sorted({x for i in indexes for x in (boxes[i].left, boxes[i].right)})
    at = {x: k for k, x in enumerate(edges)}
    change = [0] * len(edges)  # lines crossing the band from each edge to the next, as differences
    for i in indexes:
        change[at[boxes[i].left]] += 1
        change[at[boxes[i].right]] -= 1
    best, start, crossed, crossing = None, None, 0, 0
    for k, (low, high) in enumerate(pairwise(edges)):
        crossing += change[k]
        if crossing <= allowed:
            start, crossed = (low, crossing) if start is None else (start, max(crossed, crossing))
            continue
        if start is not None and low - start >= least and (best is None or low - start > best[0]):
            left = sum(1 for i in indexes if boxes[i].right <= start)
            right = sum(1 for i in indexes if boxes[i].left >= low)
            if min(left, right) >= 2 * max(1, crossed):
                best = (low - start, start)
        start = None
    return best


def lay_out(page: OcrPage) -> list[Laid]:
    """The page's lines in reading order, each with the blank lines before it and its indent,
    as a transcript of the page would have them."""
    lines = page.lines
    if not lines:
        return []
    boxes = [line.box for line in lines]
    body = median(box.height for box in boxes)
    # where a line's text starts and ends: its characters' own boxes where the engine gives
    # them (a line's box may run over ink it read nothing in, and look indented less or set in
    # larger characters than its text is)
    reach = [line.characters or (line.box.left, line.box.right) for line in lines]
    pitches = [(right - left) / _ems(line.text) for (left, right), line in zip(reach, lines)]
    samples = [p for p, line in zip(pitches, lines) if len(line.text) >= _MIN_CHARS_FOR_PITCH and line.box.height < HEADLINE_HEIGHT * body]
    char = median(samples) if samples else body
    # a headline's characters are larger both ways: a short line's box is often taller
    # than its text, never wider
    headline = [box.height >= HEADLINE_HEIGHT * body and pitch >= HEADLINE_PITCH * char for box, pitch in zip(boxes, pitches)]
    furniture = _furniture(boxes, page.height, body)
    order = reading_order(boxes, headline)
    spacing = _line_spacing(boxes, order, headline, body)
    lefts = [left for left, _ in reach]
    edges = _left_edges(lefts, order, [not (h or f) for h, f in zip(headline, furniture)], char)
    laid: list[Laid] = []
    previous: int | None = None
    for index, _ in order:
        if previous is not None and headline[index] and not furniture[index] and laid[-1].headline and _beside(boxes[previous], boxes[index], pitches[previous]):
            spaced = boxes[index].left - boxes[previous].right >= SPACE * pitches[previous]
            laid[-1] = replace(laid[-1], beside=(*laid[-1].beside, (index, spaced)))
            previous = index
            continue
        measured = (lefts[index] - edges[index]) / char
        indent = round(measured) if _MIN_INDENT <= measured and not headline[index] and not furniture[index] else 0
        blank = _blank_before(boxes, previous, index, headline, furniture, spacing, body)
        laid.append(Laid(index, blank, indent, headline[index] and not furniture[index]))
        previous = index
    return laid


def _beside(before: Box, box: Box, pitch: float) -> bool:
    """Is `box` the rest of the line `before` began: on its row, alike in height, to its
    right and at most `_BESIDE` of its characters (`pitch` wide) from it?"""
    alike = abs(before.height - box.height) <= 0.15 * max(before.height, box.height)
    row = min(before.bottom, box.bottom) - max(before.top, box.top) >= 0.75 * max(before.height, box.height)
    return alike and row and -0.25 * pitch <= box.left - before.right <= _BESIDE * pitch


def _ems(text: str) -> float:
    """How many body characters wide a text is set: an ASCII character is half a Chinese one."""
    return max(1.0, sum(0.5 if ch.isascii() else 1.0 for ch in text))


def _left_edges(lefts: list[float], order: list[tuple[int, int]], body: list[bool], char: float) -> list[float]:
    """The left edge of each line's column: the leftmost start (`lefts`) of the column's body
    lines that start at most `_MAX_INDENT` characters left of it (a line further right than
    that is centred, not indented)."""
    in_column: dict[int, list[float]] = {}
    for index, column in order:
        if body[index]:
            in_column.setdefault(column, []).append(lefts[index])
    edges = list(lefts)
    for index, column in order:
        reach = lefts[index] - (_MAX_INDENT + 0.5) * char
        edges[index] = min((left for left in in_column.get(column, ()) if reach <= left), default=lefts[index])
    return edges


def _furniture(boxes: list[Box], page_height: float | None, body: float) -> list[bool]:
    """Which lines are page furniture: those in the page's top margin, and those in its
    bottom margin that stand apart (a body line's height of space above them)."""
    top = min(box.top for box in boxes)
    bottom = max(box.bottom for box in boxes)
    height = page_height or bottom - top

    def apart(box: Box) -> bool:
        return all(
            other.bottom <= box.top - body or other is box
            for other in boxes
            if other.top < box.top and min(other.right, box.right) > max(other.left, box.left)
        )

    return [box.bottom <= top + _TOP_MARGIN * height or (box.top >= bottom - _BOTTOM_MARGIN * height and apart(box)) for box in boxes]


def _line_spacing(boxes: list[Box], order: list[tuple[int, int]], headline: list[bool], body: float) -> float:
    """The usual space between two body lines read one after the other in a column."""
    gaps = [
        boxes[b].top - boxes[a].bottom
        for (a, column), (b, next_column) in pairwise(order)
        if column == next_column and not headline[a] and not headline[b] and 0 <= boxes[b].top - boxes[a].bottom < 2 * body
    ]
    return median(gaps) if gaps else 0.5 * body


def _blank_before(
    boxes: list[Box], previous: int | None, index: int, headline: list[bool], furniture: list[bool], spacing: float, body: float
) -> int:
    """Blank lines before line `index`, read after line `previous`: one around a headline
    (the lines of one headline, alike in height and close, stay one block) and around
    furniture, and where the space above it is a line wider than usual. A line at the top
    of the next column goes on from the one at the foot of the last: no blank line, as the
    text goes on there."""
    if previous is None:
        return 0
    a, b = boxes[previous], boxes[index]
    gap = b.top - a.bottom
    if furniture[index] and not furniture[previous] and gap > body:  # a foot line, well below the text
        return 2
    if furniture[index] or furniture[previous]:
        return 1
    if headline[index] or headline[previous]:
        same_headline = headline[index] and headline[previous] and abs(a.height - b.height) <= 0.15 * max(a.height, b.height) and 0 <= gap < 0.6 * a.height
        return 0 if same_headline else 1
    if gap < 0:  # the next column
        return 0
    return 1 if gap > spacing + _GAP * body else 0
