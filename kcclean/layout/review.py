"""Layout decisions a reviewer made (`[[layout]]` entries of a review file, `Rulebook.layout`),
matched to a page's lines. A decision is kept where its line still reads as it did when it was
made; where the line has changed (the input was edited, or re-OCRed), it is not applied to
whatever stands there now but reported. Every decision kept is recorded as a change of
`layout.review` at its line, so the report shows it as "kept by review".
"""

from __future__ import annotations

from ..model import Change, Draft, Page, Unit
from ..provenance import recorded
from ..rules import MOVE_DECISIONS, LayoutDecision, LayoutRuleId, Rulebook


def reviewed(page: Page, rulebook: Rulebook) -> dict[int, LayoutDecision]:
    """The decisions about lines of this page that still read as they did, by line."""
    decided = rulebook.layout.get(page.source.name)
    if not decided:
        return {}
    starts = {unit.line for unit in page.units}
    return {line: d for line, d in decided.items() if line in starts and _reads_as(page, line, d)}


def unmatched(page: Page, rulebook: Rulebook) -> list[str]:
    """What to warn about the decisions of this page's lines that were not kept (`reviewed`,
    as roles were decided): their line no longer reads as it did."""
    decided = rulebook.layout.get(page.source.name)
    if not decided:
        return []
    first = page.source.first_line
    last = first + len(page.source.line_starts) - 1
    warnings = []
    for line, decision in sorted(decided.items()):
        if line in page.reviewed or not first <= line <= last:  # kept, or a line of another issue's part of the file
            continue
        now = page.source.line_text(line).strip()
        if not now:
            problem = "is blank now"
        elif decision.text:
            problem = f"now reads {now[:20]!r}, not {decision.text[:20]!r}"
        else:
            problem = "is not a line kcclean reads on its own (front matter)"
        warnings.append(
            f"{decision.origin}: line {line} of {page.source.name} {problem}; the review decision ({decision.decide}) was not applied"
        )
    return warnings


def _reads_as(page: Page, line: int, decision: LayoutDecision) -> bool:
    """Does the line read as it did when the decision was made (a decision that does not say
    how the line read holds for whatever stands there)?"""
    return not decision.text or page.source.line_text(line).strip() == decision.text.strip()


def kept(unit: Unit, decision: LayoutDecision) -> Change:
    """The record that a review decision was kept at a unit: a mark at the start of its input
    that takes no text (`Unit.replacement` would take a character to stand on)."""
    start = unit.trace.spans()[0]
    return recorded(start.source, start.start, start.start, "", LayoutRuleId.REVIEW, "review", evidence=decision.explain())


def kept_in_place(unit: Unit, draft: Draft) -> bool:
    """Did a reviewer decide that this line stays where it stands (a displaced lead not moved
    up, a continuation not stitched to an article of another page)? Recorded if so."""
    decision = draft.page.reviewed.get(unit.line)
    if decision is None or decision.decide not in MOVE_DECISIONS:
        return False
    draft.changes.append(kept(unit, decision))
    return True
