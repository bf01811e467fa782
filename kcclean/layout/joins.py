"""Paragraphs put back together: pieces of a paragraph cut by a blank line or a line break
(`join.broken-wrap`), the lines of a hard-wrapped column (`join.line-wrap`), and the
characters OCR read twice at a column break (`join.overlap`). A break is kept unless
something shows the text was cut: the layout model weighs each break (`decisions.LayoutModel.join`);
a close case is only suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from ..model import PROSE_ROLES, Draft, Page, Role, Unit
from ..provenance import Piece, join_link, joined
from ..rules import BREAK_DECISIONS, LayoutRuleId, Rulebook, Verdict
from .cues import ends_sentence, is_lead, near_width
from .cuts import IssueText, overlap
from .decisions import LayoutModel
from .breaks import Preceding, break_features
from .features import Features
from .review import kept

_HAN = regex.compile(r"\p{Han}")
_OVERLAP_SAFE = 3  # repeated characters at a column break: this many or more are removed
_CLAUSE_MARKS = regex.compile(r"[，,；;、]")


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


def _prose(first: Unit, after: Unit) -> bool:
    """Only prose is joined: a paragraph (starting with `first`) and the text after it."""
    return first.role in PROSE_ROLES and after.role in (Role.BODY, Role.CAPTION)


def settled(first: Unit, last: Unit, after: Unit, page: Page) -> bool:
    """Does a fact keep the break after `last` (a paragraph starting with `first`) as it is?
    Only prose is joined; a continuation marker ends the text on its page; kcclean's own
    article files hold the paragraphs it decided on; and a paragraph that really ends (a
    sentence end) is never joined, unless its line fills a hard-wrapped column."""
    if not _prose(first, after):
        return True
    if last.continued_to or after.continued_from or page.front_matter:
        return True
    return ends_sentence(last.text) and rule_of(last, after, page) is LayoutRuleId.BROKEN_WRAP


def rule_of(last: Unit, after: Unit, page: Page) -> LayoutRuleId:
    """A break inside a hard-wrapped column (the line fills it, the next one goes on) is a
    line wrap; any other a broken wrap."""
    if page.wrap_width and near_width(last, page.wrap_width) and not after.indented and (not after.block_start or page.uses_indent):
        if not ends_sentence(last.text) or page.uses_indent or not after.block_start:
            return LayoutRuleId.LINE_WRAP
    return LayoutRuleId.BROKEN_WRAP


def weigh_break(paragraph: list[Unit], after: Unit, page: Page, text: IssueText) -> Features | None:
    """The features of the break after the paragraph's pieces so far, or None when a fact
    settles it (`settled`)."""
    if settled(paragraph[0], paragraph[-1], after, page):
        return None
    joined = "".join(u.text for u in paragraph)
    opened = joined.count("“") + joined.count("（") + joined.count("(")
    closed = joined.count("”") + joined.count("）") + joined.count(")")
    before = Preceding(paragraph[-1], joined, max(0, opened - closed), bool(_CLAUSE_MARKS.search(joined)))
    return break_features(before, after, page, text)


def join_paragraphs(draft: Draft, rulebook: Rulebook, model: LayoutModel, text: IssueText) -> None:
    """Join the pieces of the draft's paragraphs where the model says the text was cut, and
    suggest the joins it is not sure of."""
    if len(draft.body) < 2:
        return
    paragraphs = [Paragraph.of(draft.body[0])]
    for unit in draft.body[1:]:
        paragraph = paragraphs[-1]
        tail = paragraph.units[-1]
        rule = rule_of(tail, unit, draft.page)
        decision = draft.page.reviewed.get(unit.line)
        if decision is not None and decision.decide in BREAK_DECISIONS and _prose(paragraph.units[0], unit):
            if decision.decide == "keep-break":
                draft.changes.append(kept(unit, decision))
                paragraphs.append(Paragraph.of(unit))
                continue
            verdict, evidence, certain = Verdict(True, "safe"), decision.explain(), True  # the join says it was kept
        else:
            features = weigh_break(paragraph.units, unit, draft.page, text)
            weighed = None if features is None or not rulebook.active(rule) else model.join(features)
            if weighed is None or weighed.probability < model.suggest_at:
                paragraphs.append(Paragraph.of(unit))
                continue
            certain = weighed.probability >= model.apply_at
            verdict, evidence = rulebook.verdict(rule, certain), weighed.explain()
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
