"""Roles to articles: the units of an issue's pages grouped into articles in reading order,
and split text put back together, each step on evidence and reported under its layout rule
(`rules.LayoutRuleId`): masthead lines and banners recorded as metadata, a headline with no
body made a banner (or the cut-off tail of the article before), a displaced lead moved back,
paragraphs joined (`joins`), articles stitched across pages (`pages`).
"""

from __future__ import annotations

import regex

from ..model import Draft, IssueDraft, Page, Role
from ..rules import LayoutRuleId, Rulebook
from ..words import word_across
from .cues import CREDIT, is_photo_credit
from .cuts import IssueText
from .decisions import LayoutModel
from .issues import page_facts
from .joins import join_paragraphs, weigh_break
from .pages import infer_page_numbers, stitch_pages
from .review import kept_in_place

_INNER_SPACE = regex.compile(r"(?<=\S) (?=\S)")
_SPLIT_PROBE = 4  # characters each side of a headline space looked up in the body


# Page furniture is kept as issue metadata, recorded under the lexicon that knows the line, else
# under its layout rule with the model's evidence (`record_furniture`): (known, rule, unknown) per role.
_FURNITURE = {
    Role.MASTHEAD: ("masthead line: kept as issue metadata", LayoutRuleId.FURNITURE, "page furniture no lexicon knows"),
    Role.BANNER: ("known column banner", LayoutRuleId.BANNER, "a column banner"),
}


def assemble(pages: list[Page], rulebook: Rulebook, model: LayoutModel) -> IssueDraft:
    """Every article of an issue's pages, in reading order, split text put back together."""
    issue = IssueDraft(pages, [], [], [], [], None, None, {})
    for page in pages:
        date, number, page_no = page_facts(page)
        issue.date = issue.date or date
        issue.number = issue.number or number
        if page_no:
            issue.page_numbers[page.source.name] = page_no
        issue.changes.extend(page.changes)
        banners = len(issue.banners)
        issue.drafts.extend(_group(page, issue, rulebook))
        issue.banners[banners:] = sorted(issue.banners[banners:], key=lambda unit: unit.line)  # in reading order, however found
    text = IssueText("\n".join(u.text for page in pages for u in page.units))
    for draft in issue.drafts:
        _restore_lead(draft, rulebook, model, text)
        join_paragraphs(draft, rulebook, model, text)
        _settle_kind(draft)
    stitch_pages(issue, rulebook, model)
    infer_page_numbers(issue)
    for draft in issue.drafts:
        close_headline_gaps(draft, rulebook)
    return issue


# --- grouping ----------------------------------------------------------------------------


def _group(page: Page, issue: IssueDraft, rulebook: Rulebook) -> list[Draft]:
    drafts: list[Draft] = []
    current: Draft | None = None
    pending_from: int | None = None

    def start() -> Draft:
        draft = Draft(page.source, page, sources=[page.source.name])
        drafts.append(draft)
        return draft

    matter = page.front_matter
    for unit in page.units:
        role = unit.role
        if role in _FURNITURE:
            (issue.masthead if role is Role.MASTHEAD else issue.banners).append(unit)
            continue
        if role is Role.MARKER:
            if unit.continued_to and current is not None:
                current.continued_to = unit.continued_to
            if unit.continued_from:
                pending_from = unit.continued_from
            continue
        if role is Role.HEADLINE:
            if current is None or not current.empty or unit.label == "head":  # `head` starts an article
                current = start()
            current.headline.append(unit)
        else:
            # text after a 下转 marker, or text that says it continues another page (its own
            # （上接1版）, or one alone on the line before it), starts anew
            if current is None or current.continued_to or ((unit.continued_from or pending_from) and not current.empty):
                current = start()
            if role is Role.BYLINE:  # before the text or after it: the article's byline either way
                current.bylines.append(unit)
            else:
                current.body.append(unit)
        if pending_from and current.continued_from is None:
            current.continued_from, pending_from = pending_from, None
        current.continued_to = unit.continued_to or current.continued_to
        current.continued_from = current.continued_from or unit.continued_from
    if matter:
        for draft in drafts:
            draft.kind = matter.get("kind") or draft.kind
            draft.continued_to = draft.continued_to or matter.get("continued_to")
            draft.continued_from = draft.continued_from or matter.get("continued_from")
    return _settle_bodiless(drafts, issue, rulebook)


def _settle_bodiless(drafts: list[Draft], issue: IssueDraft, rulebook: Rulebook) -> list[Draft]:
    """A headline with no body is a column banner, unless it is the last line of the page and
    the layout model, asked what the line is were it no headline, reads it as text of the
    article before rather than as a banner: then it is that article's cut-off tail. A byline
    with neither headline nor text is text."""
    kept: list[Draft] = []
    for index, draft in enumerate(drafts):
        if draft.bylines and not draft.body and not draft.headline:
            # a byline of no article is text of its own: as a byline it would live only in
            # the metadata of an article with neither headline nor text
            for unit in draft.bylines:
                unit.role = Role.BODY
            draft.body, draft.bylines = draft.bylines, []
        if not draft.empty or draft.page.front_matter:  # kcclean's own file holds one article
            kept.append(draft)
            continue
        last = index == len(drafts) - 1
        previous = kept[-1] if kept else None
        if last and previous is not None and len(draft.headline) == 1 and not previous.continued_to:
            line = draft.headline[0]
            otherwise, why = line.otherwise or ("banner", "")
            if otherwise == "body" and not kept_in_place(line, previous):
                line.role = Role.BODY
                previous.body.append(line)
                line.moved = line.record(
                    LayoutRuleId.ORPHAN,
                    f"no article under it, and the layout model reads it as text of the article before sooner than as a banner: {why}",
                    kind="move",
                )
                previous.changes.append(line.moved)
                continue
        for line in draft.headline:
            line.role = Role.BANNER
            line.why = "a headline with no body after it"
            issue.banners.append(line)
    return kept


def record_furniture(issue: IssueDraft) -> None:
    """Masthead lines and banners recorded as issue metadata once the text rules have repaired
    them: each record then covers the line's edits (it says what the whole line became, so its
    characters are not counted again under the edits), and a line the rules emptied is no line
    of metadata (each of its characters is listed as removed)."""
    for lines in (issue.masthead, issue.banners):
        lines[:] = [unit for unit in lines if unit.text]
        for unit in lines:
            known, rule, unknown = _FURNITURE[unit.role]
            issue.changes.append(unit.record(unit.lexicon, known) if unit.lexicon else unit.record(rule, f"{unknown}: {unit.why}"))


# --- reading order and joins -------------------------------------------------------------


def _restore_lead(draft: Draft, rulebook: Rulebook, model: LayoutModel, text: IssueText) -> None:
    """A lead (本报讯…) belongs right after the headline. When it comes later, the text from it
    to the end is the article's displaced beginning if it was cut there: if the layout model
    weighs the break from its last line into the article's first paragraph as a cut, the
    same weighing as any other break (a close case is only suggested)."""
    body = draft.body
    at = next((i for i, u in enumerate(body) if u.role is Role.LEAD), None)
    if not at or not rulebook.active(LayoutRuleId.DISPLACED_LEAD):
        return
    head = body[at:]
    lead = head[0]
    features = None if draft.continued_to else weigh_break([head[-1]], body[0], draft.page, text)
    cut = None if features is None else model.join(features)
    if cut is None or cut.probability < model.suggest_at:
        draft.warnings.append(f"a lead stands in the middle of the article (line {lead.line})")
        return
    if kept_in_place(lead, draft):
        return
    verdict = rulebook.verdict(LayoutRuleId.DISPLACED_LEAD, cut.probability >= model.apply_at)
    move = lead.record(
        LayoutRuleId.DISPLACED_LEAD,
        f"the lead stood after {at} paragraph(s), and the text from it runs on into the first "
        f"paragraph ({head[-1].text[-6:]!r} → {body[0].text[:6]!r}): {cut.explain()}; moved right after the headline",
        kind="move",
        applied=verdict.applied,
        level=verdict.level,
    )
    draft.changes.append(move)
    if verdict.applied:
        lead.moved = move
        body[:] = head + body[:at]


def _settle_kind(draft: Draft) -> None:
    """A photo item: a title, a caption and a `（… 摄）` credit, and no lead."""
    has_credit = any(u.role is Role.CREDIT and is_photo_credit(u.text) for u in draft.body) or (
        draft.body and CREDIT.search(draft.body[-1].text)
    )
    if draft.kind == "photo" or (has_credit and not any(u.role is Role.LEAD for u in draft.body)):
        draft.kind = "photo"
        for unit in draft.body:
            if unit.role is Role.BODY:
                unit.role = Role.CAPTION


# --- headlines ---------------------------------------------------------------------------


def close_headline_gaps(draft: Draft, rulebook: Rulebook) -> None:
    """A space inside a headline that cuts a word the body prints whole (疫情 防控) goes;
    one that cuts a dictionary word the body does not print is only suggested; the space
    between the parts of a two-part headline stays, and so does one the page shows (an OCR
    engine's character boxes a character apart): the body's text may be what the engine
    misread there."""
    if not draft.headline or not rulebook.active(LayoutRuleId.SPLIT_WORD):
        return
    body = "".join(u.text for u in draft.body)
    for unit in draft.headline:
        for space in reversed([m.start() for m in _INNER_SPACE.finditer(unit.text)]):
            if (located := unit.trace.locate(space))[0].measured_space(located[1]):
                continue
            left = unit.text[:space].rsplit(" ", 1)[-1]
            right = unit.text[space + 1 :].split(" ", 1)[0]
            if min(len(left), len(right)) < 2:
                continue
            probe = left[-_SPLIT_PROBE:] + right[:_SPLIT_PROBE]
            if probe in body:
                evidence, certain = f"the body prints {probe!r} without the space", True
            elif word := word_across(left, right):
                evidence, certain = f"{word!r} is one word (bundled word list); the body does not print it", False
            else:
                continue
            verdict = rulebook.verdict(LayoutRuleId.SPLIT_WORD, certain)
            replacement = unit.replacement(
                space, space + 1, "", LayoutRuleId.SPLIT_WORD, applied=verdict.applied, level=verdict.level, evidence=evidence
            )
            draft.changes += replacement.changes
            if verdict.applied:
                unit.apply(replacement)
