"""Incremental runs: what a run computed, kept on disk and used again, as ruff and mypy do.

Two kinds of entry are found by content, keyed by the SHA-256 of everything their value
depends on, so that such an entry is either right or never looked up:

- `pages`: what grouping a file's pages into issues needs of each (`PageFacts`), under the
  file's key: its bytes and name and the *layout key* (kcclean's code and data, the layout
  model, the masthead and banner lexicons, the layout rules, with whether the settings
  select them and apply their changes, and the review's layout decisions). The facts of
  a folder's files are one entry, keyed by the folder and the layout key;
- `issue`: an issue's articles put together, not yet repaired (its layout), keyed by its
  pages' keys; with it the issue last repaired from that layout, its SHA-256 as pickled
  (`Issue.cached`), and the *repair key* it was repaired under: every rule, and the
  settings.

Three are kept for an output folder, by its place on the disk, and checked otherwise: the
record of its last run (`cli.unchanged`), and

- `shown` (`ShownPack`): what the last run into the folder wrote of each issue, found by
  the issue's SHA-256 and its key in the run: its article files' records and its part of
  the report (`Shown`), so that a rerun neither renders nor hashes the articles of an
  issue it already wrote, nor makes its report part anew;
- `hashes` (`FolderHashes`): the SHA-256 of each file the last run published, with its
  lstat, so that the next run tells an unchanged file without reading it (`output.hashed`).

A changed character rule changes the repair key only: the pages and layouts are used again
and only the repair runs, and only where a version of the rule can change something
(`reuse.RepairRecord.holds_for`: the rule's quick scan finds one of its characters in the
issue, and a literal table one of its entries in a text the issue's repair held), or where
the two versions act differently (a table grown by entries the issue never spells, or a
rule whose file was edited above it, act alike).

An entry is one file: a header naming the format and the key, the SHA-256 of the header
and the value, then the value (pickled, compressed by LZ4: a fifth of zlib's time, at four
fifths of its ratio). One whose header or checksum does not match (cut short, damaged,
another entry's, half-written) is not used and is written again. A new entry is written to
a temporary file and renamed into place; one written again is overwritten where it is, and
a reader meeting it half-written has a miss. So runs (and worker processes) can share a cache.

The cache lives in the user's cache folder (`cache_folder`), not in the output folder:
that folder is replaced whole on every run, and its manifest guards it against hand edits;
entries found by content serve any `--out` and any checkout of the same code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lz4.frame

from .digests import digest
from .errors import KccleanError
from .layout.issues import PageFacts
from .model import Issue
from .output.hashed import Hashed
from .output.report import IssuePart
from .reuse import RunKeys
from .rules import Rulebook

# Bump when the layout of an entry file changes: entries of another format are not read.
FORMAT = 2


def cache_folder() -> Path:
    """Where the cache lives: $KCCLEAN_CACHE_DIR, else $XDG_CACHE_HOME/kcclean, else
    ~/.cache/kcclean (the XDG default)."""
    chosen = os.environ.get("KCCLEAN_CACHE_DIR")
    if chosen:
        return Path(chosen).absolute()  # the same folder for workers that start elsewhere
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "kcclean"


class Cache:
    """Entries in one folder. Reading never fails (a bad entry is a miss); a write that fails
    (a full disk) is skipped: a run never fails for its cache."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._root = self.folder / f"v{FORMAT}"

    @classmethod
    def opened(cls, folder: Path, warn: Callable[[str], None]) -> Cache | None:
        """The cache in `folder`, or None (with one warning) when entries cannot be written there."""
        cache = cls(folder)
        try:
            cache._root.mkdir(parents=True, exist_ok=True)
            probe = cache._root / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            warn(f"{folder}: the cache cannot be written ({error.strerror or error}); this run does not use it")
            return None
        return cache

    def _path(self, kind: str, key: str) -> Path:
        return self._root / kind / key

    @staticmethod
    def _header(kind: str, key: str) -> bytes:
        return f"kcclean-cache {FORMAT} {kind} {key}\n".encode()

    def load(self, kind: str, key: str) -> object | None:
        """The value stored under the key, or None: absent, or not whole and right."""
        try:
            data = self._path(kind, key).read_bytes()
        except OSError:
            return None
        header = self._header(kind, key)
        checksum, value = data[len(header) : len(header) + 32], data[len(header) + 32 :]
        if not data.startswith(header) or hashlib.sha256(header + value).digest() != checksum:
            return None
        try:
            return pickle.loads(lz4.frame.decompress(value))
        except Exception:  # checked bytes that still do not unpickle: a miss like any other
            return None

    def store(self, kind: str, key: str, value: object) -> None:
        """Keep the value under the key; skipped if the disk refuses. An entry of the key is
        overwritten where it is (replacing the file cost three times as long: its blocks are
        freed); a reader that meets it half-written finds its checksum wrong, a miss. A new
        entry is written to a temporary file and renamed into place."""
        data = lz4.frame.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # a third of the bytes to write
        header = self._header(kind, key)
        entry = header + hashlib.sha256(header + data).digest() + data  # the key checked with the value
        path = self._path(kind, key)
        try:
            with open(path, "r+b") as handle:
                handle.write(entry)
                handle.truncate()
            return
        except OSError:  # none yet (or one that cannot be written: replaced)
            pass
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            try:
                handle = open(temporary, "wb")
            except FileNotFoundError:  # the kind's first entry (not made every time: a syscall per entry)
                path.parent.mkdir(parents=True, exist_ok=True)
                handle = open(temporary, "wb")
            with handle:
                handle.write(entry)
            os.replace(temporary, path)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def _formats(self) -> list[Path]:
        """The folders of entries, one per format kcclean has written here (`v1`…)."""
        try:
            return [path for path in self.folder.iterdir() if re.fullmatch(r"v\d+", path.name) and path.is_dir()]
        except FileNotFoundError:
            return []

    def size(self) -> tuple[int, int]:
        """Entries and bytes held."""
        count = total = 0
        for top in self._formats():
            for folder, _, names in os.walk(top):
                for name in names:
                    try:
                        total += os.stat(os.path.join(folder, name)).st_size
                    except OSError:
                        continue
                    count += 1
        return count, total

    def clean(self) -> None:
        """Remove every entry, and the cache folder if nothing else is in it. Only kcclean's
        own folders are removed: KCCLEAN_CACHE_DIR may name a folder that holds other files."""
        for top in self._formats():
            shutil.rmtree(top)
        try:
            self.folder.rmdir()
        except OSError:  # absent, or holding something of someone else's
            pass


def page_key(file_key: str, number: int) -> str:
    """The key of the number-th page (issue) of a file."""
    return digest(file_key, number)


@dataclasses.dataclass(frozen=True, slots=True)
class RunCache:
    """The cache as one run uses it: where entries are, and the run's keys (sent to workers).
    `run` tells one run from another in a process that makes several (a notebook)."""

    entries: Cache
    keys: RunKeys
    run: str = ""

    @classmethod
    def of(cls, rulebook: Rulebook, warn: Callable[[str], None], folder: Path | None = None) -> RunCache | None:
        """The run's cache in `folder` (default: `cache_folder()`), or None when it cannot be written."""
        entries = Cache.opened(folder or cache_folder(), warn)
        return None if entries is None else cls(entries, RunKeys.of(rulebook), secrets.token_hex(8))

    def facts(self, path: Path | str, file_key: str) -> list[PageFacts] | None:
        """The facts of the pages of the file at `path`, whose key is `file_key`, when a run
        kept them (`keep_facts`)."""
        folder, _ = folder_and_name(path)
        found = self._facts_in(folder).get(file_key)
        return None if found is None else found[1]

    def keep_facts(self, found: FactsFound) -> None:
        """The facts of a run's files kept, one entry per folder of files: what they held
        before, less the files of the same names, plus these."""
        for folder, files in found.folders.items():
            before = self._facts_in(folder)
            names = {name for name, _ in files.values()}
            now = {key: held for key, held in before.items() if held[0] not in names} | files
            if now != before:
                self.entries.store("pages", self._facts_key(folder), now)
                _FACTS[self._facts_key(folder)] = now

    def _facts_in(self, folder: str) -> dict[str, tuple[str, list[PageFacts]]]:
        """The facts kept of the files of a folder, read once per run and process."""
        if _FACTS.get("run") != (self.run, str(self.entries.folder)):
            _FACTS.clear()  # another run's, from entries that may have changed since
            _FACTS["run"] = (self.run, str(self.entries.folder))
        key = self._facts_key(folder)
        if key not in _FACTS:
            found = self.entries.load("pages", key)
            _FACTS[key] = found if isinstance(found, dict) else {}
        return _FACTS[key]

    def _facts_key(self, folder: str) -> str:
        return digest("pages", self.keys.layout, folder)

    def shown(self, out: Path) -> ShownPack:
        """What the last run into the output folder `out` wrote of each issue, and where this
        run's is kept."""
        return ShownPack(self.entries, digest("shown", str(Path(os.path.realpath(out)))), self.keys.layout)

    def hashes(self, out: Path) -> FolderHashes:
        """Where the SHA-256 of the files of the output folder `out` are kept between runs."""
        return FolderHashes(self.entries, digest("hashes", str(Path(os.path.realpath(out)))))


class FactsFound:
    """The facts of the pages of a run's files, by the folder each file is in, as the cache
    keeps them (`RunCache.facts`): {folder: {file's key: (its name, its pages' facts)}}."""

    def __init__(self) -> None:
        self.folders: dict[str, dict[str, tuple[str, list[PageFacts]]]] = {}

    def noted(self, path: Path | str, loaded: list[tuple[Any, PageFacts]] | KccleanError):
        """`loaded` (what `pipeline.load_file_stored` returns for the file at `path`: each page
        with its facts), its facts noted."""
        if not isinstance(loaded, KccleanError) and loaded and loaded[0][0].file is not None:
            folder, name = folder_and_name(path)
            self.folders.setdefault(folder, {})[loaded[0][0].file] = (name, [facts for _, facts in loaded])
        return loaded


# The page facts of each folder of input files as this process read them for its run
# (`RunCache._facts_in`), by the entry's key; "run": the run and the cache's folder.
_FACTS: dict[str, Any] = {}


def folder_and_name(path: Path | str) -> tuple[str, str]:
    """The folder an input file is in (where the facts of its pages are kept) and its name
    there; a URL's by its slashes."""
    folder, _, name = str(path).rpartition("/") if isinstance(path, str) else (str(path.parent), "", path.name)
    return folder, name


@dataclasses.dataclass(frozen=True, slots=True)
class Shown:
    """An issue as a run wrote it: its article files (path, SHA-256, articles.jsonl line of
    each, as `output.folder.write_articles` returns them) and its part of the report. The
    part is used only when the run names the article files as these do (a folder that
    another issue of the run took names them otherwise)."""

    records: list[tuple[str, str, str]]
    report: IssuePart


class ShownPack:
    """What a run into an output folder wrote of each issue (`Shown`), all in one entry for
    the folder: a file per issue cost as much to create as the issue's article files. Each
    issue's is found by the issue kept (`Issue.cached`), its key in the run, and the layout
    key (kcclean's code; the lexicons, which name the layout decisions that undo a record).

    The entry is the usual header, then each issue's `Shown` (pickled, compressed), then an
    index (where each is, its length and SHA-256), the index's length and the SHA-256 of the
    header and the index: a part or an index that does not match is not used. This run's is
    written as it goes into a temporary file, renamed into place once the output is
    published (`publish`); what it uses again of the last run's is copied as it was."""

    def __init__(self, entries: Cache, key: str, layout: str):
        self.path = entries._path("shown", key)
        self._header = Cache._header("shown", key)
        self._layout = layout
        self._last: dict[str, tuple[int, int, bytes]] = {}  # the last run's index: key -> (offset, length, SHA-256)
        self._reading = None
        self._writing = None
        self._index: dict[str, tuple[int, int, bytes]] = {}
        self._used: dict[str, bytes] = {}  # what `load` found, by its key, till `keep` copies it
        try:
            self._reading = open(self.path, "rb")
            self._last = self._read_index(self._reading)
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            self._last = {}

    def _read_index(self, handle) -> dict[str, tuple[int, int, bytes]]:
        if handle.read(len(self._header)) != self._header:
            return {}
        end = handle.seek(0, os.SEEK_END)
        handle.seek(end - 40)
        tail = handle.read(40)
        length, digest = int.from_bytes(tail[:8], "little"), tail[8:]
        handle.seek(end - 40 - length)
        index = handle.read(length)
        if len(index) != length or hashlib.sha256(self._header + index).digest() != digest:
            return {}
        return pickle.loads(index)

    def _key(self, issue: Issue) -> str | None:
        return None if issue.cached is None else digest("shown", self._layout, issue.cached, issue.key)

    def load(self, issue: Issue) -> Shown | None:
        """What the last run into the folder wrote of the issue (its key made unique in this
        run as in that one): its article files and its part of the report; None if not kept."""
        key = self._key(issue)
        place = self._last.get(key) if key is not None else None
        if place is None:
            return None
        offset, length, digest = place
        try:
            self._reading.seek(offset)
            data = self._reading.read(length)
            if hashlib.sha256(data).digest() != digest:
                return None
            found = pickle.loads(lz4.frame.decompress(data))
        except Exception:  # checked bytes that still do not unpickle: a miss like any other
            return None
        if not isinstance(found, Shown):
            return None
        self._used[key] = data
        return found

    def keep(self, issue: Issue, shown: Shown) -> None:
        """Keep what this run wrote of the issue (as the last run did when `load` found it)."""
        key = self._key(issue)
        if key is None or not shown.report.kept:
            return
        data = self._used.pop(key, None) or lz4.frame.compress(pickle.dumps(shown, pickle.HIGHEST_PROTOCOL))
        try:
            if self._writing is None:
                temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._writing = open(temporary, "wb")
                self._writing.write(self._header)
            self._index[key] = (self._writing.tell(), len(data), hashlib.sha256(data).digest())
            self._writing.write(data)
        except OSError:  # a full disk: nothing is kept
            self.close()

    def publish(self) -> None:
        """This run's entry in place of the last run's."""
        if self._writing is None:
            return
        try:
            index = pickle.dumps(self._index, pickle.HIGHEST_PROTOCOL)
            self._writing.write(index + len(index).to_bytes(8, "little") + hashlib.sha256(self._header + index).digest())
            self._writing.close()
            os.replace(self._writing.name, self.path)
            self._writing = None
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        """Done with the entries: this run's, unless published, removed."""
        if self._reading is not None:
            self._reading.close()
            self._reading = None
        if self._writing is not None:
            self._writing.close()
            with contextlib.suppress(OSError):
                os.unlink(self._writing.name)
            self._writing = None


@dataclasses.dataclass(frozen=True, slots=True)
class FolderHashes:
    """The `Hashed` of one output folder, kept under its place on the disk: the one entry not
    found by content (the lstat of each file tells whether it still holds what it did)."""

    entries: Cache
    key: str

    def load(self) -> Hashed | None:
        found = self.entries.load("hashes", self.key)
        return found if isinstance(found, Hashed) else None

    def store(self, hashed: Hashed) -> None:
        self.entries.store("hashes", self.key, hashed)
