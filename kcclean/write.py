"""Stage 6: the output folder, written atomically.

Everything goes into a hidden folder beside the target first; only a finished run is
renamed into place, so a run that fails leaves no half-written output. A folder is only
replaced if kcclean made it (it holds the `.kcclean` marker) or it is empty.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TextIO

from .errors import OutputError
from .model import SUBHEAD_MARK, Article, Issue
from .pipeline import safe_name

MARKER = ".kcclean"
_FRONT_MATTER_FIELDS = (
    "id",
    "source",
    "sources",
    "date",
    "issue",
    "page",
    "headline",
    "byline",
    "kind",
    "continued_to",
    "continued_from",
    "truncated",
    "changes",
)
_SLUG_LENGTH = 24


# One encoder for the run: json.dumps with options builds a new one per call, and the front
# matter is a dozen small values per article.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def article_markdown(article: Article, data: dict | None = None) -> str:
    """YAML front matter (every value written as JSON, which YAML reads), then the article.
    `data` is the article's `to_json()` when the caller has it already."""
    data = data or article.to_json()
    lines = ["---"]
    lines += [f"{key}: {_ENCODE(data[key])}" for key in _FRONT_MATTER_FIELDS]
    lines += ["---", ""]
    if article.headline:
        lines += [f"# {line}" for line in article.headline] + [""]
    subheads = set(article.subheads)
    for index, paragraph in enumerate(article.body):
        lines += [f"{SUBHEAD_MARK}{paragraph}" if index in subheads else paragraph, ""]
    return "\n".join(lines)


def slug(article: Article) -> str:
    """A short file name from the main headline: the last part of its longest line."""
    if not article.headline:
        return "untitled"
    longest = max(article.headline, key=len)
    return safe_name(longest.split(" ")[-1], _SLUG_LENGTH)


class OutputFolder:
    """The run's output folder. Use as a context manager; call `finish()` to publish it."""

    def __init__(self, target: Path):
        self.target = target
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: exists and is not a folder")
        if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
            raise OutputError(
                f"{target}: folder exists and was not made by kcclean; "
                "choose another --out or empty it first"
            )
        self.staging: Path | None = None
        self._made: list[Path] = []
        self._articles = self._issues = None
        self._names: set[Path] = set()

    def __enter__(self) -> OutputFolder:
        parent = self.target.resolve().parent
        self._made = [p for p in (parent, *parent.parents) if not p.exists()]  # removed on failure
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", dir=parent))
        except OSError as error:
            raise OutputError(f"{self.target}: cannot write here: {error.strerror}") from None
        (self.staging / MARKER).write_text("This folder was written by kcclean fix.\n")
        self._articles = open(self.staging / "articles.jsonl", "w", encoding="utf-8")
        self._issues = open(self.staging / "issues.jsonl", "w", encoding="utf-8")
        return self

    def add(self, issue: Issue) -> None:
        """Write an issue's article files and index lines (sets each article's `path`)."""
        folder = self.staging / safe_name(issue.key)
        folder.mkdir(exist_ok=True)
        for number, article in enumerate(issue.articles, 1):
            path = self._unique(folder / f"{number:02d}-{slug(article)}.md")
            article.path = path.relative_to(self.staging).as_posix()
            data = article.to_json()
            path.write_text(article_markdown(article, data), encoding="utf-8")
            self._articles.write(_ENCODE(data) + "\n")
        self._issues.write(_ENCODE(issue.to_json()) + "\n")

    def _unique(self, path: Path) -> Path:
        candidate, n = path, 2
        while candidate in self._names:
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
            n += 1
        self._names.add(candidate)
        # names come from safe_name(): no separators, no leading dot; checked, not trusted
        if candidate.name.startswith(".") or os.sep in candidate.name or candidate.parent.parent != self.staging:
            raise OutputError(f"refusing to write outside the output folder: {candidate}")
        return candidate

    def open(self, name: str) -> TextIO:
        """A file of the run's top folder, open for writing text."""
        return open(self.staging / name, "w", encoding="utf-8")

    def finish(self) -> None:
        """Publish: the finished folder replaces the target in one rename."""
        self._close()
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            os.replace(self.target, old)
        try:
            os.replace(self.staging, self.target)
        except OSError:
            if old is not None:  # put the previous output back where it was
                os.replace(old, self.target)
            raise
        self.staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _close(self) -> None:
        for handle in (self._articles, self._issues):
            if handle is not None and not handle.closed:
                handle.close()

    def __exit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._close()
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            for folder in self._made:  # deepest first; only the empty ones this run made
                try:
                    folder.rmdir()
                except OSError:
                    break
