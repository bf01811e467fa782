"""The stages in order, over plain data: input (bytes to text) → layout (lines, roles,
articles) → rules (character repair) → the issue with every change recorded.

`clean_text` is the notebook entry point; `clean_files` streams issues for the CLI.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .cache import FactsFound, RunCache, page_key
from .errors import InputError, InternalError, KccleanError
from .input import display_names, read_bytes, source_of
from .layout.assemble import assemble, record_furniture
from .layout.decisions import LayoutModel, load_model
from .layout.finish import finish
from .layout.issues import PageFacts, claim_key, issue_starts, plan_issues
from .layout.lines import split_units
from .layout.review import unmatched
from .layout.roles import classify
from .model import Issue, IssueDraft, Page, Source
from .output.snapshot import render_plain
from .reuse import RepairRecord
from .rules import Example, Rulebook, Settings, load_rulebook
from .rules.engine import repair_issue

T = TypeVar("T")


@functools.cache
def _model_at(path: Path | None) -> LayoutModel:
    return load_model(path)


def model_of(rulebook: Rulebook) -> LayoutModel:
    """The layout model of a run: the user's (`--layout-model`, `layout_model` in
    kcclean.toml) or the built-in one, read once per process."""
    return _model_at(rulebook.settings.layout_model)


def load_page(source: Source, rulebook: Rulebook, model: LayoutModel | None = None) -> Page:
    return classify(split_units(source), rulebook, model or model_of(rulebook))


def load_pages(source: Source, rulebook: Rulebook, model: LayoutModel | None = None) -> list[Page]:
    """The pages of one file. A file holding several issues (front pages put one after the
    other) is cut before each masthead block whose date differs from the one before, and
    each part is read as a source of its own (its masthead is then at its top, where OCR
    damage to it is recognised), keeping its line numbers in the file: its articles get its
    own date and issue number, and each issue carries only its own part of the text."""
    page = load_page(source, rulebook, model)
    cuts = issue_starts(page)
    if not cuts:
        return [page]
    lines = [1, *cuts]
    offsets = [source.line_starts[line - 1] for line in lines] + [len(source.text)]
    pages = []
    for number, (first_line, start, end) in enumerate(zip(lines, offsets, offsets[1:])):
        part = Source.of(
            source.name, source.text[start:end], source.encoding, source.warnings if number == 0 else (), first_line, source.places
        )
        pages.append(load_page(part, rulebook, model))
    return pages


def build_issue(pages: list[Page], rulebook: Rulebook, model: LayoutModel | None = None) -> Issue:
    """Clean the pages of one issue (its key made unique in a run by `claim_key`)."""
    return repaired(*laid_out(pages, rulebook, model), rulebook)


def laid_out(pages: list[Page], rulebook: Rulebook, model: LayoutModel | None = None) -> tuple[IssueDraft, list[str]]:
    """The articles of an issue's pages put together, not yet repaired, and the warnings so far:
    what the character rules do not change (the cache keeps it apart from their work)."""
    draft = assemble(pages, rulebook, model or model_of(rulebook))
    return draft, [message for page in pages for message in (*page.source.warnings, *unmatched(page, rulebook))]


def repaired(draft: IssueDraft, warnings: list[str], rulebook: Rulebook, held: list[str] | None = None) -> Issue:
    """The issue of a laid-out draft, its text repaired by the character rules (in place);
    every text the repair held goes to `held` (`rules.engine.repair`)."""
    warnings = warnings + repair_issue(draft, rulebook, held)
    record_furniture(draft)
    return finish(draft, warnings)


def clean_text(
    text: str, name: str = "text", *, rulebook: Rulebook | None = None, unsafe: bool = False, model: LayoutModel | None = None
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
    return build_issue([load_page(Source.of(name, text), rulebook, model)], rulebook, model)


def layout_example(example: Example, rulebook: Rulebook) -> str:
    """A layout rule's example cleaned (with the review decisions it is given) and its articles
    rendered as `# headline` lines and paragraphs: how it is checked (`rules.examples.check_rule`)."""
    if example.review:
        rulebook = Rulebook(rulebook.all_rules, rulebook.settings, example.review)
    try:
        return render_plain(clean_text(example.text, "example", rulebook=rulebook)).rstrip("\n")
    except KccleanError as error:
        return f"error: {error}"


@functools.cache
def default_rulebook(unsafe: bool = False) -> Rulebook:
    """The built-in rules, loaded once per process: loading and checking every rule's
    examples takes longer than cleaning a page, so a notebook calling `clean_text` in a
    loop must not pay it per call."""
    return load_rulebook(Settings(unsafe=unsafe))


class IssueKeys:
    """The issue keys of a run: each issue's made unique in input order (`claim_key`), and
    the issues of each key, so that a key several issues had is reported once (`repeated`)."""

    _NAMED = 10  # files a warning names; the others are counted

    def __init__(self) -> None:
        self._taken: set[str] = set()  # every article id is unique in a run
        # by the key an issue would have had: (its first file, the key it was given) of each
        self._claims: dict[str, list[tuple[str, str]]] = {}

    def claim(self, item: Issue | KccleanError) -> Issue | KccleanError:
        key = item.key if isinstance(item, Issue) else None
        item = claim_key(item, self._taken)
        if key is not None:
            self._claims.setdefault(key, []).append((item.sources[0], item.key))
        return item

    def repeated(self) -> list[tuple[str, str]]:
        """(the first file, a warning) for each key that more than one issue had: the same
        pages read twice, or a masthead with a wrong date or issue number."""
        warnings = []
        for key, claims in self._claims.items():
            if len(claims) < 2:
                continue
            files = [source for source, _ in claims[: self._NAMED]]
            more = f" and {len(claims) - self._NAMED} more" if len(claims) > self._NAMED else ""
            given = f"{claims[0][1]} and {claims[1][1]}" if len(claims) == 2 else f"{claims[0][1]} … {claims[-1][1]}"
            warnings.append((claims[0][0], (
                f"{len(claims)} issues have the key {key} ({', '.join(files)}{more}), kept apart as {given}: "
                "are some pages there twice, or is a masthead's date or issue number wrong?"
            )))
        return warnings


def clean_files(
    paths: Iterable[Path],
    rulebook: Rulebook,
    model: LayoutModel | None = None,
    keys: IssueKeys | None = None,
    cache: RunCache | None = None,
) -> Iterator[Issue | KccleanError]:
    """Issues from files in order, one at a time. Consecutive files of the same date are the
    pages of one issue; a file that cannot be read is yielded as its error and skipped.
    `keys`: the run's issue keys, to ask for the repeated ones once the run is done.
    `cache`: results of earlier runs to use and keep (with the rulebook's own layout model:
    `model` is then None)."""
    paths = list(paths)
    keys = keys or IssueKeys()
    names = display_names(paths)
    if cache is not None:
        if model is not None:
            raise ValueError("a cached run uses the layout model its rulebook names")
        facts = FactsFound()
        stored = (facts.noted(path, load_file_stored(path, name, rulebook, cache=cache, pickled=False)) for path, name in zip(paths, names))
        for item in plan_issues(stored):
            yield keys.claim(item if isinstance(item, KccleanError) else build_stored(item, rulebook, cache))
        cache.keep_facts(facts)
        return
    loaded = (with_facts(load_file(path, name, rulebook, model=model)) for path, name in zip(paths, names))
    for item in plan_issues(loaded):
        if not isinstance(item, KccleanError):
            item = build_pages(item, rulebook, model)
        yield keys.claim(item)


def load_file(
    path: Path | str, name: str, rulebook: Rulebook, read: Callable[[Any, str], bytes] = read_bytes, model: LayoutModel | None = None
) -> list[Page] | KccleanError:
    """One input file read (its bytes, by `read`: from disk, or from a URL) and classified
    into its pages (one per issue it holds), or why it cannot be."""
    return _guarded(name, lambda: load_pages(source_of(read(path, name), name), rulebook, model))


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page as it goes from where its file was read to where its issue is built: issues
    are planned from its facts, and a worker process gets it pickled where its file was
    read (`held` is bytes), never unpacked and packed again on the way; in one process it
    is the page itself. `name`: its file's (the run names it if a worker dies building the
    issue); `key`: its key in the cache (None in a run without one). A page whose facts came
    from the cache is not at hand (`held` is None): its issue is most likely there too, and
    if not, the page is read again from `origin` (its file, how to read it, which page)."""

    name: str
    held: bytes | Page | None
    key: str | None = None
    origin: tuple[Path | str, Callable[[Any, str], bytes], int] | None = None
    file: str | None = None  # its file's key in the cache

    def page(self, rulebook: Rulebook, cache: RunCache | None) -> Page:
        if isinstance(self.held, bytes):
            return pickle.loads(self.held)
        if self.held is not None:
            return self.held
        path, read, number = self.origin
        data = read(path, self.name)
        if page_key(cache.keys.file(self.name, data), number) != self.key:
            raise InputError(self.name, "the file changed while kcclean was reading it; run again")
        return load_pages(source_of(data, self.name), rulebook)[number]


def load_file_stored(
    path: Path | str,
    name: str,
    rulebook: Rulebook,
    read: Callable[[Any, str], bytes] = read_bytes,
    cache: RunCache | None = None,
    pickled: bool = True,
) -> list[tuple[StoredPage, PageFacts]] | KccleanError:
    """`load_file`'s pages (`pickled` for another process), each with what planning needs of
    it; or, when the cache holds the facts of the file's bytes under this run's layout key,
    those facts alone (the file is not classified: its issues are most likely there too).
    The run keeps the facts of its files (`RunCache.keep_facts`) once they are planned."""

    def stored() -> list[tuple[StoredPage, PageFacts]]:
        data = read(path, name)
        key = None if cache is None else cache.keys.file(name, data)
        if key is not None and (facts := cache.facts(path, key)) is not None:
            return [(StoredPage(name, None, page_key(key, n), (path, read, n), key), fact) for n, fact in enumerate(facts)]
        return [
            (
                StoredPage(name, pickle.dumps(page, pickle.HIGHEST_PROTOCOL) if pickled else page, key and page_key(key, number), None, key),
                PageFacts.of(page),
            )
            for number, page in enumerate(load_pages(source_of(data, name), rulebook))
        ]

    return _guarded(name, stored)


def _guarded(name: str, work: Callable[[], T]) -> T | KccleanError:
    """What `work` returns, or the error that stops it, for the file `name`."""
    try:
        return work()
    except KccleanError as error:
        return error
    except Exception as error:  # a bug: lose this file, not the run
        if os.environ.get("KCCLEAN_DEBUG"):
            raise
        return InternalError(name, error)


def with_facts(loaded: list[Page] | KccleanError) -> list[tuple[Page, PageFacts]] | KccleanError:
    """A file's pages, each with what planning needs of it (or why the file was not read)."""
    return loaded if isinstance(loaded, KccleanError) else [(page, PageFacts.of(page)) for page in loaded]


def build_pages(pages: list[Page], rulebook: Rulebook, model: LayoutModel | None = None) -> Issue | KccleanError:
    """One issue, or why it could not be cleaned. Its key is the natural one: the run makes
    it unique with `claim_key`, in input order (so issues can be built in any order)."""
    return _built(", ".join(p.source.name for p in pages), lambda: build_issue(pages, rulebook, model))


def build_stored(pages: list[StoredPage], rulebook: Rulebook, cache: RunCache | None = None) -> Issue | KccleanError:
    """`build_pages` of stored pages. With a cache, whose entry for the pages holds their
    layout and the issue last repaired from it: that issue, when the rules and settings it
    was repaired under would repair it the same way (they are this run's, or differ only in
    character rules that can change nothing in it); else that layout repaired (the layout is
    not read anew); else the issue built from the pages. What is built is kept."""
    if cache is None or any(page.key is None for page in pages):
        return build_pages([page.page(rulebook, cache) for page in pages], rulebook)
    page_keys = [page.key for page in pages]

    def build() -> Issue:
        key = cache.keys.issue(page_keys)
        found = cache.entries.load("issue", key)
        if found is not None:
            layout, earlier, pickled, digest = found
            if earlier.key == cache.keys.repair or earlier.holds_for(cache.keys, rulebook):
                return _kept_issue(pickled, digest)
        else:
            earlier = None
            layout = pickle.dumps(laid_out([page.page(rulebook, cache) for page in pages], rulebook), pickle.HIGHEST_PROTOCOL)
        # the layout repaired as a rerun repairs it, from what the cache keeps: an issue repaired
        # the same way is then the same to its pickled bytes (`Issue.cached`), its objects shared alike
        held: list[str] = []
        issue = repaired(*pickle.loads(layout), rulebook, held)
        record = RepairRecord.of(cache.keys, rulebook, "\n".join(held), earlier)
        pickled = pickle.dumps(issue, pickle.HIGHEST_PROTOCOL)
        issue.cached = hashlib.sha256(pickled).hexdigest()
        cache.entries.store("issue", key, (layout, record, pickled, issue.cached))
        return issue

    return _built(", ".join(page.name for page in pages), build)


def _kept_issue(pickled: bytes, digest: str) -> Issue:
    issue = pickle.loads(pickled)
    issue.cached = digest
    return issue


def _built(names: str, build: Callable[[], Issue]) -> Issue | KccleanError:
    """The issue `build` makes of the files `names`, or why it could not be made."""
    try:
        return build()
    except KccleanError as error:  # a rule timing out on this issue: report it, go on
        return InputError(names, str(error))
    except Exception as error:  # a bug: lose this issue, not the run
        if os.environ.get("KCCLEAN_DEBUG"):
            raise
        return InternalError(names, error)
