"""Units to roles: what each line of a page is (page furniture, headline, subhead, byline,
credit, body), decided by the layout model (`decisions.LayoutModel.roles`) from each line's
features (`features.line_features`). Continuation markers are cut from the text first; a
furniture line a lexicon knows is restored to its known form.
"""

from __future__ import annotations

from ..model import Page, Role, Unit
from ..rules import LINE_DECISIONS, LayoutRuleId, LexiconRule, Rulebook
from .cues import MARKER, ends_sentence, opens_wrapped_credit, page_number
from .cuts import certain_cut
from .decisions import LayoutModel
from .features import Features, constraints, line_features
from .review import kept, reviewed

# The role each label of the model gives a line (a furniture line and a body line are told
# apart further below: masthead or banner, lead or body).
_ROLE_OF_LABEL = {
    "head": Role.HEADLINE,
    "head+": Role.HEADLINE,
    "subhead": Role.SUBHEAD,
    "byline": Role.BYLINE,
    "credit": Role.CREDIT,
    "body": Role.BODY,
}
_PROSE = 16  # characters of a line, with a comma, that make it prose
# The text of articles, line by line (no decision worth explaining).
_TEXT = frozenset({Role.BODY, Role.LEAD})
# The lines whose evidence the output shows: an article's headline and subhead lines (its
# evidence), page furniture no lexicon knows (its record). Weighing what told a label from
# its runner-up costs more than deciding it, so the other lines are not explained.
_SHOWN = frozenset({Role.HEADLINE, Role.SUBHEAD})
_FURNITURE = frozenset({Role.MASTHEAD, Role.BANNER})
_NO_HEADLINE = ("banner", "body")  # what a headline with no article under it can be
_FURNITURE_LABELS = ("masthead", "banner")
# The features of a line set as a credit: a photo credit (（张三 摄）, 图/李四), a source line
# (来源：…), the second line of a credit wrapped over two.
_CREDIT_FORMS = frozenset({"credit", "credit line", "source line", "after a credit wrapped over two lines"})


def classify(page: Page, rulebook: Rulebook, model: LayoutModel) -> Page:
    """Give every unit of the page its role, the model's label and the evidence for it."""
    take_markers(page)
    features = line_features(page, rulebook)
    decisions = page.reviewed = reviewed(page, rulebook)
    decided = model.roles(features, constraints(page, features, decisions))
    # Only the page's last line of text (no furniture, no marker) can be a headline with no
    # article under it that `assemble._settle_bodiless` moves back into the article before.
    texts = [k for k, (unit, role) in enumerate(zip(page.units, decided)) if unit.role is not Role.MARKER and role.label not in _FURNITURE_LABELS]
    last_text = texts[-1] if texts else None
    for index, (unit, role, known) in enumerate(zip(page.units, decided, features)):
        unit.label = role.label
        decision = decisions.get(unit.line)
        if decision is not None and decision.decide in LINE_DECISIONS and unit.role is not Role.MARKER:
            page.changes.append(kept(unit, decision))
        if role.label in _FURNITURE_LABELS:
            if unit.role is not Role.MARKER:
                unit.role = _furniture(unit, role.label, page, rulebook)
        else:
            unit.role = _ROLE_OF_LABEL[role.label]
            if unit.role is Role.BODY and "lead cue" in known.values:
                unit.role = Role.LEAD
            elif unit.role is Role.CREDIT and not _set_as_credit(page.units, index, known):
                # written out as a paragraph of its article and read back as one: repaired as one
                unit.role = Role.BODY
        if unit.role in _SHOWN or (unit.role in _FURNITURE and unit.lexicon is None):
            unit.why = role.explain()
        if role.label == "head" and index == last_text:
            # only a headline that would be text is moved, with this evidence
            otherwise = role.rather(*_NO_HEADLINE)
            unit.otherwise = (otherwise, role.explain(otherwise, _NO_HEADLINE) if otherwise == "body" else "")
    page.cuts, page.open_ends = page_cuts(page)
    return page


def _set_as_credit(units: list[Unit], index: int, known: Features) -> bool:
    """Is the line set as a credit (`_CREDIT_FORMS`, or the first line of one wrapped over
    two)? A line labelled credit without such a form keeps only the label: its spaces are not
    a credit's, and its article file gives it back as a paragraph."""
    return not known.values.keys().isdisjoint(_CREDIT_FORMS) or opens_wrapped_credit(units, index)


def _furniture(unit: Unit, label: str, page: Page, rulebook: Rulebook) -> Role:
    """A line of page furniture: a column banner or a masthead line, as the model says,
    restored to its known form when a lexicon of either knows it."""
    if _known_line(unit, rulebook.lexicons("banner"), page, rulebook):
        return Role.BANNER
    if _known_line(unit, rulebook.lexicons("masthead"), page, rulebook):
        return Role.MASTHEAD
    return Role.BANNER if label == "banner" else Role.MASTHEAD


def page_cuts(page: Page) -> tuple[int, int]:
    """How many blank lines of the page fall where the text certainly goes on, and how many
    after a line of prose with no sentence end: a page transcribed cutting paragraphs at
    column breaks shows it several times, while a paragraph whose final mark OCR dropped is
    rare."""
    cuts = open_ends = 0
    for a, b in zip(page.units, page.units[1:]):
        if b.block_start and a.role in _TEXT and b.role in _TEXT and not ends_sentence(a.text):
            open_ends += len(a.text) >= _PROSE and "，" in a.text  # prose, not a notice's fields and lists
            unclosed = a.text.count("“") > a.text.count("”") or a.text.count("（") > a.text.count("）")
            cuts += certain_cut(a.text, b.text, unclosed) is not None
    return cuts, open_ends


def take_markers(page: Page) -> None:
    """Cut `（下转2版）` from the end and `（上接1版）` from the start of a unit."""
    for unit in page.units:
        for match in reversed(list(MARKER.finditer(unit.text))):
            forward = match.group("dir")[-1] in "转轉"
            at_end = not unit.text[match.end() :].strip()
            at_start = not unit.text[: match.start()].strip()
            if not (at_end or at_start):
                continue
            number = page_number(match.group("page"))
            if forward:
                unit.continued_to = number
            else:
                unit.continued_from = number
            page.changes += unit.replacement(
                match.start(),
                match.end(),
                "",
                LayoutRuleId.CONTINUATION,
                kind="record",
                evidence=f"continued {'on' if forward else 'from'} page {number}",
            ).changes
            if at_end:
                unit.keep(0, len(unit.text[: match.start()].rstrip()))
            else:
                unit.keep(match.end() + len(unit.text[match.end() :]) - len(unit.text[match.end() :].lstrip()), len(unit.text))
        if not unit.text:
            unit.role = Role.MARKER


def _known_line(unit: Unit, lexicons: list[LexiconRule], page: Page, rulebook: Rulebook) -> bool:
    """Is this a line a lexicon knows (masthead, banner)? A near match is restored to the
    known line, as a change of that lexicon's rule, unless the rule is switched off."""
    for lexicon in lexicons:
        canonical = lexicon.recognise(unit.text)
        if canonical is None:
            continue
        if canonical != unit.text and rulebook.active(lexicon.id):
            verdict = rulebook.verdict(lexicon.id)
            evidence = f"close to the known line {canonical!r}"
            replacement = unit.replacement(0, len(unit.text), canonical, lexicon.id, applied=verdict.applied, level=verdict.level, evidence=evidence)
            page.changes += replacement.changes
            if verdict.applied:
                unit.apply(replacement)
        unit.lexicon = lexicon.id
        return True
    return False
