"""The whole pipeline over plain data: read → blocks → classify → articles → repair.

`clean_text` is the notebook entry point; `clean_files` streams issues for the CLI.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import regex

from .articles import Draft, IssueDraft, assemble, close_headline_gaps, page_facts
from .blocks import Page, split_units
from .classify import BYLINE_MARKS, CREDIT, CREDIT_LINE, QUOTE_CLOSERS, classify, ends_sentence, lead_byline
from .errors import InputError, InternalError, KccleanError
from .model import PROSE_ROLES, Article, Change, Issue, Part, Role, Source
from .read import display_names, read_source
from .repair import SCOPE_OF_ROLE, Slot, repair
from .rulebook import Rulebook, Settings, load_rulebook

_UNSAFE_NAME = regex.compile(r"[^\w.-]+")
T = TypeVar("T")


def load_page(source: Source, rulebook: Rulebook) -> Page:
    return classify(split_units(source), rulebook)


def load_pages(source: Source, rulebook: Rulebook) -> list[Page]:
    """The pages of one file. A file holding several issues (front pages put one after the
    other) is cut before each masthead block whose date differs from the one before, and
    each part is read as a source of its own (its masthead is then at its top, where OCR
    damage to it is recognised), keeping its line numbers in the file: its articles get its
    own date and issue number, and each issue carries only its own part of the text."""
    page = load_page(source, rulebook)
    cuts = _issue_starts(page)
    if not cuts:
        return [page]
    lines = [1, *cuts]
    offsets = [source.line_starts[line - 1] for line in lines] + [len(source.text)]
    pages = []
    for number, (first_line, start, end) in enumerate(zip(lines, offsets, offsets[1:])):
        part = Source.of(
            source.name, source.text[start:end], source.encoding, source.warnings if number == 0 else (), first_line
        )
        pages.append(load_page(part, rulebook))
    return pages


def _issue_starts(page: Page) -> list[int]:
    """First lines of the masthead blocks that start another issue: blocks after some text
    whose date differs from the date of the block before."""
    cuts: list[int] = []
    date = None
    block_line = None  # first line of the masthead block being read
    text_since = False  # has text other than page furniture come since the last block?
    for unit in page.units:
        if unit.role is Role.MASTHEAD:
            if block_line is None:
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


def clean_text(
    text: str, name: str = "text", *, rulebook: Rulebook | None = None, unsafe: bool = False
) -> Issue:
    """Clean one transcript given as a string: the articles of its issue, with every change.

    >>> issue = clean_text("区领导督导疫情防控工作\\n\\n本报讯（记者 方心怡）为加强疫情防控工作，连日来\\n\\n区领导深入一线。")
    >>> issue.articles[0].body
    ['本报讯（记者 方心怡）为加强疫情防控工作，连日来区领导深入一线。']
    """
    if rulebook is None:
        rulebook = default_rulebook(unsafe)
    if not text.strip():
        raise InputError(name, "empty text: nothing to clean")
    return build_issue([load_page(Source.of(name, text), rulebook)], rulebook)


@functools.cache
def default_rulebook(unsafe: bool = False) -> Rulebook:
    """The built-in rules, loaded once per process: loading and checking every rule's
    examples takes longer than cleaning a page, so a notebook calling `clean_text` in a
    loop must not pay it per call."""
    return load_rulebook(Settings(unsafe=unsafe))


def clean_files(paths: Iterable[Path], rulebook: Rulebook) -> Iterator[Issue | KccleanError]:
    """Issues from files in order, one at a time. Consecutive files of the same date are the
    pages of one issue; a file that cannot be read is yielded as its error and skipped."""
    paths = list(paths)
    taken: set[str] = set()  # issue keys used so far: every article id is unique in a run
    loaded = (with_facts(load_file(path, name, rulebook)) for path, name in zip(paths, display_names(paths)))
    for item in plan_issues(loaded):
        if not isinstance(item, KccleanError):
            item = build_pages(item, rulebook)
        yield claim_key(item, taken)


def load_file(
    path: Path | str, name: str, rulebook: Rulebook, read: Callable[..., Source] = read_source
) -> list[Page] | KccleanError:
    """One input file read (by `read`: from disk, or from a URL) and classified into its
    pages (one per issue it holds), or why it cannot be."""
    try:
        return load_pages(read(path, name), rulebook)
    except KccleanError as error:
        return error
    except Exception as error:  # a bug: lose this file, not the run
        if os.environ.get("KCCLEAN_DEBUG"):
            raise
        return InternalError(name, error)


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


def with_facts(loaded: list[Page] | KccleanError) -> list[tuple[Page, PageFacts]] | KccleanError:
    """A file's pages, each with what planning needs of it (or why the file was not read)."""
    return loaded if isinstance(loaded, KccleanError) else [(page, PageFacts.of(page)) for page in loaded]


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


def build_pages(pages: list[Page], rulebook: Rulebook) -> Issue | KccleanError:
    """One issue, or why it could not be cleaned. Its key is the natural one: the run makes
    it unique with `claim_key`, in input order (so issues can be built in any order)."""
    names = ", ".join(p.source.name for p in pages)
    try:
        return build_issue(pages, rulebook)
    except KccleanError as error:  # a rule timing out on this issue: report it, go on
        return InputError(names, str(error))
    except Exception as error:  # a bug: lose this issue, not the run
        if os.environ.get("KCCLEAN_DEBUG"):
            raise
        return InternalError(names, error)


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


def build_issue(pages: list[Page], rulebook: Rulebook) -> Issue:
    """Clean the pages of one issue (its key made unique in a run by `claim_key`)."""
    draft = assemble(pages, rulebook)
    key = issue_key(draft)
    issue_changes: list[Change] = list(draft.changes)
    slots = [Slot(u, SCOPE_OF_ROLE[u.role], issue_changes) for u in (*draft.masthead, *draft.banners)]
    for article in draft.drafts:
        for unit in (*article.headline, *article.bylines, *article.body):
            slots.append(Slot(unit, SCOPE_OF_ROLE[unit.role], article.changes))
    warnings = [message for page in pages for message in page.source.warnings]
    warnings += repair(slots, rulebook)
    for article in draft.drafts:  # after repair: the body it is checked against is final
        close_headline_gaps(article, rulebook)
    articles = [
        _article(article, f"{key}-{n:02d}", draft) for n, article in enumerate(draft.drafts, 1)
    ]
    changes = issue_changes + [c for a in draft.drafts for c in a.changes]
    changes.sort(key=lambda c: (c.source, c.start))
    return Issue(
        key=key,
        date=draft.date,
        number=draft.number,
        inputs=[p.source for p in pages],
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
    """Who made the article: a standalone byline, the lead's bracket, a photo credit, or
    (for kcclean's own output read back) the front matter."""
    if draft.bylines:
        parts = []
        for unit in draft.bylines:
            draft.changes.append(unit.record("layout.byline", "standalone byline: kept as the article's byline"))
            parts.append(unit.text.lstrip(BYLINE_MARKS + " "))
        return " ".join(parts)
    for unit in draft.body:
        if unit.role is Role.LEAD and (names := lead_byline(unit.text)):
            return names
    if draft.kind == "photo":
        for unit in reversed(draft.body):
            if found := CREDIT.search(unit.text) or CREDIT_LINE.match(unit.text):
                return found.group("names").strip() if found.group("names") else None
    return draft.page.front_matter.get("byline")
