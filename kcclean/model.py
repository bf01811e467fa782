"""Plain data shared by the pipeline stages.

Every stage is a function over these dataclasses; none of them does I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types of other stages, named here only for the fields' annotations
    from .report import Layout
    from .write import WrittenPart


class Role(StrEnum):
    """What a piece of a page is. Rule scopes are written with these names."""

    MASTHEAD = "masthead"  # page furniture: masthead, running heads, page headers
    BANNER = "banner"  # a column banner with no body of its own
    MARKER = "marker"  # a continuation marker standing alone: （下转2版）
    HEADLINE = "headline"
    LEAD = "lead"  # 本报讯（记者 …）…
    BYLINE = "byline"  # a standalone byline line: ■记者 …
    BODY = "body"
    CAPTION = "caption"  # the text under a photo
    CREDIT = "credit"  # a photo credit standing alone: （… 摄）
    SUBHEAD = "subhead"  # a label or short line inside an article: [成绩单]


# How Markdown and the expected files mark a subhead paragraph.
SUBHEAD_MARK = "### "

# Characters of text shown either side of a change in the report.
CONTEXT = 16

# Roles whose text is running prose: they may be joined with their neighbours.
PROSE_ROLES = frozenset({Role.LEAD, Role.BODY, Role.CAPTION})


@dataclass(frozen=True, slots=True)
class Source:
    """One decoded input file (or string), line ends normalised to LF."""

    name: str
    text: str
    encoding: str
    line_starts: tuple[int, ...]
    warnings: tuple[str, ...] = ()  # what decoding it changed (bad bytes replaced)
    first_line: int = 1  # in its file: a part of a file holding several issues starts further down

    @classmethod
    def of(
        cls, name: str, text: str, encoding: str = "str", warnings: tuple[str, ...] = (), first_line: int = 1
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
        return cls(name, text, encoding, tuple(starts), warnings, first_line)

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - self.first_line] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line (in the file) and column of a character offset."""
        line = bisect_right(self.line_starts, offset)
        return line + self.first_line - 1, offset - self.line_starts[line - 1] + 1


@dataclass(frozen=True, slots=True)
class Trace:
    """Where each character of a derived text came from.

    `anchors` are (position in the text, source, position in the source), sorted by the
    first field; between two anchors the text is a verbatim copy of the source. Text put in
    by a fix maps to where the fixed span began, so a change can always be located.
    """

    anchors: tuple[tuple[int, Source, int], ...]

    @classmethod
    def of(cls, source: Source, start: int) -> Trace:
        return cls(((0, source, start),))

    def locate(self, pos: int) -> tuple[Source, int]:
        anchors = self.anchors
        lo, hi = 0, len(anchors)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if anchors[mid][0] <= pos:
                lo = mid
            else:
                hi = mid
        text_pos, source, source_pos = anchors[lo]
        return source, source_pos + (pos - text_pos)

    def where(self, pos: int) -> tuple[str, int, int]:
        """(source name, line, column) of a text position."""
        source, offset = self.locate(pos)
        line, column = source.position(offset)
        return source.name, line, column

    @classmethod
    def joined(cls, parts: list[tuple[Trace, int]]) -> Trace:
        """The trace of texts put end to end: each part's trace and where its text starts."""
        return cls(tuple((p + at, s, o) for trace, at in parts for p, s, o in trace.anchors))

    def sliced(self, start: int) -> Trace:
        """The trace of text[start:]."""
        if start == 0:
            return self
        source, offset = self.locate(start)
        rest = tuple((p - start, s, o) for p, s, o in self.anchors if p > start)
        return Trace(((0, source, offset),) + rest)

    def edited(self, edits: list[tuple[int, int, int]]) -> Trace:
        """The trace after replacing text[start:end] by `new_length` characters, for each
        (start, end, new_length) of `edits`, given left to right and not overlapping."""
        old = self.anchors
        anchors = []
        shift = index = 0
        for start, end, new_length in edits:
            while index < len(old) and old[index][0] < start:
                position, source, offset = old[index]
                anchors.append((position + shift, source, offset))
                index += 1
            anchors.append((start + shift, *self.locate(start)))
            while index < len(old) and old[index][0] <= end:
                index += 1
            shift += new_length - (end - start)
            anchors.append((end + shift, *self.locate(end)))
        anchors.extend((position + shift, source, offset) for position, source, offset in old[index:])
        return Trace(tuple(anchors))


@dataclass(slots=True)
class Change:
    """One change kcclean made (or suggests): the unit of the diff report."""

    rule: str
    source: str
    line: int
    column: int
    before: str
    after: str
    applied: bool = True
    level: str = "safe"
    kind: str = "edit"  # edit | join | move | stitch | record
    evidence: str | None = None
    article: str | None = None
    context_before: str = ""  # input text just before the change, for the report
    context_after: str = ""

    @property
    def is_fix(self) -> bool:
        """A repair of damage, as opposed to recording page furniture as metadata."""
        return self.applied and self.kind != "record"


@dataclass(slots=True)
class Unit:
    """A line (or a paragraph of joined lines) of one source, with its role."""

    text: str
    trace: Trace
    line: int  # first line in the source
    block_start: bool  # first line of a block (after a blank line or at the top)
    gap_before: int  # blank lines before it
    heading: int = 0  # markdown heading level it was written with
    indented: bool = False
    full_width: bool = False  # as long as the column it was wrapped at
    width: int = 0  # length of the line with its indent: what the column width limits
    role: Role = Role.BODY
    continued_to: int | None = None
    continued_from: int | None = None
    why: str = ""  # the evidence that decided its role, when a decision was open


@dataclass(slots=True)
class Article:
    id: str
    source: str
    sources: list[str]
    date: str | None
    issue: int | None
    page: int | None
    headline: list[str]
    byline: str | None
    kind: str
    body: list[str]
    subheads: list[int] = field(default_factory=list)  # indexes of body paragraphs that are subheads
    # why each headline and subhead line was taken for one (decisions.HEADLINE's evidence)
    layout: list[str] = field(default_factory=list)
    continued_to: int | None = None
    continued_from: int | None = None
    truncated: bool = False
    changes: int = 0
    path: str | None = None
    warnings: list[str] = field(default_factory=list)
    # (source, first line, last line) of each headline line, byline and paragraph, in order
    origin: list[tuple[str, int, int]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "sources": self.sources,
            "date": self.date,
            "issue": self.issue,
            "page": self.page,
            "headline": self.headline,
            "byline": self.byline,
            "kind": self.kind,
            "body": self.body,
            "subheads": self.subheads,
            "continued_to": self.continued_to,
            "continued_from": self.continued_from,
            "truncated": self.truncated,
            "path": self.path,
            "changes": self.changes,
            "warnings": self.warnings,
        }


@dataclass(slots=True)
class Issue:
    """One issue of the paper: every article of the input files that belong to it."""

    key: str
    date: str | None
    number: int | None
    sources: list[str]
    encodings: dict[str, str]
    masthead: list[str]
    banners: list[str]
    articles: list[Article]
    changes: list[Change]
    warnings: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # each source's decoded text
    # the line of its file each text starts at (1, unless the file holds several issues)
    first_lines: dict[str, int] = field(default_factory=dict)
    # where the report places its changes and article units, worked out by the worker process
    # that built it so that the main process need not; None: not yet
    layout: Layout | None = field(default=None, compare=False, repr=False)
    # its article files, when the worker process that built it wrote them; None: not yet
    part: WrittenPart | None = field(default=None, compare=False, repr=False)

    @property
    def fixes(self) -> list[Change]:
        return [c for c in self.changes if c.is_fix]

    @property
    def suggestions(self) -> list[Change]:
        return [c for c in self.changes if not c.applied]

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "sources": self.sources,
            "encodings": self.encodings,
            "date": self.date,
            "issue": self.number,
            "masthead": self.masthead,
            "banners": self.banners,
            "articles": [a.id for a in self.articles],
            "changes": len(self.fixes),
            "suggestions": len(self.suggestions),
            "warnings": self.warnings,
        }
