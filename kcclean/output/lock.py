"""The lock beside an output folder, held by the run that writes it: a second run into the
same folder would take the first one's output for hand edits, or publish over it."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import suppress
from pathlib import Path

from ..errors import OutputError

_TRIES, _PAUSE = 3, 0.05  # seconds


class FolderLock:
    """The lock file at `path`, for the output folder `target` (as the user named it)."""

    def __init__(self, path: Path, target: Path):
        self.path, self.target = path, target
        self.handle: int | None = None  # open while held: a file of the folder's disk (`hashed.clock`)

    def take(self) -> None:
        tries = _TRIES
        while True:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                tries -= 1
                if tries:  # a run asking whether it is held (`held_by_a_run`) holds it for a moment
                    time.sleep(_PAUSE)
                    continue
                raise OutputError(
                    f"{self.target}: another kcclean run is writing this folder; wait for it to finish or choose another --out"
                ) from None
            try:
                if os.path.samestat(os.fstat(handle), os.stat(self.path, follow_symlinks=False)):
                    self.handle = handle
                    return
            except FileNotFoundError:
                pass
            os.close(handle)  # the run that held it removed it meanwhile: lock the new one

    def release(self) -> None:
        if self.handle is not None:
            with suppress(OSError):
                os.unlink(self.path)  # before closing: no run locks a removed file
            os.close(self.handle)
            self.handle = None

    def held_by_a_run(self) -> bool:
        """Whether a run holds it now."""
        try:
            handle = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:  # no lock file: no run
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(handle)
        return False
