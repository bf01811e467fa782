"""The output folder, written atomically.

Everything goes into a hidden folder beside the target first; only a finished run is
renamed into place, so a run that fails leaves no half-written output. A folder is only
replaced if kcclean made it (it holds the `.kcclean` manifest) or it is empty, and only if
nobody changed or added a file since: the manifest holds the SHA-256 of every file kcclean
wrote, so hand corrections are never silently overwritten (`--force` replaces them anyway).
What the folder held at the start is checked again as it is replaced, so a file written into
it while the run worked is not lost either, and a lock beside it keeps a second run out.
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
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ..errors import KccleanError, OutputError
from ..layout.issues import safe_name
from ..model import SUBHEAD_MARK, Article, Issue
from ..words import shortened
from .hashed import Hashed, Remembered, clock, file_sha256
from .kept import KeptFolders, Records
from .lock import FolderLock

MARKER = ".kcclean"  # the manifest: kcclean made this folder, and what each file held
PARTS = ".parts"  # in the staging folder: article files written by workers, not yet in place
# The run's own files, beside the issue folders (`OutputFolder.open` writes no others): no
# issue folder takes one of their names
OWN_FILES = ("articles.jsonl", "issues.jsonl", "report.json", "report.html")
# Bytes in a file name. The names of kcclean's own files beside the target (`.NAME.staging-PID-…`,
# `.NAME.lock`) add up to _BESIDE bytes to its name: there, a longer name is replaced by a digest
_NAME_MAX, _BESIDE = 255, 32
_LISTED = 5  # changed or added files named in the refusal; the rest counted
_FRONT_MATTER_FIELDS = (
    "id", "source", "sources", "date", "issue", "page", "headline", "byline",
    "kind", "continued_to", "continued_from", "truncated", "changes",
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
    return safe_name(shortened(longest.split(" ")[-1], _SLUG_LENGTH), _SLUG_LENGTH)


def read_manifest(target: Path) -> dict[str, str]:
    """The SHA-256 of each file of a kcclean output folder as kcclean wrote it. A manifest that
    cannot be read proves nothing about the files, so it is an error, not an empty list."""
    path = target / MARKER
    if not path.is_file():  # a folder in its place, or a pipe that would never end
        problem = "it is not a file"
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))  # -sig: saved by a Windows editor
        except OSError as error:
            problem = error.strerror or str(error)
        except ValueError:  # cut short, or not UTF-8
            problem = "it is not valid JSON"
        else:
            files = data.get("files") if isinstance(data, dict) else None
            if isinstance(files, dict) and all(isinstance(digest, str) for digest in files.values()):
                return files
            problem = "it lists no files"
    raise OutputError(
        f"{path}: the manifest cannot be read ({problem}), so kcclean cannot tell whether files in {target} "
        "were edited by hand. Copy your corrections elsewhere, choose another --out, or replace the folder "
        "anyway with --force"
    )


def contents(path: Path, earlier: Hashed | None = None, clock: int = 0) -> Hashed:
    """What each file in a folder holds (`Hashed.of`), the manifest left out."""
    found = Hashed.of(path, earlier, clock)
    found.held.pop(MARKER, None)
    found.signatures.pop(MARKER, None)
    return found


def differences(now: dict[str, str], then: dict[str, str]) -> tuple[list[str], list[str]]:
    """Files (by path) that hold something else now than then, and files that are new."""
    changed = sorted(name for name, held in now.items() if name in then and then[name] != held)
    return changed, sorted(name for name in now if name not in then)


def _listing(target: Path, *groups: tuple[str, list[str]]) -> str:
    """`label: file, file…` for each group that names files."""
    return "; ".join(f"{label}: {_listed(names, target)}" for label, names in groups if names)


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
    issue: Issue, folder: str, directory: str | None, taken: set[str], target: Path
) -> list[tuple[str, str, str]]:
    """Write each article of the issue as a Markdown file in `directory`, named uniquely
    among `taken` (the names already in `folder`; updated), and set its path (`folder/name`).
    Returns (path, SHA-256 of the bytes written, line of articles.jsonl) of each article.
    Errors name the file as it will stand in `target`, the output folder. Paths are plain
    strings here: pathlib's parsing cost more than the writing. No `directory`: only records."""
    records = []
    for number, article in enumerate(issue.articles, 1):
        name = _unique(taken, f"{number:02d}-{slug(article)}", ".md")
        # names come from safe_name(): no separators, no leading dot; checked, not trusted
        if any(part.startswith(".") or os.sep in part or "/" in part for part in (folder, name)):
            raise OutputError(f"refusing to write outside the output folder: {Path(target, folder, name)}")
        article.path = f"{folder}/{name}"
        data = article.to_json()
        encoded = article_markdown(article, data).encode("utf-8")
        if directory is not None:
            with writing(target, article.path), open(os.path.join(directory, name), "wb") as handle:
                handle.write(encoded)
        records.append((article.path, hashlib.sha256(encoded).hexdigest(), _ENCODE(data) + "\n"))
    return records


def _named(issue: Issue, records: Records) -> Records:
    """The records an earlier run's `write_articles` made of the issue, its articles' paths set
    as that did."""
    for article, (path, _, _) in zip(issue.articles, records, strict=True):
        article.path = path
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
        return WrittenPart(issue.key, where, write_articles(issue, issue_folder(issue.key), where, set(), Path(parts)))
    except KccleanError:
        shutil.rmtree(where, ignore_errors=True)
        return None


def issue_folder(key: str) -> str:
    """The folder of an issue's article files: its key as a file name, never the name of one of
    the run's own files (an input named report.html.txt), in any case (a case-blind disk)."""
    name = safe_name(key)
    return f"{name}-issue" if name.casefold() in OWN_FILES else name


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

    def __init__(self, target: Path, force: bool = False, remembered: Remembered | None = None):
        """`remembered`: where the SHA-256 of the files the run publishes are kept for the next run
        into the same folder (`Hashed`), and read from by this one."""
        self.target = target  # as the user named it, for messages
        # where it is written: a link's destination (the link stays)
        self.place = Path(os.path.realpath(target))
        name = os.fsencode(self.place.name)
        self._tag = self.place.name if len(name) <= _NAME_MAX - _BESIDE else hashlib.sha256(name).hexdigest()[:_BESIDE]
        self.force = force
        self.staging: Path | None = None
        self.stale: list[Path] = []  # staging folders of killed runs, removed on entry
        self._made: list[Path] = []
        self._lock = FolderLock(self._beside("lock"), target)
        self._found: dict[str, str] = {}  # what the target held at the start (`contents`)
        self._hashed = Hashed(0)  # the same, with the lstat of each file
        self.published: Hashed | None = None  # the folder `finish` published (`_remember`)
        self._remembered = remembered
        self._written: dict[str, str] = {}  # the manifest's files: SHA-256 by path
        self._articles = self._issues = self._manifest = None
        self._listed_any = False  # in the manifest, streamed as the files are written
        self._folders: set[str] = set()  # issue folders made
        self._kept = KeptFolders({})  # issue folders of the target kept as they are

    def __enter__(self) -> OutputFolder:
        try:
            self._start()
        except BaseException as error:  # `with` calls __exit__ only once __enter__ returned
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def _start(self) -> None:
        if Path.cwd().is_relative_to(self.place):  # replaced, it would leave kcclean and the shell in a removed folder
            raise OutputError(
                f"{self.target}: is the folder kcclean runs in, or holds it, and cannot be replaced; choose another --out"
            )
        parent = self.place.parent
        self._made = [p for p in (parent, *parent.parents) if not p.exists()]  # removed on failure
        with self._writing():
            parent.mkdir(parents=True, exist_ok=True)
            self._lock.take()
        self._found = self._checked()
        self._kept = KeptFolders(self._found)
        with self._writing():
            self.stale = self._remove_stale(parent)
            self.staging = _new_folder(parent, f".{self._tag}.staging-{os.getpid()}-")
        with self._writing(MARKER):
            self._manifest = open(self.staging / MARKER, "w", encoding="utf-8")
            self._manifest.write('{\n"written_by": "kcclean fix",\n"note": "SHA-256 of each file as kcclean wrote it",\n"files": {')
        with self._writing():
            os.mkdir(self.parts)
        with self._writing("articles.jsonl"):
            self._articles = open(self.staging / "articles.jsonl", "w", encoding="utf-8")
        with self._writing("issues.jsonl"):
            self._issues = open(self.staging / "issues.jsonl", "w", encoding="utf-8")

    def in_use(self) -> bool:
        """Whether a run is writing the folder now."""
        return self._lock.held_by_a_run()

    def _checked(self) -> dict[str, str]:
        """What the target holds now, once it is known that replacing it loses nothing: it is
        absent, empty, or made by kcclean and not edited since (or `--force`)."""
        if not os.path.lexists(self.place):
            return {}
        if not self.place.is_dir():
            raise OutputError(f"{self.target}: exists and is not a folder")
        if not any(self.place.iterdir()):
            return {}
        if not os.path.lexists(self.place / MARKER):
            raise OutputError(
                f"{self.target}: folder exists and was not made by kcclean; choose another --out or empty it first"
            )
        now = clock(self._lock.handle)
        self._hashed = contents(self.place, self._remembered and self._remembered.load(), now)
        found = self._hashed.held
        changed, added = ([], []) if self.force else differences(found, read_manifest(self.target))
        if changed or added:
            raise OutputError(
                f"{self.target}: files were edited by hand, and replacing the folder would lose them "
                f"({_listing(self.target, ('changed since kcclean wrote them', changed), ('added', added))}). "
                "Copy your corrections elsewhere, choose another --out, or replace them anyway with --force"
            )
        return found

    def _beside(self, role: str) -> Path:
        """A name beside the target for this run's own use."""
        return self.place.with_name(f".{self._tag}.{role}")

    def _remove_stale(self, parent: Path) -> list[Path]:
        """Staging and old-output folders of this target whose run is no longer alive."""
        pattern = re.compile(rf"\.{re.escape(self._tag)}\.(?:staging-|old-)(\d+)(?:-.*)?")
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

    def add(self, issue: Issue, part: WrittenPart | None = None, written: Records | None = None) -> Records:
        """Write an issue's article files and index lines (sets each article's `path`), or
        move into place the files its worker wrote (`part`). `written`: what `write_articles`
        returned for the issue in an earlier run (kept in the cache), which tells whether the
        previous output's folder holds these very files without the articles being rendered.
        Returns what `write_articles` returns."""
        folder = issue_folder(issue.key)
        if part is not None and os.path.dirname(part.where) != self.parts:
            part = None  # not written into this folder: not touched
        if self._kept.release(folder):  # a second issue in it: its files are written after all
            with self._writing(folder):
                self._kept.copy(folder, self.place, self.staging)
        if part is None and folder not in self._folders:  # the target's folder may hold these very files
            records = self._kept.keep(
                folder,
                len(issue.articles),
                lambda: _named(issue, written) if written else write_articles(issue, folder, None, set(), self.target),
            )
        if part is not None and part.key == issue.key and folder not in self._folders:
            with self._writing(folder):
                os.rename(part.where, os.path.join(self.staging, folder))
            records = part.records
        elif folder not in self._kept.kept:
            if part is not None:  # an earlier issue took its key or its folder: the files name the wrong one
                shutil.rmtree(part.where, ignore_errors=True)
            with self._writing(folder):
                os.makedirs(os.path.join(self.staging, folder), exist_ok=True)
                # another issue's key may give the same folder name: its files are taken
                taken = set(os.listdir(os.path.join(self.staging, folder))) if folder in self._folders else set()
            records = write_articles(issue, folder, os.path.join(self.staging, folder), taken, self.target)
        self._folders.add(folder)
        self._list((path, digest) for path, digest, _ in records)
        with self._writing("articles.jsonl"):
            self._articles.write("".join(line for _, _, line in records))
        with self._writing("issues.jsonl"):
            self._issues.write(_ENCODE(issue.to_json()) + "\n")
        return records

    def _list(self, files: Iterable[tuple[str, str]]) -> None:
        """Files and their SHA-256 added to the manifest, streamed so that memory does not grow
        with the run (and into the staging folder: not into a temporary folder that may be full)."""
        listed = []
        for name, digest in files:
            self._written[name] = digest
            listed.append(f"{_ENCODE(name)}: {_ENCODE(digest)}")
        if listed:
            with self._writing(MARKER):
                self._manifest.write(f"{',' if self._listed_any else ''}\n" + ",\n".join(listed))
            self._listed_any = True

    @contextmanager
    def open(self, name: str) -> Iterator[TextIO]:
        """One of the run's own files in its top folder, open for writing text (use with `with`)."""
        if name not in OWN_FILES:
            raise ValueError(f"{name} is not one of OWN_FILES: an issue folder could take its name")
        with self._writing(name), open(self.staging / name, "w", encoding="utf-8") as handle:
            yield handle

    def finish(self) -> None:
        """Publish: complete the manifest, then the finished folder replaces the target in one
        rename, unless something was written into the target since the run started."""
        self._close()
        with self._writing(PARTS):
            os.rmdir(self.parts)  # empty: every part was moved into place
        tops = sorted(entry.name for entry in os.scandir(self.staging) if entry.is_file() and entry.name != MARKER)
        self._list((top, file_sha256(self.staging / top)) for top in tops)
        with self._writing(MARKER):
            self._manifest.write("\n}\n}\n")
            self._manifest.close()
        with self._writing():
            old = self._moved_aside()
            moved: list[str] = []
            try:
                if old is not None:
                    moved = self._kept.move(old, self.staging)
                os.replace(self.staging, self.place)
            except BaseException:
                if old is not None:  # put the previous output back where it was
                    KeptFolders.move_back(moved, old, self.staging)
                    os.replace(old, self.place)
                raise
        self.staging = None
        self._made = []
        if self._remembered is not None:
            self._remember()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _remember(self) -> None:
        """Keep the SHA-256 of the files just published (the manifest's too: a rerun with nothing
        changed checks the folder by them), with their lstat, for the next run."""
        self.published = Hashed.published(self.place, {**self._written, MARKER: file_sha256(self.place / MARKER)}, clock(self._lock.handle))
        self._remembered.store(self.published)

    def _moved_aside(self) -> Path | None:
        """The target renamed out of the way, where nothing more is written into it by name, and
        then checked: a file written into it while the run worked is put back with it, never
        lost. None when there is no target."""
        if not os.path.lexists(self.place):
            return None
        old = self._beside(f"old-{os.getpid()}")
        os.replace(self.place, old)
        try:
            changed, added = differences(contents(old, self._hashed).held, self._found)
            if changed or added:
                since = "since the run started"
                raise OutputError(
                    f"{self.target}: files were written while kcclean was running, and replacing the folder would lose "
                    f"them ({_listing(self.target, (f'changed {since}', changed), (f'added {since}', added))}). "
                    "The folder is left as it was; nothing was written"
                )
        except BaseException:
            os.replace(old, self.place)
            raise
        return old

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
            if self._manifest is not None:
                with suppress(OSError):  # unfinished: removed with the staging folder
                    self._manifest.close()
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
            self._lock.release()
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
