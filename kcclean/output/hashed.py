"""The SHA-256 of each file of an output folder, not computed again for a file that has not
changed since it was known: a rerun checks the whole previous output for hand edits at its
start and again as it replaces it, and reading every byte twice cost as much as the rest of
a rerun that had nothing to clean.

A file is taken to hold what it held when its SHA-256 was known when its lstat is the one
taken then (the same device, inode, size, modification and change times) and both times are
older than the file system's clock read before that lstat, as git's index takes it: an edit
sets the change time to the clock's time, which no one can set by hand (restoring the
modification time sets it too), and an edit in the very tick of the lstat is caught by the
second condition. Anything else is read and hashed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

Signature = tuple[int, int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns


def signature(status: os.stat_result) -> Signature:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def clock(handle: int) -> int:
    """The file system's time now (ns): a file of it (`handle`, open) touched and looked at. The
    computer's clock is not it: a file system's times lag it by a tick, and on a network disk
    they are the server's."""
    os.utime(handle)
    return os.fstat(handle).st_ctime_ns


@dataclass(slots=True)
class Hashed:
    """What each file of a folder held (by its path in the folder: its SHA-256, or what it is
    when it is not a file), with the lstat of each file whose SHA-256 it is and the file
    system's time (`clock`, ns) before any of them was taken."""

    clock: int
    held: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, Signature] = field(default_factory=dict)

    @classmethod
    def of(cls, path: Path, earlier: Hashed | None = None, clock: int = 0) -> Hashed:
        """What each file in a folder holds, by its path in the folder: its SHA-256 (from
        `earlier` for a file unchanged since), or where a link leads (links are not followed).
        Anything but a folder is one entry of its own, named ''. `clock`: the file system's
        time, read before this call."""
        found = cls(clock)
        if path.is_symlink() or not path.is_dir():
            found.hash("", str(path), earlier)
            return found

        def walk(folder: str, prefix: str) -> None:
            try:
                entries = list(os.scandir(folder))
            except OSError:  # as os.walk does: a folder that cannot be listed holds nothing to lose
                return
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found.hash(prefix + entry.name, entry.path, earlier)

        walk(str(path), "")
        return found

    @classmethod
    def published(cls, folder: Path, written: dict[str, str], clock: int) -> Hashed:
        """The files a run wrote into `folder` (`written`: their SHA-256 by path), now that it
        is published, with their lstat taken after the file system's time `clock`."""
        found = cls(clock)
        for path, digest in written.items():
            try:
                status = os.lstat(os.path.join(folder, path))
            except OSError:
                continue
            found.held[path] = digest
            found.signatures[path] = signature(status)
        return found

    def known(self, path: str, status: os.stat_result) -> str | None:
        """The SHA-256 of the file at `path` (whose lstat is `status`) if it holds what it did."""
        if self.signatures.get(path) != signature(status) or max(status.st_mtime_ns, status.st_ctime_ns) >= self.clock:
            return None
        return self.held[path]

    def unchanged(self, folder: Path) -> bool:
        """Whether `folder` holds just the files this holds, each as it was: told by its lstat
        where that can (`known`), else by its SHA-256 (the last files a run writes share the
        tick of the clock read after them)."""
        return Hashed.of(folder, self, self.clock).held == self.held

    def hash(self, path: str, where: str, earlier: Hashed | None) -> None:
        """Note what the file at `path` (in the folder; `where` on the disk) holds: its SHA-256,
        taken from `earlier` when the file has not changed since, or where a link leads."""
        try:
            status = os.lstat(where)
        except OSError as error:  # removed since (the whole output folder, by hand): held as absent
            self.held[path] = f"absent: {error.strerror}"
            return
        if stat.S_ISLNK(status.st_mode):
            self.held[path] = f"a link to {os.readlink(where)}"
        elif not stat.S_ISREG(status.st_mode):
            self.held[path] = "not a file"  # a pipe is never read
        elif earlier is not None and (digest := earlier.known(path, status)) is not None:
            self.held[path] = digest
            self.signatures[path] = signature(status)
        else:
            try:
                self.held[path] = file_sha256(where)
            except OSError as error:  # the same at the start and the end: not an edit, but never a manifest's hash
                self.held[path] = f"unreadable: {error.strerror}"
            else:
                self.signatures[path] = signature(status)


def file_sha256(path: str | Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Remembered(Protocol):
    """Where a folder's `Hashed` is kept from one run to the next (`cache.FolderHashes`)."""

    def load(self) -> Hashed | None: ...

    def store(self, hashed: Hashed) -> None: ...
