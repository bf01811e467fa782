"""Pages to issues: a file holding several issues cut at each new masthead date, consecutive
pages of one date (or continuing each other's page jumps) grouped as one issue, and issue keys
made unique in a run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import regex

from ..errors import KccleanError
from ..model import Issue, IssueDraft, Page, Role
from .cues import PAGE_NUMBER, page_number

_UNSAFE_NAME = regex.compile(r"[^\w.-]+")
# 2024年6月13日, or on another paper's dateline 2024.06.13, 2024-06-13, 2024/6/13
_DATE = regex.compile(r"(\d{4})\s*(?:年\s*|[.．/-])(\d{1,2})\s*(?:月\s*|[.．/-])(\d{1,2})(?:\s*日|(?!\d))")
# alone or on a dateline (2024年9月3日 星期二 第5012期); 总第1689期: the number since the first issue
_ISSUE_NUMBER = regex.compile(r"(?:^|\s)总?第\s*(\d+)\s*期(?:\s|$)")
# a page's head (第3版, 第三版 视点), not how many pages the issue has (今日四版, 本期8版); or its
# number and section without 版, a word of its own (3 综合新闻, 第9876期 A3 民生), on a masthead line
_PAGE_HEAD = regex.compile(
    rf"(?<!今日|本期|共)(?<![\d一二三四五六七八九十])第?\s*({PAGE_NUMBER})\s*版"
    r"|(?:^|\s)[A-D]?(\d{1,2})\s*[·•・:：]?\s*\p{Han}{2,4}(?:[·•・]\p{Han}{2,4})?(?:\s|$)"
)
T = TypeVar("T")


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
        if number is None and (found := _ISSUE_NUMBER.search(unit.text)):
            number = int(found.group(1))
        if page_no is None and (found := _PAGE_HEAD.search(unit.text)):
            page_no = page_number(found.group(1) or found.group(2))
    # a page with an issue number and no page head is a front page (今日柯城 prints the number
    # there); another paper prints it on every page, beside the page's head (总第1689期, 第4版)
    return date, number, 1 if page_no is None and number is not None else page_no


def issue_starts(page: Page) -> list[int]:
    """First lines of the masthead blocks that start another issue: blocks after some text
    whose date differs from the date of the block before."""
    cuts: list[int] = []
    date = None
    block_line = None  # first line of the masthead block being read
    text_since = False  # has text other than page furniture come since the last block?
    for unit in page.units:
        if unit.role is Role.MASTHEAD:
            if block_line is None or unit.gap_before >= 2:  # after a wider gap: a page's foot line stays with its page
                block_line = unit.line
            found = page_facts(Page(page.source, [unit]))[0]
            if found and found != date:
                if date is not None and text_since and (not cuts or cuts[-1] != block_line):
                    cuts.append(block_line)
                date = found
                text_since = False
        elif unit.role not in (Role.BANNER, Role.MARKER):
            block_line = None
            text_since = True
    return cuts


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What grouping the pages of a run into issues needs to know of a page: the key of its
    issue (its masthead date, or the id in kcclean's own front matter), and whether an
    article on it goes on from another page (上接) or on another page (下转)."""

    key: str | None
    continues: bool
    breaks_off: bool

    @classmethod
    def of(cls, page: Page) -> PageFacts:
        return cls(
            _page_key(page),
            any(u.continued_from for u in page.units),
            any(u.continued_to for u in page.units),
        )



def plan_issues(loaded: Iterable[list[tuple[T, PageFacts]] | KccleanError]) -> Iterator[list[T] | KccleanError]:
    """The pages of each issue, and each file that could not be read, in the order a run
    reports them (an unreadable file as soon as it is met; an issue when its last page is).
    A page is anything that comes with its facts: the page itself, or (in a parallel run)
    the page as a worker pickled it, so that the main process never unpacks it."""
    group: _Group[T] = _Group()
    for pages in loaded:
        if isinstance(pages, KccleanError):
            yield pages
            continue
        for page, facts in pages:
            if group.pages and not group.takes(facts):
                yield group.pages
                group = _Group()
            group.add(page, facts)
    if group.pages:
        yield group.pages


def claim_key(item: Issue | KccleanError, taken: set[str]) -> Issue | KccleanError:
    """The issue with a key no earlier issue of the run has (`2021-01-20_1768-2` for the
    second issue of that date and number), its article ids renamed to match."""
    if isinstance(item, KccleanError):
        return item
    key, number = item.key, 2
    while key in taken:
        key, number = f"{item.key}-{number}", number + 1
    taken.add(key)
    if key != item.key:
        renamed = {}
        for number, article in enumerate(item.articles, 1):
            new_id = f"{key}-{number:02d}"
            renamed[article.id] = new_id
            article.id = new_id
        for change in item.changes:
            change.article = renamed.get(change.article, change.article)
        item.key = key
    return item


class _Group(Generic[T]):
    """The pages of the issue being read: a page belongs to it when it has the same date
    (or article id, for kcclean's own files), or has no date but continues (上接) what a
    page of the group breaks off (下转)."""

    def __init__(self) -> None:
        self.pages: list[T] = []
        self.keys: set[str] = set()
        self.jumps = False

    def takes(self, facts: PageFacts) -> bool:
        if facts.key is not None:
            return facts.key in self.keys
        return self.jumps and facts.continues

    def add(self, page: T, facts: PageFacts) -> None:
        self.pages.append(page)
        if facts.key is not None:
            self.keys.add(facts.key)
        self.jumps = self.jumps or facts.breaks_off


def _page_key(page: Page) -> str | None:
    if page.front_matter.get("id"):
        return str(page.front_matter["id"]).rsplit("-", 1)[0]
    return page_facts(page)[0]


def issue_key(draft: IssueDraft) -> str:
    if draft.date and draft.number:
        return f"{draft.date}_{draft.number}"
    matter = draft.pages[0].front_matter
    if matter.get("id"):
        return safe_name(str(matter["id"]).rsplit("-", 1)[0])
    return safe_name(Path(draft.pages[0].source.name).with_suffix("").as_posix())


def safe_name(text: str, limit: int = 60) -> str:
    """A file or folder name: no separators, no leading dot, bounded length."""
    name = _UNSAFE_NAME.sub("-", text).strip("-.")[:limit].strip("-.")
    return name or "untitled"
