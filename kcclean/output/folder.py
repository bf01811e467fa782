"""The output folder, written atomically.

Everything goes into a hidden folder beside the target first; only a finished run is
renamed into place, so a run that fails leaves no half-written output. A folder is only
replaced if kcclean made it (it holds the `.kcclean` manifest) or it is empty, and only if
nobody changed or added a file since: the manifest holds the SHA-256 of every file kcclean
wrote, so hand corrections are never silently overwritten (`--force` replaces them anyway).
Staging folders left by a run that was killed (its process is gone) are removed.

With worker processes (`--jobs`), the worker that builds an issue also writes its article
files, into a part folder of their own under the staging folder (`write_part`); the main
process moves the part into place with one rename when the issue's key is still the one
the files were written under, and otherwise writes them itself. Creating files is as costly
as cleaning them on some disks, and the main process would otherwise do it for every worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ..errors import KccleanError, OutputError
from ..layout.issues import safe_name
from ..model import SUBHEAD_MARK, Article, Issue

MARKER = ".kcclean"  # the manifest: kcclean made this folder, and what each file held
PARTS = ".parts"  # in the staging folder: article files written by workers, not yet in place
_LISTED = 5  # changed or added files named in the refusal; the rest counted
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
    lines += [f"{key}: {_front_value(data[key])}" for key in _FRONT_MATTER_FIELDS]
    lines += ["---", ""]
    if article.headline:
        lines += [f"# {line}" for line in article.headline] + [""]
    subheads = set(article.subheads)
    for index, paragraph in enumerate(article.body):
        lines += [f"{SUBHEAD_MARK}{paragraph}" if index in subheads else paragraph, ""]
    return "\n".join(lines)


def _front_value(value: object) -> str:
    """A value as JSON. Strings, whole numbers and null are most of the front matter, and the
    encoder sets itself up anew for each value that is not a string."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _ENCODE(value)


def slug(article: Article) -> str:
    """A short file name from the main headline: the last part of its longest line."""
    if not article.headline:
        return "untitled"
    longest = max(article.headline, key=len)
    return safe_name(longest.split(" ")[-1], _SLUG_LENGTH)


def file_hash(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def edited_files(target: Path) -> tuple[list[str], list[str]]:
    """Files of a kcclean output folder that changed since kcclean wrote them, and files
    added to it (paths relative to the folder). A folder of an older kcclean, whose marker
    holds no manifest, has none."""
    try:
        manifest = json.loads((target / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [], []
    changed, added = [], []
    for path in sorted(target.rglob("*")):
        name = path.relative_to(target).as_posix()
        if name == MARKER or path.is_dir():
            continue
        if name not in manifest:
            added.append(name)
        elif path.is_symlink() or file_hash(path) != manifest[name]:
            changed.append(name)
    return changed, added


def _listed(names: list[str], target: Path) -> str:
    shown = ", ".join(f"{target / name}" for name in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


@contextmanager
def writing(target: Path, name: str = "") -> Iterator[None]:
    """An I/O error (a full disk, no permission) names the output file it was writing
    (`name` within the target folder; none: the folder itself)."""
    try:
        yield
        return
    except OSError as error:
        problem = error.strerror or str(error)
    except UnicodeEncodeError:  # a name the file system's encoding cannot spell (LC_ALL=C, PYTHONUTF8=0)
        problem = (
            f"file names here must be {sys.getfilesystemencoding()}, which has no Chinese; "
            "run with PYTHONUTF8=1 or a UTF-8 locale (LANG=C.UTF-8)"
        )
    raise OutputError(f"{target / name if name else target}: cannot write: {problem}")


@dataclass(slots=True)
class WrittenPart:
    """An issue's article files, written by the worker that built it into a folder of their
    own (`where`) under the key they name (`key`). `records` are (path, SHA-256, index
    line) of each article, as `write_articles` returns them."""

    key: str
    where: str
    records: list[tuple[str, str, str]]


def write_articles(
    issue: Issue, folder: str, directory: str, taken: set[str], target: Path
) -> list[tuple[str, str, str]]:
    """Write each article of the issue as a Markdown file in `directory`, named uniquely
    among `taken` (the names already in `folder`; updated), and set its path (`folder/name`).
    Returns (path, SHA-256 of the bytes written, line of articles.jsonl) of each article.
    Errors name the file as it will stand in `target`, the output folder. Paths are plain
    strings here: pathlib's parsing cost more than the writing."""
    records = []
    for number, article in enumerate(issue.articles, 1):
        name = _unique(taken, f"{number:02d}-{slug(article)}", ".md")
        # names come from safe_name(): no separators, no leading dot; checked, not trusted
        if any(part.startswith(".") or os.sep in part or "/" in part for part in (folder, name)):
            raise OutputError(f"refusing to write outside the output folder: {Path(target, folder, name)}")
        article.path = f"{folder}/{name}"
        data = article.to_json()
        encoded = article_markdown(article, data).encode("utf-8")
        with writing(target, article.path), open(os.path.join(directory, name), "wb") as handle:
            handle.write(encoded)
        records.append((article.path, hashlib.sha256(encoded).hexdigest(), _ENCODE(data) + "\n"))
    return records


def _unique(taken: set[str], stem: str, suffix: str) -> str:
    """`stem.suffix`, or `stem-2.suffix`… if an article took that name."""
    candidate, n = f"{stem}{suffix}", 2
    while candidate in taken:
        candidate = f"{stem}-{n}{suffix}"
        n += 1
    taken.add(candidate)
    return candidate


def write_part(issue: Issue, parts: str) -> WrittenPart | None:
    """The issue's article files written into a new folder under `parts`, by the worker
    that built it; None when that fails (a full disk): the main process then writes them
    and names the file it could not write."""
    try:
        where = str(_new_folder(Path(parts), f"{os.getpid()}-"))
    except OSError:
        return None
    try:
        return WrittenPart(issue.key, where, write_articles(issue, safe_name(issue.key), where, set(), Path(parts)))
    except KccleanError:
        shutil.rmtree(where, ignore_errors=True)
        return None


def _new_folder(parent: Path, prefix: str) -> Path:
    """A folder of a name no other has, made as os.mkdir makes one: not with mkdtemp, whose
    folders are private (0700), since it is published (the output folder, an issue folder)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


class OutputFolder:
    """The run's output folder. Use as a context manager; call `finish()` to publish it."""

    def __init__(self, target: Path, force: bool = False):
        self.target = target
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: exists and is not a folder")
        if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
            raise OutputError(
                f"{target}: folder exists and was not made by kcclean; "
                "choose another --out or empty it first"
            )
        if target.is_dir() and not force:
            changed, added = edited_files(target)
            if changed or added:
                parts = []
                if changed:
                    parts.append(f"changed since kcclean wrote them: {_listed(changed, target)}")
                if added:
                    parts.append(f"added: {_listed(added, target)}")
                raise OutputError(
                    f"{target}: files were edited by hand, and replacing the folder would lose them "
                    f"({'; '.join(parts)}). Copy your corrections elsewhere, choose another --out, "
                    "or replace them anyway with --force"
                )
        self.staging: Path | None = None
        self.stale: list[Path] = []  # staging folders of killed runs, removed on entry
        self._made: list[Path] = []
        self._articles = self._issues = None
        self._folders: set[str] = set()  # issue folders made
        # `path<TAB>SHA-256` of each article file as it is written, spooled to disk so that
        # memory does not grow with the run: finish() streams them into the manifest
        self._hashes: TextIO = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")

    def __enter__(self) -> OutputFolder:
        parent = self.target.resolve().parent
        self._made = [p for p in (parent, *parent.parents) if not p.exists()]  # removed on failure
        with self._writing():
            parent.mkdir(parents=True, exist_ok=True)
            self.stale = self._remove_stale(parent)
            self.staging = _new_folder(parent, f".{self.target.name}.staging-{os.getpid()}-")
        try:
            with self._writing(MARKER):
                (self.staging / MARKER).write_text("{}\n")  # the manifest proper is written by finish()
            with self._writing():
                os.mkdir(self.parts)
            with self._writing("articles.jsonl"):
                self._articles = open(self.staging / "articles.jsonl", "w", encoding="utf-8")
            with self._writing("issues.jsonl"):
                self._issues = open(self.staging / "issues.jsonl", "w", encoding="utf-8")
        except BaseException as error:  # `with` calls __exit__ only once __enter__ returned
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def _remove_stale(self, parent: Path) -> list[Path]:
        """Staging and old-output folders of this target whose run is no longer alive."""
        pattern = re.compile(rf"\.{re.escape(self.target.name)}\.(?:staging-|old-)(\d+)(?:-.*)?")
        stale = []
        for path in parent.iterdir():
            found = pattern.fullmatch(path.name)
            if found and path.is_dir() and not path.is_symlink() and not _alive(int(found.group(1))):
                shutil.rmtree(path, ignore_errors=True)
                stale.append(path)
        return stale

    def _writing(self, name: str = "") -> AbstractContextManager[None]:
        return writing(self.target, name)

    @property
    def parts(self) -> str | None:
        """Where workers write the article files of the issues they build (`write_part`)."""
        return None if self.staging is None else os.path.join(self.staging, PARTS)

    def add(self, issue: Issue, part: WrittenPart | None = None) -> None:
        """Write an issue's article files and index lines (sets each article's `path`), or
        move into place the files its worker wrote (`part`)."""
        folder = safe_name(issue.key)
        if part is not None and os.path.dirname(part.where) != self.parts:
            part = None  # not written into this folder: not touched
        if part is not None and part.key == issue.key and folder not in self._folders:
            with self._writing(folder):
                os.rename(part.where, os.path.join(self.staging, folder))
            records = part.records
        else:
            if part is not None:  # an earlier issue took its key or its folder: the files name the wrong one
                shutil.rmtree(part.where, ignore_errors=True)
            with self._writing(folder):
                os.makedirs(os.path.join(self.staging, folder), exist_ok=True)
                # another issue's key may give the same folder name: its files are taken
                taken = set(os.listdir(os.path.join(self.staging, folder))) if folder in self._folders else set()
            records = write_articles(issue, folder, os.path.join(self.staging, folder), taken, self.target)
        self._folders.add(folder)
        self._hashes.writelines(f"{path}\t{digest}\n" for path, digest, _ in records)
        with self._writing("articles.jsonl"):
            self._articles.write("".join(line for _, _, line in records))
        with self._writing("issues.jsonl"):
            self._issues.write(_ENCODE(issue.to_json()) + "\n")

    @contextmanager
    def open(self, name: str) -> Iterator[TextIO]:
        """A file of the run's top folder, open for writing text (use with `with`)."""
        with self._writing(name), open(self.staging / name, "w", encoding="utf-8") as handle:
            yield handle

    def finish(self) -> None:
        """Publish: write the manifest, then the finished folder replaces the target in one
        rename."""
        self._close()
        with self._writing(PARTS):
            os.rmdir(self.parts)  # empty: every part was moved into place
        with self._writing(MARKER):
            self._write_manifest()
        old = None
        with self._writing():
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

    def _write_manifest(self) -> None:
        """The manifest, streamed: the article files' hashes from the spool, then the hashes
        of the files in the top folder (the indexes and the report)."""
        self._hashes.seek(0)
        articles = (line.rstrip("\n").split("\t") for line in self._hashes)
        tops = sorted(entry.name for entry in os.scandir(self.staging) if entry.is_file() and entry.name != MARKER)
        with open(self.staging / MARKER, "w", encoding="utf-8") as out, self._hashes:
            out.write('{\n"written_by": "kcclean fix",\n"note": "SHA-256 of each file as kcclean wrote it",\n"files": {')
            separator = "\n"
            for name, digest in chain(articles, ((top, file_hash(self.staging / top)) for top in tops)):
                out.write(f"{separator}{json.dumps(name, ensure_ascii=False)}: {json.dumps(digest)}")
                separator = ",\n"
            out.write("\n}\n}\n")

    def _close(self) -> None:
        """Close both indexes, even when one fails: their last lines are written now, so a
        full disk names the file it filled up on."""
        try:
            self._close_index("articles.jsonl", self._articles)
        finally:
            self._close_index("issues.jsonl", self._issues)

    def _close_index(self, name: str, handle: TextIO | None) -> None:
        if handle is not None and not handle.closed:
            with self._writing(name):
                handle.close()

    def __exit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._close()  # after a full disk, flushing the indexes fails too
        except OutputError:
            if error is None:
                raise
            # the error on its way out names the file the disk filled up on; keep it
        finally:
            self._hashes.close()
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
                for folder in self._made:  # deepest first; only the empty ones this run made
                    try:
                        folder.rmdir()
                    except OSError:
                        break


def _alive(pid: int) -> bool:
    """Is a process with this id running (as far as this user can tell)?"""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
