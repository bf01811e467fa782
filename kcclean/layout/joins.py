"""Paragraphs put back together: pieces of a paragraph cut by a blank line or a line break
(`join.broken-wrap`), the lines of a hard-wrapped column (`join.line-wrap`), and the
characters OCR read twice at a column break (`join.overlap`). A break is kept unless
something shows the text was cut (`decisions.JOIN`); a close case is only suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from ..model import PROSE_ROLES, Draft, Page, Role, Unit
from ..provenance import Piece, join_link, joined
from ..rules import LayoutRuleId, Rulebook
from .cues import (
    QUOTE_CLOSERS,
    bare_lead,
    ends_sentence,
    is_lead,
    near_width,
    opens_paragraph,
    opens_with_continuation,
)
from .cuts import IssueText, certain_cut, overlap
from .decisions import JOIN, JOIN_AT, JOIN_SUGGESTED_AT, Weighing

_HAN = regex.compile(r"\p{Han}")
_OVERLAP_SAFE = 3  # repeated characters at a column break: this many or more are removed
_SHORT_PIECE = 20  # as short as a subhead, a dateline or a byline: no running prose
_CUTTING_PAGE = 2  # certain cuts that show a page was transcribed cutting at column breaks
_CLAUSE_MARKS = regex.compile(r"[，,；;、]")
_BARE_LEAD_LONGEST = 60  # a cue and its bracket of names


@dataclass(slots=True)
class Paragraph:
    """Pieces of a paragraph being joined into one, what stands between them (`join_link`),
    and how many quotes or brackets they left open."""

    units: list[Unit]
    links: list[Piece] = field(default_factory=list)
    unclosed: int = 0
    size: int = 0
    clauses: bool = False  # has a clause mark (，、；) somewhere

    @classmethod
    def of(cls, unit: Unit) -> Paragraph:
        paragraph = cls([])
        paragraph.add(unit)
        return paragraph

    def add(self, unit: Unit, link: Piece | None = None) -> None:
        text = unit.text
        self.size += len(text)
        self.clauses = self.clauses or bool(_CLAUSE_MARKS.search(text))
        opened = text.count("“") + text.count("（") + text.count("(")
        closed = text.count("”") + text.count("）") + text.count(")")
        self.unclosed = max(0, self.unclosed + opened - closed)
        if link is not None:
            self.links.append(link)
        self.units.append(unit)

    def merged(self) -> Unit:
        """One unit of all the pieces, built once (joining piece by piece is quadratic)."""
        if len(self.units) == 1:
            return self.units[0]
        texts = [u.text for u in self.units]
        last = self.units[-1]
        text = "".join(texts)
        role = self.units[0].role
        if role is Role.BODY and is_lead(text):  # a lead cut inside its cue (本|报讯…)
            role = Role.LEAD
        return replace(
            self.units[0],
            text=text,
            role=role,
            trace=joined(texts, [u.trace for u in self.units], self.links),
            full_width=last.full_width,  # how the joined text ends is how its last line ends
            continued_to=last.continued_to,
        )


def _join_reason(run: Paragraph, b: Unit, page: Page, text: IssueText) -> tuple[str, str, bool] | None:
    """(rule, evidence, certain) for joining paragraph b onto the run, or None when the run
    really ends there. A break is kept unless something shows the text was cut
    (decisions.JOIN); a close case is only suggested."""
    a = run.units[-1]
    if run.units[0].role not in PROSE_ROLES or b.role not in (Role.BODY, Role.CAPTION):
        return None
    if a.continued_to or b.continued_from or page.front_matter:
        return None  # kcclean's own article files hold the paragraphs it decided on
    ended = ends_sentence(a.text)
    weighing = Weighing(JOIN)
    sign = None
    rule = LayoutRuleId.BROKEN_WRAP
    if page.wrap_width and near_width(a, page.wrap_width) and not b.indented and (not b.block_start or page.uses_indent):
        if not ended or page.uses_indent:
            rule = LayoutRuleId.LINE_WRAP
            weighing.add("the line fills the column", f"{page.wrap_width} characters, the next line not indented")
        elif not b.block_start:  # without indents a full line ending 。 is more often cut than ended
            rule = LayoutRuleId.LINE_WRAP
            weighing.add("a full line may go on", f"{page.wrap_width} characters")
    if ended and rule == LayoutRuleId.BROKEN_WRAP:
        return None
    if not ended:
        weighing.add("no sentence end", repr(a.text[-6:]))
        sign = certain_cut(a.text, b.text, run.unclosed > 0)
        if sign is None and run.size <= _BARE_LEAD_LONGEST and bare_lead("".join(u.text for u in run.units)):
            sign = ("a clause cannot end there", "a lead with no text after its cue")
        if sign is None and opens_with_continuation(b.text):
            sign = ("the next part starts mid-sentence", repr(b.text[:4]))
        if sign is not None:
            weighing.add(*sign)
        elif text.prints(a.text[-2:] + b.text[:2]):
            weighing.add("a phrase printed elsewhere runs across", repr(a.text[-2:] + b.text[:2]))
        elif seen := text.pair_count(a.text[-1] + b.text[:1]):
            weighing.add("the pair occurs elsewhere in the issue", f"{a.text[-1] + b.text[:1]!r} {seen} times")
        if rule == LayoutRuleId.BROKEN_WRAP:
            if run.size <= _SHORT_PIECE and sign is None:
                weighing.add("the first part is short", f"{run.size} characters")
            elif sign is None and run.clauses:
                weighing.add("a long paragraph stops mid-clause")
            if page.cuts >= _CUTTING_PAGE:
                weighing.add("the page cuts paragraphs at column breaks", f"{page.cuts} certain cuts")
        if a.text.rstrip()[-1:] in QUOTE_CLOSERS + "）)":
            weighing.add("the first part may end with a quote", repr(a.text[-3:]))
    if opens_paragraph(b.text):
        weighing.add("the next part opens a paragraph", repr(b.text[:6]))
    if page.wrap_width and page.uses_indent and b.indented:
        weighing.add("the next line is indented")
    if page.wrap_width and not near_width(a, page.wrap_width) and not ended and sign is None:
        weighing.add("the line stops short of the column", f"{a.width} of {page.wrap_width} characters")
    if weighing.score >= JOIN_AT:
        return rule, weighing.evidence(), True
    if weighing.score >= JOIN_SUGGESTED_AT:
        return rule, weighing.evidence(), False
    return None


def join_paragraphs(draft: Draft, rulebook: Rulebook, text: IssueText) -> None:
    if len(draft.body) < 2:
        return
    paragraphs = [Paragraph.of(draft.body[0])]
    for unit in draft.body[1:]:
        paragraph = paragraphs[-1]
        reason = _join_reason(paragraph, unit, draft.page, text)
        if reason is None or not rulebook.active(reason[0]):
            paragraphs.append(Paragraph.of(unit))
            continue
        rule, evidence, certain = reason
        tail = paragraph.units[-1]
        verdict = rulebook.verdict(rule, certain)
        change, link = join_link(tail.trace, unit.trace, rule, applied=verdict.applied, level=verdict.level, evidence=evidence)
        draft.changes.append(change)
        if verdict.applied:
            paragraph.add(drop_overlap(tail, unit, draft, rulebook), link)
        else:
            if not certain:
                draft.warnings.append(f"line {tail.line}: a paragraph may have been cut here; it was kept apart from the next (a suggested join)")
            paragraphs.append(Paragraph.of(unit))
    draft.body = [paragraph.merged() for paragraph in paragraphs]


def drop_overlap(a: Unit, b: Unit, draft: Draft, rulebook: Rulebook) -> Unit:
    """At a column break OCR can read the last characters of a column twice."""
    size = overlap(a.text, b.text)
    if size < 2 or not rulebook.active(LayoutRuleId.OVERLAP):
        return b
    repeated = b.text[:size]
    if not _HAN.search(repeated):
        return b  # digits repeat in real numbers (2020年20日)
    certain = size >= _OVERLAP_SAFE
    verdict = rulebook.verdict(LayoutRuleId.OVERLAP, certain)
    replacement = b.replacement(
        0,
        size,
        "",
        LayoutRuleId.OVERLAP,
        applied=verdict.applied,
        level=verdict.level,
        evidence=f"the column before ends with the same {size} characters",
    )
    draft.changes += replacement.changes
    if not verdict.applied:
        return b
    b = replace(b)
    b.apply(replacement)
    return b
