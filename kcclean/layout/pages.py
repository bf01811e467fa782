"""Articles continued on another page (`（下转2版）` … `（上接1版）`): each continuation is given
to the article that jumps to its page that the layout model finds likeliest to go on in it
(`stitch.page-jump`), its first paragraph joined to the cut one.

The model weighs each pair of an article that jumps and a continuation on the features of
`jump_features`: how alike the continuation's jump headline and the article's headline are,
against the other articles that jump, and whether a word runs across the jump.
The runtime reads the pair off the drafts; the fit reads it off labelled pages (`jump_rows`),
so both weigh the same plain data (`JumpEnd`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Draft, IssueDraft, Role
from ..provenance import join_link
from ..rules import LayoutRuleId, Rulebook
from ..words import word_across
from .cues import ends_sentence
from .decisions import LayoutModel
from .features import Features
from .joins import Paragraph, drop_overlap
from .review import kept_in_place


@dataclass(frozen=True, slots=True)
class JumpEnd:
    """What the page-jump decision reads of an article's part: its headline (a continuation's
    is its jump headline), the start of its first paragraph and the end of its last."""

    headline: str
    opening: str
    tail: str

    @classmethod
    def of(cls, draft: Draft) -> JumpEnd:
        return cls(
            "".join(u.text for u in draft.headline),
            draft.body[0].text if draft.body else "",
            draft.body[-1].text if draft.body else "",
        )


def jump_features(article: JumpEnd, continuation: JumpEnd, rivals: Sequence[JumpEnd]) -> Features:
    """The features of a continuation going on an article that jumps, among `rivals` (the
    other articles that could hold it)."""
    features = Features()
    jump = continuation.headline
    if not rivals:
        features.add("the only article that jumps")
    if not jump:
        features.add("no jump headline")
    else:
        match = _match(jump, article.headline)
        features.add("jump headline match", match / 100, f"{jump!r} in {article.headline!r}: {match:.0f}/100")
        if rivals:
            best_rival = max(_match(jump, rival.headline) for rival in rivals)
            features.add("jump headline match over the best rival", (match - best_rival) / 100, f"{match:.0f} against {best_rival:.0f}")
    if article.tail and continuation.opening and not ends_sentence(article.tail):
        if word := word_across(article.tail, continuation.opening):
            features.add("a word runs across the jump", detail=f"{article.tail[-3:]}|{continuation.opening[:3]}: {word}")
    return features


def _match(jump: str, headline: str) -> float:
    return fuzz.partial_ratio(jump, headline) if jump and headline else 0.0


def jump_rows(parts: Iterable[tuple[int, JumpEnd, bool, bool]]) -> list[tuple[Features, bool]]:
    """Labelled pairs for the fit, from an issue's article parts in reading order: (article
    number, what the decision reads of the part, whether it jumps on, whether it goes on from
    another page). Each continuation is weighed against every earlier part that jumps and has
    not been given one, and is the same article's or not; as at runtime, a part that got its
    continuation jumps no more (unless the continuation does)."""
    rows: list[tuple[Features, bool]] = []
    waiting: list[tuple[int, JumpEnd]] = []
    for article, end, jumps_on, goes_on in parts:
        if goes_on and waiting:
            for k, (candidate, candidate_end) in enumerate(waiting):
                rivals = [other for j, (_, other) in enumerate(waiting) if j != k]
                rows.append((jump_features(candidate_end, end, rivals), candidate == article))
            waiting = [(candidate, e) for candidate, e in waiting if candidate != article]
        if jumps_on:
            waiting.append((article, end))
    return rows


def stitch_pages(issue: IssueDraft, rulebook: Rulebook, model: LayoutModel) -> None:
    """Give each fragment that says 上接…版 to the earlier article that says 下转 to its page
    and that the model finds likeliest to go on in it. An article can jump again."""
    if not rulebook.active(LayoutRuleId.PAGE_JUMP):
        return
    drafts = issue.drafts
    for fragment in [d for d in drafts if d.continued_from]:
        if any(u.role is Role.LEAD for u in fragment.body):
            continue  # a lead starts an article: this is no continuation
        if any(kept_in_place(line, fragment) for line in fragment.headline):
            continue
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
        ends = [JumpEnd.of(d) for d in candidates]
        continuation = JumpEnd.of(fragment)
        weighed = [
            (model.jump(jump_features(end, continuation, ends[:k] + ends[k + 1 :])), draft)
            for k, (end, draft) in enumerate(zip(ends, candidates))
        ]
        likeliest, best = max(weighed, key=lambda pair: pair[0].probability)
        if likeliest.probability < model.suggest_at:
            fragment.warnings.append(f"it continues an article from another page, but which one is unclear: {likeliest.explain('the one')}")
            continue
        if _stitch(best, fragment, likeliest, issue, rulebook, certain=likeliest.probability >= model.apply_at):
            drafts.remove(fragment)


def _stitch(draft: Draft, fragment: Draft, weighed, issue: IssueDraft, rulebook: Rulebook, certain: bool) -> bool:
    """Append the fragment to the article; False when it is only suggested (the rule says
    so, or the model is not sure)."""
    verdict = rulebook.verdict(LayoutRuleId.PAGE_JUMP, certain)
    evidence = f"the continuation's jump headline: {weighed.explain('its article')}"
    for line in fragment.headline:
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
