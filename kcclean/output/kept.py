"""Issue folders of the previous output kept as they are. A rerun whose issue comes out as
the very files its folder in the previous output holds moves that folder into the new output
instead of writing every file again: creating files costs as much as cleaning them on some
disks, and a rerun of an unchanged archive then creates none.

Only a folder that holds those files and nothing else is kept (by the SHA-256 the run found
at its start, after the hand-edit check): the new output is a fresh run's, byte for byte.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

Records = list[tuple[str, str, str]]  # (path, SHA-256, articles.jsonl line) of each article file


class KeptFolders:
    """The folders of the previous output, what each held at the start, and those kept."""

    def __init__(self, found: dict[str, str]):
        """`found`: the previous output's files at the start, by path (`folder.contents`)."""
        self.held: dict[str, dict[str, str]] = {}
        for path, digest in found.items():
            folder, slash, _ = path.partition("/")
            self.held.setdefault(folder, {})[path] = digest if slash else "not a folder"
        self.kept: list[str] = []

    def keep(self, folder: str, articles: int, records: Callable[[], Records]) -> Records | None:
        """The issue's `records` (of its `articles` files, not written) when `folder` holds
        exactly those files: the folder is then kept. None when it holds anything else."""
        held = self.held.get(folder)
        if not held or len(held) != articles:
            return None
        found = records()
        if {path: digest for path, digest, _ in found} != held:
            return None
        self.kept.append(folder)
        return found

    def release(self, folder: str) -> bool:
        """Whether the folder was kept: no more once a second issue writes into it too."""
        if folder not in self.kept:
            return False
        self.kept.remove(folder)
        return True

    def copy(self, folder: str, root: Path, staging: Path) -> None:
        """The folder's files copied from `root` (where they are as the run found them)."""
        os.makedirs(staging / folder)
        for path in self.held[folder]:
            shutil.copyfile(root / path, staging / path)

    def move(self, old: Path, staging: Path) -> list[str]:
        """The kept folders moved from the previous output (`old`, checked to hold what it held
        at the start) into the new one (`staging`); one that holds more now (an empty folder
        made in it) is copied. Returns those moved, for `move_back`."""
        moved = []
        for folder in self.kept:
            names = {entry.name: entry.is_file(follow_symlinks=False) for entry in os.scandir(old / folder)}
            if set(names) == {path.split("/", 1)[1] for path in self.held[folder]} and all(names.values()):
                os.rename(old / folder, staging / folder)
                moved.append(folder)
            else:
                self.copy(folder, old, staging)
        return moved

    @staticmethod
    def move_back(moved: list[str], old: Path, staging: Path) -> None:
        """The previous output made whole again: the run did not publish."""
        for folder in moved:
            os.rename(staging / folder, old / folder)
