"""Provenance, carried and never reconstructed: an input text (`Source`), a change of it
(`Change`), and the `Trace` of every derived text (a line, a paragraph, a headline): the input
spans it stands for, piece by piece. Every change is made here, by `recorded`, reached
through `Trace.replacement` (an edit, a record, a move) or `join_link` (a join), so it knows
from the start which span of which input it replaced. The report only projects what was
recorded. Offsets are integers: nothing is kept per character.

This module imports nothing of kcclean.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

# Kinds of change that alter text (the others record structure: record, move, stitch).
TEXT_KINDS = frozenset({"edit", "join"})


class LinePlace(NamedTuple):
    """Where a line of a source read from an OCR result is in that result: the line's id
    (an XML element's, or `#N` for a JSON result's Nth line), how many characters the
    source's line has before the element's text starts (its indent; negative when the
    element's text starts with spaces that were dropped), the line's box (left, top, right,
    bottom) and score, its words' scores as spans `(first, last, score)` of its text, and
    where the source's line has a space the element's text has not (a gap the engine read
    nothing in), as offsets counted like `shift`'s from the element's text's start."""

    element: str
    shift: int
    box: tuple[float, float, float, float]
    score: float | None
    word_scores: tuple[tuple[int, int, float], ...] = ()
    added: tuple[int, ...] = ()

    def offset(self, column: int) -> int:
        """The offset in the element's text of the source line's character at `column`
        (from 0): a space put in stands for the character after it."""
        at = column - self.shift
        return max(0, at - sum(1 for space in self.added if space < at))


@dataclass(frozen=True, slots=True)
class Source:
    """One decoded input file (or string), line ends normalised to LF. A source read from an
    OCR result is the transcript its geometry gives, and `places` holds, for each of its lines
    (by line number in the file, from 1; empty for a blank one), the OCR lines it holds, left
    to right (two for a headline the engine read in two parts)."""

    name: str
    text: str
    encoding: str
    line_starts: tuple[int, ...]
    warnings: tuple[str, ...] = ()  # what decoding it changed (bad bytes replaced)
    first_line: int = 1  # in its file: a part of a file holding several issues starts further down
    places: tuple[tuple[LinePlace, ...], ...] = ()

    @classmethod
    def of(
        cls,
        name: str,
        text: str,
        encoding: str = "str",
        warnings: tuple[str, ...] = (),
        first_line: int = 1,
        places: tuple[tuple[LinePlace, ...], ...] = (),
    ) -> Source:
        """A source from decoded text: CRLF, CR and U+2028 line ends become LF, and U+2029
        (paragraph separator) a blank line."""
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return cls(name, text, encoding, tuple(starts), warnings, first_line, places)

    def line_text(self, line: int) -> str:
        """The text of a line (1-based, in the file), without its line end."""
        at = line - self.first_line
        end = self.line_starts[at + 1] - 1 if at + 1 < len(self.line_starts) else len(self.text)
        return self.text[self.line_starts[at] : end]

    def place(self, offset: int) -> dict | None:
        """Where a character offset is in the OCR result the source was read from: the line's
        id, the character's offset in its text, the line's box and score, and the score of the
        word it is in (when the format gives one); None for a transcript."""
        found = self._in_line(offset)
        if found is None:
            return None
        place, at = found
        word = next((score for first, last, score in place.word_scores if first <= at < last), None)
        return {"element": place.element, "offset": at, "box": list(place.box), "score": place.score, "word_score": word}

    def score(self, offset: int) -> float | None:
        """How sure the OCR engine was of the character at `offset`: the score of the word it
        is in, or of its line where the format scores no words; None for a transcript."""
        found = self._in_line(offset)
        if found is None:
            return None
        place, at = found
        return next((score for first, last, score in place.word_scores if first <= at < last), place.score)

    def measured_space(self, offset: int) -> bool:
        """Is the character at `offset` a space the engine dropped and the page shows: a gap
        between its character boxes (`LinePlace.added`)?"""
        parts, column = self._parts(offset)
        return any(column - part.shift in part.added for part in parts)

    def _in_line(self, offset: int) -> tuple[LinePlace, int] | None:
        """The OCR line a character offset is in, and the character's offset in its text."""
        parts, column = self._parts(offset)
        if not parts:
            return None
        place = next((part for part in reversed(parts) if part.shift <= column), parts[0])
        return place, place.offset(column)

    def _parts(self, offset: int) -> tuple[tuple[LinePlace, ...], int]:
        """The OCR lines the line of a character offset holds (none for a transcript), and
        the character's column in it, from 0."""
        if not self.places:
            return (), 0
        line, column = self.position(offset)
        return (self.places[line - 1] if line - 1 < len(self.places) else ()), column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line (in the file) and column of a character offset."""
        line = bisect_right(self.line_starts, offset)
        return line + self.first_line - 1, offset - self.line_starts[line - 1] + 1


@dataclass(slots=True)
class Change:
    """One change kcclean made (or suggests): the unit of the diff report.

    `source.text[start:end]` is `before`, always: a change of text that an earlier change
    made covers that change's span too (`covers`), and its `after` is what the whole span
    became."""

    rule: str
    source: str
    start: int  # [start, end): code point offsets into the source's decoded text
    end: int
    line: int  # where `start` is, in the file
    column: int
    before: str
    after: str
    applied: bool = True
    level: str = "safe"
    kind: str = "edit"  # edit | join | move | stitch | record | review (a reviewer's layout decision kept: no text)
    evidence: str | None = None
    article: str | None = None
    # a join of two pieces that are not neighbours in the input: where the second one starts
    to: tuple[str, int] | None = None
    # the earlier changes whose text or removal this one changed again: it says what their
    # spans became, so replaying the input leaves them out
    covers: tuple[Change, ...] = ()

    @property
    def is_fix(self) -> bool:
        """A repair of damage, as opposed to recording page furniture as metadata, or a
        reviewer's decision kept."""
        return self.applied and self.kind not in ("record", "review")


class Piece(NamedTuple):
    """A stretch of a derived text and the input span it stands for: a verbatim copy of
    `source.text[start:end]` (`change` None, and `size == end - start`), or what `change` put
    in that span's place (a removal has size 0)."""

    at: int  # where it starts in the derived text
    size: int
    source: Source
    start: int
    end: int
    change: Change | None


class Run(NamedTuple):
    """An unbroken span of one input, `[start, end)`, and the derived text `[first, last)` it
    stands for."""

    source: Source
    start: int
    end: int
    first: int
    last: int


class Replacement(NamedTuple):
    """Derived text `[first, last)` replaced by `after`, and the changes that record it: one
    per unbroken input span it covers (`runs`), the first one carrying `after`. `taken` are
    the indexes `[i, j)` of the trace's pieces it replaces."""

    first: int
    last: int
    after: str
    changes: list[Change]
    runs: list[Run]
    taken: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Trace:
    """Where each character of a derived text came from: its pieces, in order, covering it
    from 0 to its length. Offsets are integers; nothing is kept per character."""

    pieces: tuple[Piece, ...]

    # Pickled as its pieces: a frozen dataclass's own state looks up its fields for each
    # object, and an issue kept in the cache holds a trace per text.
    def __getstate__(self) -> tuple[Piece, ...]:
        return self.pieces

    def __setstate__(self, pieces: tuple[Piece, ...]) -> None:
        object.__setattr__(self, "pieces", pieces)

    @classmethod
    def of(cls, source: Source, start: int, size: int) -> Trace:
        """The trace of `source.text[start:start + size]` taken as it is."""
        return cls((Piece(0, size, source, start, start + size, None),))

    @property
    def size(self) -> int:
        last = self.pieces[-1]
        return last.at + last.size

    @property
    def source(self) -> Source:
        """The input the text starts in."""
        return self.pieces[0].source

    def locate(self, pos: int) -> tuple[Source, int]:
        """The input position of the derived character at `pos` (or of the end, at the end)."""
        for piece in self.pieces:
            if pos < piece.at + piece.size:
                return piece.source, piece.start + (pos - piece.at if piece.change is None else 0)
        last = self.pieces[-1]
        return last.source, last.end

    def scores(self) -> tuple[float | None, ...] | None:
        """How sure the OCR engine was of each character of the text (`Source.score`; None
        for text a change put in), or None when no part of it was read from an OCR result."""
        if not any(piece.source.places for piece in self.pieces):
            return None
        scores: list[float | None] = []
        for piece in self.pieces:
            if piece.change is None:
                scores += map(piece.source.score, range(piece.start, piece.end))
            else:
                scores += [None] * piece.size
        return tuple(scores)

    def where(self, pos: int) -> tuple[str, int, int]:
        """(source name, line, column) of a derived position."""
        source, offset = self.locate(pos)
        return source.name, *source.position(offset)

    def _taken(self, first: int, last: int) -> tuple[int, int, int, int]:
        """`(i, j, low, high)`: the pieces `[i, j)` a replacement of derived `[first, last)`
        takes, and the derived range `[low, high)` it then covers. A change is never split:
        a range that reaches into text an earlier change put in takes that change whole, with
        the removals strictly inside it; a point that touches a change's text or removal
        takes that change (two insertions at one place are one change of it). A point inside
        a verbatim piece takes nothing (`i == j`)."""
        pieces = self.pieces
        if len(pieces) == 1 and pieces[0].change is None and first < last:
            return 0, 1, first, last  # the usual case: a range of text taken as it is
        if first == last:
            touching = [
                k for k, p in enumerate(pieces) if p.change is not None and p.at <= first <= p.at + p.size
            ]
            if touching:
                i, j = touching[0], touching[-1] + 1
                return i, j, pieces[i].at, max(p.at + p.size for p in pieces[i:j])
            i = next((k for k, p in enumerate(pieces) if p.at + p.size > first or (p.size == 0 and p.at >= first)), len(pieces))
            if i < len(pieces) and pieces[i].at < first:
                return i, i, first, last  # inside a verbatim piece
            before = next((k for k in range(i - 1, -1, -1) if pieces[k].size), None)
            after = next((k for k in range(i, len(pieces)) if pieces[k].size), None)
            if before is not None and after is not None and _continues(pieces[before], pieces[after]):
                return i, i, first, last
            # where the input does not go on (the text's ends, a moved lead, a page jump) a
            # point would stand at the end of one span and the start of another: it takes a
            # character of the text beside it instead, so that it belongs to one span only
            if before is not None:
                return before, before + 1, first - 1, last
            if after is not None:
                return after, after + 1, first, last + 1
            return i, i, first, last
        i = next(k for k, p in enumerate(pieces) if (p.at + p.size > first if p.size else p.at > first))
        j = next((k for k in range(i, len(pieces)) if pieces[k].at >= last), len(pieces))
        low = first if pieces[i].change is None else min(first, pieces[i].at)
        end = pieces[j - 1].at + pieces[j - 1].size
        high = last if pieces[j - 1].change is None else max(last, end)
        return i, j, low, high

    def runs(self, first: int, last: int) -> list[Run]:
        """The input spans derived text `[first, last)` stands for (see `_taken`),
        neighbouring spans of one input merged."""
        i, j, low, high = self._taken(first, last)
        if i == j:
            return [self._point(i, first)]
        return _merged(self._run(piece, low, high) for piece in self.pieces[i:j])

    @staticmethod
    def _run(piece: Piece, low: int, high: int) -> Run:
        if piece.change is not None:
            return Run(piece.source, piece.start, piece.end, piece.at, piece.at + piece.size)
        first, last = max(low, piece.at), min(high, piece.at + piece.size)
        return Run(piece.source, piece.start + first - piece.at, piece.start + last - piece.at, first, last)

    def _point(self, index: int, pos: int) -> Run:
        """The input position of a derived point between (or inside) verbatim pieces: inside
        the piece at `index`, or where the piece before it ends."""
        pieces = self.pieces
        if index < len(pieces) and pieces[index].at < pos:
            offset = pieces[index].start + pos - pieces[index].at
            return Run(pieces[index].source, offset, offset, pos, pos)
        if index == 0:
            first = pieces[0]
            return Run(first.source, first.start, first.start, pos, pos)
        before = pieces[index - 1]
        return Run(before.source, before.end, before.end, pos, pos)

    def spans(self) -> list[Run]:
        """The input spans the whole text stands for, in order, removals at its ends included."""
        pieces = [p for p in self.pieces if p.size or p.change is not None] or self.pieces[:1]  # an empty copy holds nothing
        return _merged(self._run(piece, 0, self.size) for piece in pieces)

    def replacement(
        self,
        text: str,
        first: int,
        last: int,
        after: str,
        rule: str,
        kind: str = "edit",
        applied: bool = True,
        level: str = "safe",
        evidence: str | None = None,
    ) -> Replacement:
        """The one way a change is made: derived `text[first:last]` (this trace's text) to be
        replaced by `after`, recorded with the input spans it covers. A span that holds text an
        earlier change put in is grown over that change's whole span, and `after` over the
        same text, so that `before` is always input text and replaying the outermost changes
        on the input gives the derived text."""
        i, j, low, high = self._taken(first, last)
        taken = self.pieces[i:j]
        if i == j:
            runs = [self._point(i, first)]
        elif j - i == 1 and taken[0].change is None:  # the usual case: no change to grow over
            piece = taken[0]
            runs = [Run(piece.source, piece.start + low - piece.at, piece.start + high - piece.at, low, high)]
        else:
            runs = _merged(self._run(piece, low, high) for piece in taken)
        whole = text[low:first] + after + text[last:high] if (low, high) != (first, last) else after
        covered = tuple(piece.change for piece in taken if piece.change is not None)
        changes = [
            recorded(run.source, run.start, run.end, "" if number else whole, rule, kind, applied, level, evidence, covers=() if number else covered)
            for number, run in enumerate(runs)
        ]
        return Replacement(low, high, whole, changes, runs, (i, j))

    def replaced(self, replacements: list[Replacement]) -> Trace:
        """The trace after `replacements` are made (see `Unit.apply`): each computed on this
        trace, in order of position and apart (none touches another's span), so that making
        many costs one pass over the pieces, not one each. The pieces a replacement took give
        way to one piece per input span, the first holding the new text, the others empty."""
        pieces = self.pieces
        out: list[Piece] = []
        shift = 0  # how far the replacements made so far moved the text after them
        k, done = 0, 0  # piece k is the first not yet out; its text before `done` is

        def rest(piece: Piece, low: int, high: int) -> None:
            """The verbatim piece's text `[low, high)`, where it now stands."""
            out.append(Piece(low + shift, high - low, piece.source, piece.start + low - piece.at, piece.start + high - piece.at, None))

        for first, last, after, changes, runs, (i, j) in replacements:
            for piece in pieces[k:i]:
                if piece.change is None and done > piece.at:
                    rest(piece, done, piece.at + piece.size)
                else:
                    out.append(piece._replace(at=piece.at + shift) if shift else piece)
            opening = pieces[i] if i < len(pieces) else None
            if opening is not None and opening.change is None and opening.at < first:  # its text before the span stays
                rest(opening, max(opening.at, done), first)
            out.extend(
                Piece(first + shift + (len(after) if number else 0), 0 if number else len(after), run.source, run.start, run.end, change)
                for number, (run, change) in enumerate(zip(runs, changes))
            )
            # what comes next: after a point, the piece at it (a verbatim one goes on from the
            # point); after a span, the piece after it, or the last one taken if it is verbatim
            # and goes on past the span
            closing = pieces[j - 1] if i < j else None
            going_on = closing is not None and closing.change is None and closing.at + closing.size > last
            k = i if i == j else j - 1 if going_on else j
            done = last
            shift += len(after) - (last - first)
        for piece in pieces[k:]:
            if piece.change is None and done > piece.at:
                rest(piece, done, piece.at + piece.size)
            else:
                out.append(piece._replace(at=piece.at + shift) if shift else piece)
        return Trace(tuple(out))

    def cut(self, first: int, last: int) -> Trace:
        """The trace of `text[first:last]` (a changed piece is kept whole)."""
        pieces = []
        for piece in self.pieces:
            end = piece.at + piece.size
            if end < first or piece.at > last or (piece.size and (end == first or piece.at == last)):
                continue
            if piece.change is None:
                low, high = max(first, piece.at), min(last, end)
                start = piece.start + low - piece.at
                pieces.append(Piece(low - first, high - low, piece.source, start, start + high - low, None))
            else:
                low = max(first, piece.at)
                pieces.append(piece._replace(at=low - first, size=min(last, end) - low))
        if not pieces:  # nothing is kept: where it was
            run = self.runs(first, first)[0]
            pieces.append(Piece(0, 0, run.source, run.start, run.end, None))
        return Trace(tuple(pieces))


def _continues(a: Piece, b: Piece) -> bool:
    """Does piece b's input start where piece a's ends?"""
    return a.source is b.source and a.end == b.start


def _merged(runs) -> list[Run]:
    """Runs with neighbouring spans of one input made one."""
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].source is run.source and merged[-1].end == run.start:
            merged[-1] = Run(run.source, merged[-1].start, run.end, merged[-1].first, run.last)
        else:
            merged.append(run)
    return merged


def recorded(
    source: Source,
    start: int,
    end: int,
    after: str,
    rule: str,
    kind: str = "edit",
    applied: bool = True,
    level: str = "safe",
    evidence: str | None = None,
    to: tuple[str, int] | None = None,
    covers: tuple[Change, ...] = (),
) -> Change:
    """The change of input span `source.text[start:end]` to `after`: where every change is
    made (through `Trace.replacement` and `join_link`), so that its `before` is that span."""
    line, column = source.position(start)
    # a layout rule's id is a StrEnum member: a plain string is what is pickled and compared
    return Change(str(rule), source.name, start, end, line, column, source.text[start:end], after, applied, level, kind, evidence, to=to, covers=covers)


def join_link(a: Trace, b: Trace, rule: str, **fields) -> tuple[Change, Piece]:
    """The change that records text `b` going on from text `a`, and the (empty) piece that
    stands between them once they are joined. When `b` follows `a` in the input with only
    line ends and indent between them, the change covers that whitespace; otherwise (a lead
    moved back to the top, a page jump) it is the point where `a` ends, and `to` says where
    `b` begins."""
    last, first = a.pieces[-1], b.pieces[0]
    source = last.source
    if first.source is source and last.end <= first.start and not source.text[last.end : first.start].strip():
        change = recorded(source, last.end, first.start, "", rule, "join", **fields)
    else:
        change = recorded(source, last.end, last.end, "", rule, "join", to=(first.source.name, first.start), **fields)
    return change, Piece(a.size, 0, source, change.start, change.end, change)


def joined(texts: list[str], traces: list[Trace], links: list[Piece]) -> Trace:
    """The trace of texts put end to end with what stood between them (`join_link`)."""
    pieces: list[Piece] = []
    at = 0
    for number, (text, trace) in enumerate(zip(texts, traces)):
        if number:
            link = links[number - 1]
            pieces.append(Piece(at, 0, link.source, link.start, link.end, link.change))
        pieces.extend([Piece(p.at + at, p.size, p.source, p.start, p.end, p.change) for p in trace.pieces] if at else trace.pieces)
        at += len(text)
    return Trace(tuple(pieces))
