"""Plain data shared by the pipeline's stages: what a page, a unit, an article and an issue
are. Every stage is a function over these dataclasses; none of them does I/O. It imports
nothing of kcclean but the provenance they carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .provenance import TEXT_KINDS, Change, Replacement, Source, Trace

__all__ = ["TEXT_KINDS", "Change", "Source", "Trace"]  # the provenance every stage uses, named here too


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

# Roles whose text is running prose: they may be joined with their neighbours.
PROSE_ROLES = frozenset({Role.LEAD, Role.BODY, Role.CAPTION})


@dataclass(slots=True)
class Unit:
    """A line (or a paragraph of joined lines) of one source, with its role. Its `trace`
    always covers exactly its `text`: change them together with `apply` and `keep`."""

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
    why: str = ""  # the evidence that decided its role, for the lines whose evidence is shown
    moved: Change | None = None  # the change that moved it to where it stands in its article
    lexicon: str | None = None  # the lexicon rule that knows it (a masthead line, a banner)
    label: str = ""  # the layout model's label for it (`head` starts an article)
    # a headline line's label were it no headline (banner or body) and the evidence for body,
    # for a headline that may turn out to have no article under it (the page's last text line)
    otherwise: tuple[str, str] | None = None

    @classmethod
    def alone(cls, text: str, name: str = "text", role: Role = Role.BODY) -> Unit:
        """A unit of a text that is a whole source of its own (a rule example, a test)."""
        return cls(text, Trace.of(Source.of(name, text), 0, len(text)), 1, True, 0, role=role)

    def replacement(self, first: int, last: int, after: str, rule: str, **fields) -> Replacement:
        return self.trace.replacement(self.text, first, last, after, rule, **fields)

    def apply(self, *replacements: Replacement) -> None:
        """Make replacements recorded by `replacement()` (a suggestion is recorded, not made):
        several at once when they were all recorded on this text, in order and apart, so that
        a long paragraph with many of them is rebuilt once, not once for each."""
        parts, done = [], 0
        for replacement in replacements:
            parts += (self.text[done : replacement.first], replacement.after)
            done = replacement.last
        parts.append(self.text[done:])
        self.text = "".join(parts)
        self.trace = self.trace.replaced(list(replacements))

    def keep(self, first: int, last: int) -> None:
        """Keep `text[first:last]`: what is cut off is layout or recorded elsewhere."""
        self.text = self.text[first:last]
        self.trace = self.trace.cut(first, last)

    def record(self, rule: str, evidence: str, kind: str = "record", **fields) -> Change:
        """The whole unit recorded as page structure: metadata (`record`), or its place in
        an article (`move`, `stitch`; its text stays, so `after` is its text)."""
        after = "" if kind == "record" else self.text
        return self.replacement(0, len(self.text), after, rule, kind=kind, evidence=evidence, **fields).changes[0]


@dataclass(slots=True)
class Page:
    """One source split into units, plus what its layout told us."""

    source: Source
    units: list[Unit]
    front_matter: dict = field(default_factory=dict)
    wrap_width: int | None = None
    uses_indent: bool = False  # paragraphs start with an indent: an unindented line continues
    cuts: int = 0  # blank lines where the text certainly goes on (set when roles are decided)
    open_ends: int = 0  # blank lines between body text after prose with no sentence end (likewise)
    changes: list[Change] = field(default_factory=list)
    # a reviewer's layout decisions about its lines that still match them, by line
    # (`rules.LayoutDecision`, set when roles are decided)
    reviewed: dict = field(default_factory=dict)


@dataclass(slots=True, eq=False)  # drafts are compared by identity
class Draft:
    """An article being put together: its units, not yet repaired."""

    source: Source
    page: Page
    headline: list[Unit] = field(default_factory=list)
    bylines: list[Unit] = field(default_factory=list)
    body: list[Unit] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    continued_to: int | None = None
    continued_from: int | None = None
    kind: str = "news"
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.body and not self.bylines


@dataclass(slots=True)
class IssueDraft:
    pages: list[Page]
    drafts: list[Draft]
    masthead: list[Unit]
    banners: list[Unit]
    changes: list[Change]
    date: str | None
    number: int | None
    page_numbers: dict[str, int]


@dataclass(slots=True)
class Part:
    """A headline line, the byline or a paragraph of an article, with the input it came from."""

    role: str  # headline | byline | body
    index: int  # among the article's headline lines, bylines or paragraphs
    trace: Trace
    moved: Change | None = None


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
    evidence: list[str] = field(default_factory=list)
    continued_to: int | None = None
    continued_from: int | None = None
    truncated: bool = False
    changes: int = 0
    path: str | None = None
    warnings: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)  # in order: headline lines, bylines, paragraphs

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
    inputs: list[Source]  # its input texts (a part of a file that holds several issues)
    masthead: list[str]
    banners: list[str]
    articles: list[Article]
    changes: list[Change]
    warnings: list[str] = field(default_factory=list)
    # the SHA-256 of the issue as the cache keeps it (None when it is not kept): what its
    # article files and part of the report, the same in every run, are kept under
    cached: str | None = field(default=None, compare=False, repr=False)

    @property
    def sources(self) -> list[str]:
        return [source.name for source in self.inputs]

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
            "encodings": {source.name: source.encoding for source in self.inputs},
            "date": self.date,
            "issue": self.number,
            "masthead": self.masthead,
            "banners": self.banners,
            "articles": [a.id for a in self.articles],
            "changes": len(self.fixes),
            "suggestions": len(self.suggestions),
            "warnings": self.warnings,
        }


@dataclass(frozen=True, slots=True)
class Text:
    """An article as plain text, as `kcclean eval` measures it and `kcclean layout fit` learns
    from it: an id, its headline lines and paragraphs, its byline, which paragraphs are
    subheads, and the input files it came from."""

    id: str
    headline: tuple[str, ...]
    body: tuple[str, ...]
    byline: str | None = None
    subheads: frozenset[int] = frozenset()
    sources: tuple[str, ...] = ()

    @property
    def joined(self) -> str:
        return "".join(self.body)
