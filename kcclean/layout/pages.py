"""Articles continued on another page (`（下转2版）` … `（上接1版）`): each continuation is given
to the article that jumps to its page, the one whose headline its jump headline matches best
(`stitch.page-jump`), its first paragraph joined to the cut one."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..model import Draft, IssueDraft, Role
from ..provenance import join_link
from ..rules import LayoutRuleId, Rulebook
from .cues import ends_sentence
from .joins import Paragraph, drop_overlap

_JUMP_HEADLINE_MATCH = 40  # partial-ratio score a jump headline needs to pick its article


def stitch_pages(issue: IssueDraft, rulebook: Rulebook) -> None:
    """Give each fragment that says 上接…版 to the earlier article that says 下转 to its page,
    the one whose headline its jump headline matches best. An article can jump again."""
    if not rulebook.active(LayoutRuleId.PAGE_JUMP):
        return
    drafts = issue.drafts
    for fragment in [d for d in drafts if d.continued_from]:
        if any(u.role is Role.LEAD for u in fragment.body):
            continue  # a lead starts an article: this is no continuation
        page = issue.page_numbers.get(fragment.source.name)
        candidates = [
            draft
            for draft in drafts[: drafts.index(fragment)]
            if draft.continued_to
            and (page is None or draft.continued_to == page)
            and issue.page_numbers.get(draft.sources[-1]) in (None, fragment.continued_from)
        ]
        if not candidates:
            continue
        score, best = max(((_jump_score(d, fragment), d) for d in candidates), key=lambda pair: pair[0])
        if len(candidates) > 1 and score < _JUMP_HEADLINE_MATCH:
            fragment.warnings.append("it continues an article from another page, but which one is unclear")
            continue
        if _stitch(best, fragment, score, issue, rulebook):
            drafts.remove(fragment)


def _jump_score(draft: Draft, fragment: Draft) -> float:
    jump = "".join(u.text for u in fragment.headline)
    title = "".join(u.text for u in draft.headline)
    return fuzz.partial_ratio(jump, title) if jump and title else 0.0


def _stitch(draft: Draft, fragment: Draft, score: float, issue: IssueDraft, rulebook: Rulebook) -> bool:
    """Append the fragment to the article; False when the rule only suggests it."""
    verdict = rulebook.verdict(LayoutRuleId.PAGE_JUMP)
    for line in fragment.headline:
        evidence = f"jump headline of the continuation (matches {score:.0f}/100)"
        draft.changes.append(line.record(LayoutRuleId.PAGE_JUMP, evidence, kind="stitch", applied=verdict.applied, level=verdict.level))
    if not verdict.applied:
        return False
    if fragment.source is not draft.source:
        issue.page_numbers.setdefault(fragment.source.name, draft.continued_to)
    draft.changes.extend(fragment.changes)
    draft.warnings.extend(fragment.warnings)
    body = list(fragment.body)
    if body and draft.body and not ends_sentence(draft.body[-1].text) and rulebook.active(LayoutRuleId.BROKEN_WRAP):
        tail, first = draft.body[-1], body.pop(0)
        evidence = f"下转{draft.continued_to}版 here, 上接{fragment.continued_from}版 in {fragment.source.name}"
        join = rulebook.verdict(LayoutRuleId.BROKEN_WRAP)
        change, link = join_link(tail.trace, first.trace, LayoutRuleId.BROKEN_WRAP, applied=join.applied, level=join.level, evidence=evidence)
        draft.changes.append(change)
        if join.applied:
            paragraph = Paragraph.of(tail)
            paragraph.add(drop_overlap(tail, first, draft, rulebook), link)
            draft.body[-1] = paragraph.merged()
        else:
            body.insert(0, first)
    draft.body.extend(body)
    draft.bylines.extend(fragment.bylines)
    draft.sources.extend(s for s in fragment.sources if s not in draft.sources)
    draft.continued_to = fragment.continued_to
    return True


def infer_page_numbers(issue: IssueDraft) -> None:
    """A page whose articles continue on page 2 and that says nothing of its own number is
    page 1: no other page comes before page 2."""
    for page in issue.pages:
        name = page.source.name
        if name in issue.page_numbers:
            continue
        targets = [d.continued_to for d in issue.drafts if d.source is page.source and d.continued_to]
        if targets and min(targets) == 2:
            issue.page_numbers[name] = 1
