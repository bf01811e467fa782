"""Files kcclean reads as data, whole: rule files and their table and groups files, review
files, settings (kcclean.toml, pyproject.toml) and layout models. Only a regular file of a
sane size is read: a device (`table_file = "/dev/zero"`) would fill the memory, and a FIFO
would block the run forever."""

from __future__ import annotations

import os
import stat
from pathlib import Path

LIMIT_MB = 64  # far beyond any rule file, table or model; far below what would exhaust memory

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def read_data_file(path: Path) -> str:
    """The file's text, its line ends made `\\n`. Raises OSError (whose message says what is
    wrong, for the caller to put after the file's name) or UnicodeDecodeError."""
    limit = LIMIT_MB * 2**20
    # O_NONBLOCK: a FIFO opens at once (to be refused) instead of waiting for a writer
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        kind = stat.S_IFMT(os.fstat(handle.fileno()).st_mode)
        if kind != stat.S_IFREG:
            raise OSError(f"is {_KINDS.get(kind, 'not a file')}, not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"is larger than {LIMIT_MB} MB: not a file of rules, settings or a layout model")
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
