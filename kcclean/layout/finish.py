"""Drafts to articles, once their text is repaired: each article's byline (a standalone
byline, the lead's bracket, a photo credit), whether it ends mid-sentence, its id, and the
issue they make up with every change in input order."""

from __future__ import annotations

import regex

from ..model import PROSE_ROLES, Article, Draft, Issue, IssueDraft, Part, Role
from ..rules import LayoutRuleId
from .cues import (
    BYLINE_MARKS,
    CREDIT,
    CREDIT_LINE,
    QUOTE_CLOSERS,
    ends_sentence,
    lead_byline,
)
from .issues import issue_key

# A closing line that stands on its own: a date, the body that signs a notice, a person's
# name, an editor's note in brackets: a notice, a letter, an obituary or a serial ends on one,
# with nothing cut off.
_SIGNED_OFF = regex.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日"
    r"|[\p{Han}（）()]{2,20}(?:局|政府|委员会|办公室|办事处|中心|公司|协会|联合会|小组|社区|党委|支部|医院|学校|街道)"
    r"|(?:读者\s*)?\p{Han}{2,4}"
    r"|[（(][^（）()]{1,30}[）)]"  # an editor's closing note: （未完待续）, （原载《浙江日报》）
)


def finish(draft: IssueDraft, warnings: list[str]) -> Issue:
    """The issue of a repaired draft (its key made unique in a run by `issues.claim_key`)."""
    key = issue_key(draft)
    articles = [_article(article, f"{key}-{n:02d}", draft) for n, article in enumerate(draft.drafts, 1)]
    changes = draft.changes + [c for a in draft.drafts for c in a.changes]
    changes.sort(key=lambda c: (c.source, c.start))
    return Issue(
        key=key,
        date=draft.date,
        number=draft.number,
        inputs=[p.source for p in draft.pages],
        masthead=[u.text for u in draft.masthead],
        banners=[u.text for u in draft.banners],
        articles=articles,
        changes=changes,
        warnings=warnings,
    )


def _article(draft: Draft, article_id: str, issue: IssueDraft) -> Article:
    byline = _byline(draft)
    for change in draft.changes:
        change.article = article_id
    prose = [u for u in draft.body if u.role in PROSE_ROLES]
    last = prose[-1].text if prose else ""
    last = CREDIT.sub("", last).rstrip()
    truncated = bool(
        draft.kind == "news"
        and last
        and not ends_sentence(last)
        and last[-1] not in QUOTE_CLOSERS  # a paragraph may end on a quotation
        and not draft.continued_to
        and not _SIGNED_OFF.fullmatch(last)  # a notice or a letter ends on its signer or its date
    )
    warnings = list(draft.warnings)
    if not draft.headline:
        warnings.append("no headline: text that came before any headline on its page")
    if truncated:
        warnings.append(f"ends mid-sentence ({last[-10:]!r}) with no continuation marker")
    parts = [Part("headline", n, u.trace, u.moved) for n, u in enumerate(draft.headline)]
    parts += [Part("byline", n, u.trace, u.moved) for n, u in enumerate(draft.bylines)]
    parts += [Part("body", n, u.trace, u.moved) for n, u in enumerate(draft.body)]
    return Article(
        parts=parts,
        id=article_id,
        source=draft.source.name,
        sources=draft.sources,
        date=issue.date,
        issue=issue.number,
        page=issue.page_numbers.get(draft.source.name),
        headline=[u.text for u in draft.headline],
        byline=byline,
        kind=draft.kind,
        body=[u.text for u in draft.body],
        subheads=[index for index, unit in enumerate(draft.body) if unit.role is Role.SUBHEAD],
        evidence=[
            f"{unit.role.value} {unit.text[:12]!r} (line {unit.line}): {unit.why}"
            for unit in (*draft.headline, *draft.body)
            if unit.why and unit.role in (Role.HEADLINE, Role.SUBHEAD)
        ],
        continued_to=draft.continued_to,
        continued_from=draft.continued_from,
        truncated=truncated,
        changes=sum(1 for c in draft.changes if c.is_fix),
        warnings=warnings,
    )


def _byline(draft: Draft) -> str | None:
    """Who made the article: for kcclean's own output read back, what its front matter says
    (the run that wrote it decided, from lines the file no longer holds: a standalone byline
    is not a paragraph); else a standalone byline, the lead's bracket, or a photo credit."""
    matter = draft.page.front_matter
    if "byline" in matter:
        return matter["byline"]
    if draft.bylines:
        parts = []
        for unit in draft.bylines:
            draft.changes.append(unit.record(LayoutRuleId.BYLINE, "standalone byline: kept as the article's byline"))
            text = unit.text.lstrip(BYLINE_MARKS + " ")
            if text[:1] in "（(" and text[-1:] in "）)":  # （记者 叶子航）: the byline is what the brackets hold
                text = text[1:-1].strip()
            parts.append(text)
        return " ".join(parts)
    for unit in draft.body:
        if unit.role is Role.LEAD and (names := lead_byline(unit.text)):
            return names
    if draft.kind == "photo":
        for unit in reversed(draft.body):
            if found := CREDIT.search(unit.text) or CREDIT_LINE.match(unit.text):
                return found.group("names").strip() if found.group("names") else None
    return None
