"""Stage 4: roles to articles. Groups the units of an issue's pages into articles in
reading order and puts split text back together, each step on evidence and reported:

- join.broken-wrap  a paragraph cut mid-sentence by a blank line or line break
- join.line-wrap    lines of a hard-wrapped column
- join.overlap      a column break that repeats the last characters of the column before
- move.displaced-lead  a lead printed after its own tail
- stitch.page-jump  an article continued on another page (下转2版 … 上接1版)
- headline.split-word  a space that cuts a word of a headline
- layout.banner / layout.byline / layout.orphan  page structure recorded as metadata
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex
from rapidfuzz import fuzz

from .blocks import Page
from .classify import (
    CREDIT,
    QUOTE_CLOSERS,
    bare_lead,
    ends_sentence,
    is_lead,
    is_photo_credit,
    near_width,
    opens_paragraph,
    opens_with_continuation,
)
from .decisions import JOIN, JOIN_AT, JOIN_SUGGESTED_AT, Weighing
from .evidence import IssueText, certain_cut, overlap, word_across
from .model import PROSE_ROLES, Change, Piece, Role, Source, Unit, join_link, joined
from .rulebook import Rulebook

_DATE = regex.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISSUE_NUMBER = regex.compile(r"^第\s*(\d+)\s*期$")
_PAGE_HEAD = regex.compile(r"第?\s*(\d{1,2})\s*版")
_PAGE_COUNT = regex.compile(r"^今日[一二三四五六七八九十\d]{1,3}版$")  # how many pages: not which
_HAN = regex.compile(r"\p{Han}")
_INNER_SPACE = regex.compile(r"(?<=\S) (?=\S)")
_BANNER_AFFINITY = 0.5  # share of a trailing line's bigrams found in the article before it
_OVERLAP_SAFE = 3  # repeated characters at a column break: this many or more are removed
_JUMP_HEADLINE_MATCH = 40  # partial-ratio score a jump headline needs to pick its article
_SPLIT_PROBE = 4  # characters each side of a headline space looked up in the body
_SHORT_PIECE = 20  # as short as a subhead, a dateline or a byline: no running prose
_CUTTING_PAGE = 2  # certain cuts that show a page was transcribed cutting at column breaks
_CLAUSE_MARKS = regex.compile(r"[，,；;、]")
_BARE_LEAD_LONGEST = 60  # a cue and its bracket of names


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


def page_facts(page: Page) -> tuple[str | None, int | None, int | None]:
    """Date, issue number and page number, from the page's masthead lines or front matter."""
    matter = page.front_matter
    if matter:
        return matter.get("date"), matter.get("issue"), matter.get("page")
    date = number = page_no = None
    for unit in page.units:
        if unit.role is not Role.MASTHEAD:
            continue
        if date is None and (found := _DATE.search(unit.text)):
            year, month, day = (int(g) for g in found.groups())
            date = f"{year:04d}-{month:02d}-{day:02d}"
        if number is None and (found := _ISSUE_NUMBER.match(unit.text)):
            number = int(found.group(1))
            page_no = 1  # the issue number is printed in the front-page masthead
        if page_no is None and not _PAGE_COUNT.match(unit.text) and (found := _PAGE_HEAD.search(unit.text)):
            page_no = int(found.group(1))
    return date, number, page_no


def assemble(pages: list[Page], rulebook: Rulebook) -> IssueDraft:
    """Every article of an issue's pages, in reading order, split text put back together."""
    issue = IssueDraft(pages, [], [], [], [], None, None, {})
    for page in pages:
        date, number, page_no = page_facts(page)
        issue.date = issue.date or date
        issue.number = issue.number or number
        if page_no:
            issue.page_numbers[page.source.name] = page_no
        issue.changes.extend(page.changes)
        issue.drafts.extend(_group(page, issue, rulebook))
    text = IssueText("\n".join(u.text for page in pages for u in page.units))
    for draft in issue.drafts:
        _restore_lead(draft, rulebook)
        _join_paragraphs(draft, rulebook, text)
        _settle_kind(draft)
    _stitch_pages(issue, rulebook)
    _infer_page_numbers(issue)
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
        if role is Role.MASTHEAD:
            issue.masthead.append(unit)
            issue.changes.append(unit.record("masthead.lines", "masthead line: kept as issue metadata"))
            continue
        if role is Role.BANNER:
            issue.banners.append(unit)
            issue.changes.append(unit.record("masthead.banners", "known column banner"))
            continue
        if role is Role.MARKER:
            if unit.continued_to and current is not None:
                current.continued_to = unit.continued_to
            if unit.continued_from:
                pending_from = unit.continued_from
            continue
        if role is Role.HEADLINE:
            if current is None or not current.empty or (current.headline and unit.gap_before >= 2):
                current = start()
            current.headline.append(unit)
        else:
            # text after a 下转 marker, or text that says it continues another page, starts anew
            if current is None or current.continued_to or (unit.continued_from and not current.empty):
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
    its words come from the article before it: then it is that article's cut-off tail."""
    kept: list[Draft] = []
    for index, draft in enumerate(drafts):
        if not draft.empty or draft.page.front_matter:  # kcclean's own file holds one article
            kept.append(draft)
            continue
        last = index == len(drafts) - 1
        previous = kept[-1] if kept else None
        if last and previous is not None and len(draft.headline) == 1 and not previous.continued_to:
            line = draft.headline[0]
            score = _affinity(line.text, previous)
            if score >= _BANNER_AFFINITY:
                line.role = Role.BODY
                previous.body.append(line)
                line.moved = line.record(
                    "layout.orphan",
                    f"{score:.0%} of its character pairs occur in the article before: "
                    "the article's cut-off last line, not a banner",
                    kind="move",
                )
                previous.changes.append(line.moved)
                continue
        for line in draft.headline:
            line.role = Role.BANNER
            issue.banners.append(line)
            issue.changes.append(line.record("layout.banner", "a headline with no body after it"))
    return kept


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _affinity(text: str, draft: Draft) -> float:
    pairs = _bigrams(text)
    if not pairs:
        return 0.0
    article = "".join(u.text for u in (*draft.headline, *draft.body))
    return sum(1 for p in pairs if p in article) / len(pairs)


# --- reading order and joins -------------------------------------------------------------


def _restore_lead(draft: Draft, rulebook: Rulebook) -> None:
    """A lead (本报讯…) belongs right after the headline. When it comes later and the text
    from it to the end stops mid-sentence, that text is the article's displaced beginning."""
    body = draft.body
    at = next((i for i, u in enumerate(body) if u.role is Role.LEAD), None)
    if not at or not rulebook.active("move.displaced-lead"):
        return
    head = body[at:]
    if ends_sentence(head[-1].text) or draft.continued_to:
        draft.warnings.append(f"a lead stands in the middle of the article (line {body[at].line})")
        return
    lead = head[0]
    applied = rulebook.applies("move.displaced-lead")
    move = lead.record(
        "move.displaced-lead",
        f"the lead stood after {at} paragraph(s) and the text from it ends mid-sentence "
        f"({head[-1].text[-8:]!r}): moved right after the headline",
        kind="move",
        applied=applied,
        level=rulebook.level("move.displaced-lead"),
    )
    draft.changes.append(move)
    if applied:
        lead.moved = move
        body[:] = head + body[:at]


@dataclass(slots=True)
class _Paragraph:
    """Pieces of a paragraph being joined into one, what stands between them (`join_link`),
    and how many quotes or brackets they left open."""

    units: list[Unit]
    links: list[Piece] = field(default_factory=list)
    unclosed: int = 0
    size: int = 0
    clauses: bool = False  # has a clause mark (，、；) somewhere

    @classmethod
    def of(cls, unit: Unit) -> _Paragraph:
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


def _join_reason(run: _Paragraph, b: Unit, page: Page, text: IssueText) -> tuple[str, str, bool] | None:
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
    rule = "join.broken-wrap"
    if page.wrap_width and near_width(a, page.wrap_width) and not b.indented and (not b.block_start or page.uses_indent):
        if not ended or page.uses_indent:
            rule = "join.line-wrap"
            weighing.add("the line fills the column", f"{page.wrap_width} characters, the next line not indented")
        elif not b.block_start:  # without indents a full line ending 。 is more often cut than ended
            rule = "join.line-wrap"
            weighing.add("a full line may go on", f"{page.wrap_width} characters")
    if ended and rule == "join.broken-wrap":
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
        if rule == "join.broken-wrap":
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


def _join_paragraphs(draft: Draft, rulebook: Rulebook, text: IssueText) -> None:
    if len(draft.body) < 2:
        return
    paragraphs = [_Paragraph.of(draft.body[0])]
    for unit in draft.body[1:]:
        paragraph = paragraphs[-1]
        reason = _join_reason(paragraph, unit, draft.page, text)
        if reason is None or not rulebook.active(reason[0]):
            paragraphs.append(_Paragraph.of(unit))
            continue
        rule, evidence, certain = reason
        tail = paragraph.units[-1]
        applied = rulebook.applies(rule, unsafe_edit=not certain)
        change, link = join_link(
            tail.trace, unit.trace, rule, applied=applied, level=rulebook.level(rule) if certain else "unsafe", evidence=evidence
        )
        draft.changes.append(change)
        if applied:
            paragraph.add(_drop_overlap(tail, unit, draft, rulebook), link)
        else:
            if not certain:
                draft.warnings.append(f"line {tail.line}: a paragraph may have been cut here; it was kept apart from the next (a suggested join)")
            paragraphs.append(_Paragraph.of(unit))
    draft.body = [paragraph.merged() for paragraph in paragraphs]


def _drop_overlap(a: Unit, b: Unit, draft: Draft, rulebook: Rulebook) -> Unit:
    """At a column break OCR can read the last characters of a column twice."""
    size = overlap(a.text, b.text)
    if size < 2 or not rulebook.active("join.overlap"):
        return b
    repeated = b.text[:size]
    if not _HAN.search(repeated):
        return b  # digits repeat in real numbers (2020年20日)
    certain = size >= _OVERLAP_SAFE
    applied = rulebook.applies("join.overlap", unsafe_edit=not certain)
    replacement = b.replacement(
        0,
        size,
        "",
        "join.overlap",
        applied=applied,
        level=rulebook.level("join.overlap") if certain else "unsafe",
        evidence=f"the column before ends with the same {size} characters",
    )
    draft.changes += replacement.changes
    if not applied:
        return b
    b = replace(b)
    b.apply(replacement)
    return b


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


# --- across pages ------------------------------------------------------------------------


def _stitch_pages(issue: IssueDraft, rulebook: Rulebook) -> None:
    """Give each fragment that says 上接…版 to the earlier article that says 下转 to its page,
    the one whose headline its jump headline matches best. An article can jump again."""
    if not rulebook.active("stitch.page-jump"):
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
    applied = rulebook.applies("stitch.page-jump")
    for line in fragment.headline:
        draft.changes.append(
            line.record("stitch.page-jump", f"jump headline of the continuation (matches {score:.0f}/100)", kind="stitch", applied=applied)
        )
    if not applied:
        return False
    if fragment.source is not draft.source:
        issue.page_numbers.setdefault(fragment.source.name, draft.continued_to)
    draft.changes.extend(fragment.changes)
    draft.warnings.extend(fragment.warnings)
    body = list(fragment.body)
    if body and draft.body and not ends_sentence(draft.body[-1].text) and rulebook.active("join.broken-wrap"):
        tail, first = draft.body[-1], body.pop(0)
        evidence = f"下转{draft.continued_to}版 here, 上接{fragment.continued_from}版 in {fragment.source.name}"
        applied = rulebook.applies("join.broken-wrap")
        change, link = join_link(tail.trace, first.trace, "join.broken-wrap", applied=applied, level=rulebook.level("join.broken-wrap"), evidence=evidence)
        draft.changes.append(change)
        if applied:
            paragraph = _Paragraph.of(tail)
            paragraph.add(_drop_overlap(tail, first, draft, rulebook), link)
            draft.body[-1] = paragraph.merged()
        else:
            body.insert(0, first)
    draft.body.extend(body)
    draft.bylines.extend(fragment.bylines)
    draft.sources.extend(s for s in fragment.sources if s not in draft.sources)
    draft.continued_to = fragment.continued_to
    return True


def _infer_page_numbers(issue: IssueDraft) -> None:
    """A page whose articles continue on page 2 and that says nothing of its own number is
    page 1: no other page comes before page 2."""
    for page in issue.pages:
        name = page.source.name
        if name in issue.page_numbers:
            continue
        targets = [d.continued_to for d in issue.drafts if d.source is page.source and d.continued_to]
        if targets and min(targets) == 2:
            issue.page_numbers[name] = 1


# --- headlines ---------------------------------------------------------------------------


def close_headline_gaps(draft: Draft, rulebook: Rulebook) -> None:
    """A space inside a headline that cuts a word the body prints whole (疫情 防控) goes;
    one that cuts a dictionary word the body does not print is only suggested; the space
    between the parts of a two-part headline stays."""
    if not draft.headline or not rulebook.active("headline.split-word"):
        return
    body = "".join(u.text for u in draft.body)
    for unit in draft.headline:
        for space in reversed([m.start() for m in _INNER_SPACE.finditer(unit.text)]):
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
            applied = rulebook.applies("headline.split-word", unsafe_edit=not certain)
            replacement = unit.replacement(
                space,
                space + 1,
                "",
                "headline.split-word",
                applied=applied,
                level=rulebook.level("headline.split-word") if certain else "unsafe",
                evidence=evidence,
            )
            draft.changes += replacement.changes
            if applied:
                unit.apply(replacement)
