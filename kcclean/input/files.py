"""Which files a command line names: files as given, folders as their sorted `*.txt`, globs
expanded; and the names that tell them apart in messages and the report."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from ..errors import InputError, printable

# `-` on the command line: standard input, read where the files are read (`read_source`) and
# named `<stdin>` wherever a file's name is shown
STDIN = Path("-")
STDIN_NAME = "<stdin>"


def expand_paths(
    arguments: list[str], pattern: str = "*.txt", follow_links: bool = False
) -> tuple[list[Path], list[InputError]]:
    """Files named on the command line (files as given, folders as their sorted `*.txt`,
    globs expanded, `-` as STDIN; duplicates dropped), and an error for each argument that
    names none.

    A symbolic link found in a folder or by a glob that leads out of it (to /etc/passwd, to
    someone's home) is not read unless `follow_links`: it is reported as skipped."""
    found: list[Path] = []
    errors: list[InputError] = []

    def inside(files: list[Path], base: Path) -> list[Path]:
        """The files, resolved, that are in `base` or that links in it may lead to."""
        kept = []
        real_base = base.resolve()
        for file in files:
            # a file that is no link, right in the folder, is where the folder really is: one
            # lstat instead of one per part of its path
            target = real_base / file.name if file.parent == base and not file.is_symlink() else file.resolve()
            if follow_links or target.is_relative_to(real_base):
                kept.append(target)
            else:
                errors.append(
                    InputError(
                        file.as_posix(),
                        f"a link to {target}, outside {base.as_posix()}/: not followed (--follow-links reads it)",
                    )
                )
        return kept

    for argument in arguments:
        path = Path(argument)
        if argument == "-":
            found.append(STDIN)
        elif path.is_dir():
            inside_folder = sorted(p for p in path.glob(pattern) if p.is_file())
            if not inside_folder:
                errors.append(InputError(argument, f"folder has no {pattern} files"))
            found.extend(inside(inside_folder, path))
        elif path.is_file():
            found.append(path.resolve())
        elif glob.has_magic(argument):
            files = [p for p in sorted(Path(p) for p in glob.glob(argument, recursive=True)) if p.is_file()]
            if not files:
                errors.append(InputError(argument, "the pattern matches no files"))
            found.extend(inside(files, _glob_base(argument)))
        else:
            errors.append(InputError(argument, "no such file or folder"))
    return list(dict.fromkeys(found)), errors


def _glob_base(argument: str) -> Path:
    """The folder a glob searches: its parts before the first one with a wildcard."""
    parts = Path(argument).parts
    fixed = [part for part in parts[: next(i for i, part in enumerate(parts) if glob.has_magic(part))]]
    return Path(*fixed) if fixed else Path(".")


def display_names(paths: list[Path]) -> list[str]:
    """Names that tell the files apart: their paths below the folder they all share, as
    `printable` text."""
    files = [p for p in paths if p != STDIN]
    if not files:
        return [STDIN_NAME for _ in paths]
    resolved = {p: p.resolve() for p in files}
    base = Path(os.path.commonpath([p.parent for p in resolved.values()]))
    return [STDIN_NAME if p == STDIN else printable(resolved[p].relative_to(base)) for p in paths]
