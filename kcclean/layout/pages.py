"""Articles continued on another page (`（下转2版）` … `（上接1版）`): each continuation is given
to the article that jumps to its page that the layout model finds likeliest to go on in it
(`stitch.page-jump`), its first paragraph joined to the cut one.

The model chooses among the articles that jump and none of them, each weighed on the features
of `jump_features`: how alike the continuation's jump headline and the article's headline
are, against the other articles that jump, and whether a word runs across the jump. The
runtime reads them off the drafts, the fit off labelled pages (`jump_choices`), so both weigh
the same plain data (`JumpEnd`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Draft, IssueDraft, Role, Unit
from ..provenance import join_link
from ..rules import LayoutRuleId, Rulebook
from ..words import word_across
from .cues import ends_sentence
from .decisions import LayoutModel, Odds
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


def jump_features(candidates: Sequence[JumpEnd], continuation: JumpEnd) -> list[Features]:
    """The features of a continuation going on each of the articles that could hold it,
    each weighed against the others (its rivals)."""
    jump = continuation.headline
    matches = [_match(jump, article.headline) for article in candidates]
    found = []
    for k, article in enumerate(candidates):
        features = Features()
        rivals = matches[:k] + matches[k + 1 :]
        if not rivals:
            features.add("the only article that jumps")
        if not jump:
            features.add("no jump headline")
        else:
            match = matches[k]
            features.add("jump headline match", match / 100, f"{jump!r} in {article.headline!r}: {match:.0f}/100")
            if rivals:
                best = max(rivals)
                features.add("jump headline match over the best rival", (match - best) / 100, f"{match:.0f} against {best:.0f}")
        if article.tail and continuation.opening and not ends_sentence(article.tail):
            if word := word_across(article.tail, continuation.opening):
                features.add("a word runs across the jump", detail=f"{article.tail[-3:]}|{continuation.opening[:3]}: {word}")
        found.append(features)
    return found


def _match(jump: str, headline: str) -> float:
    return fuzz.partial_ratio(jump, headline) if jump and headline else 0.0


def may_go_on(jumps_to: int | None, from_page: int | None, to_page: int | None, goes_on_from: int | None) -> bool:
    """Can a continuation printed on page `to_page` (上接 page `goes_on_from`) go on an
    article that jumps to page `jumps_to` (下转) from page `from_page`? A page number not
    known (None) rules nothing out."""
    return bool(jumps_to) and (to_page is None or jumps_to == to_page) and from_page in (None, goes_on_from)


@dataclass(frozen=True, slots=True)
class JumpPart:
    """An article's part of a labelled page, as the fit reads it for page jumps (`jump_choices`)."""

    article: int
    end: JumpEnd
    page: int | None  # the number the page prints, if any
    jumps_to: int | None  # 下转N版 after it
    goes_on_from: int | None  # 上接N版 before it


# A labelled choice: the features of each article a continuation could go on, and which one
# it goes on (None: none of them).
Choice = tuple[list[Features], int | None]


def jump_choices(parts: Iterable[JumpPart]) -> list[Choice]:
    """The labelled choices of an issue's page jumps, from its article parts in reading
    order. Each continuation is weighed against every earlier article that jumps to its page
    and has not been given one; as at runtime, an article that got its continuation is one
    article, its own headline and opening with the continuation's end, and jumps no more
    unless the continuation does. Two more choices are made of each, as papers print them
    too: the continuation without its jump headline, and the articles without its own (its
    下转 lost in the transcript: the right choice is none)."""
    choices: list[Choice] = []
    waiting: dict[int, tuple[JumpEnd, int | None, int]] = {}  # article → what it reads as, its page, the page it jumps to
    whole: dict[int, JumpEnd] = {}  # each article's first part
    for part in parts:
        if part.goes_on_from is not None:
            candidates = [(a, end) for a, (end, page, to) in waiting.items() if may_go_on(to, page, part.page, part.goes_on_from)]
            articles = [a for a, _ in candidates]
            ends = [end for _, end in candidates]
            gold = articles.index(part.article) if part.article in articles else None
            choices.append((jump_features(ends, part.end), gold))
            choices.append((jump_features(ends, JumpEnd("", part.end.opening, part.end.tail)), gold))
            if gold is not None:
                choices.append((jump_features(ends[:gold] + ends[gold + 1 :], part.end), None))
                del waiting[part.article]
        first = whole.setdefault(part.article, part.end)
        if part.jumps_to is not None:
            waiting[part.article] = (JumpEnd(first.headline, first.opening, part.end.tail), part.page, part.jumps_to)
    return [choice for choice in choices if choice[0]]


def stitch_pages(issue: IssueDraft, rulebook: Rulebook, model: LayoutModel) -> None:
    """Give each fragment that says 上接…版 to the earlier article that says 下转 to its page
    and that the model finds likeliest to go on in it, weighed against the others and
    against none of them. An article can jump again."""
    if not rulebook.active(LayoutRuleId.PAGE_JUMP):
        return
    drafts = issue.drafts
    for fragment in [d for d in drafts if d.continued_from]:
        if any(u.role is Role.LEAD for u in fragment.body):
            continue  # a lead starts an article: this is no continuation
        if any(kept_in_place(line, fragment) for line in _recorded_at(fragment)):
            continue
        page = issue.page_numbers.get(fragment.source.name)
        candidates = [
            draft
            for draft in drafts[: drafts.index(fragment)]
            if may_go_on(draft.continued_to, issue.page_numbers.get(draft.sources[-1]), page, fragment.continued_from)
        ]
        if not candidates:
            continue
        weighed = model.choose(jump_features([JumpEnd.of(d) for d in candidates], JumpEnd.of(fragment)))
        ranked = sorted(zip(weighed, candidates), key=lambda pair: -pair[0].probability)
        odds, best = ranked[0]
        said = _said(ranked)
        if odds.probability < model.suggest_at:
            fragment.warnings.append(f"it continues an article from another page, but which one is unclear: {said}")
            continue
        if _stitch(best, fragment, said, issue, rulebook, certain=odds.probability >= model.apply_at):
            drafts.remove(fragment)


def _recorded_at(fragment: Draft) -> list[Unit]:
    """The lines a stitch of the fragment is recorded at: its jump headline, else its first line."""
    return fragment.headline or fragment.body[:1]


def _said(ranked: list[tuple[Odds, Draft]]) -> str:
    """The page-jump decision in words: the likeliest article and why, and the next likeliest."""
    (odds, best), rest = ranked[0], ranked[1:]
    said = f"goes on “{_title(best)}” with probability {odds.probability:.2f}"
    if rest:
        said += f" (next: “{_title(rest[0][1])}”, {rest[0][0].probability:.2f})"
    return f"{said}: {odds.named()}" if odds.evidence else said


def _title(draft: Draft) -> str:
    if draft.headline:
        return " ".join(u.text for u in draft.headline)
    return f"{draft.body[0].text[:12]}…" if draft.body else ""


def _stitch(draft: Draft, fragment: Draft, evidence: str, issue: IssueDraft, rulebook: Rulebook, certain: bool) -> bool:
    """Append the fragment to the article; False when it is only suggested (the rule says
    so, or the model is not sure)."""
    verdict = rulebook.verdict(LayoutRuleId.PAGE_JUMP, certain)
    for line in _recorded_at(fragment):
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
