"""Stage 1: bytes to text. Finds the encoding, rejects what is not a transcript."""

from __future__ import annotations

import codecs
import glob
import os
import re
from pathlib import Path

from .errors import InputError
from .model import Source

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters other than tab, LF and CR. A few are damage a rule removes;
# many mean the file is not text at all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a transcript: (its text, the encoding used).

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are recognised by their bytes;
    anything else that is not valid UTF-8 is tried as GB18030, which covers GBK and GB2312.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    damaged_at = None  # where the UTF-8 reading failed: the byte a user should look at
    if encoding is None:
        if b"\x00" in data:
            raise InputError(name, "binary file (it contains NUL bytes): not a transcript")
        encoding = "utf-8"
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            encoding, damaged_at = "gb18030", error.start
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        at = error.start if damaged_at is None else damaged_at
        raise InputError(
            name,
            f"cannot be decoded as UTF-8 or GB18030/GBK (byte {at}): convert it to UTF-8 first",
        ) from None
    if not text.strip():
        raise InputError(name, "empty file: nothing to clean")
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(name, f"binary file ({controls} control characters): not a transcript")
    return text, encoding


def read_source(path: Path, name: str | None = None) -> Source:
    """Read and decode one input file; `name` is how messages and the report call it."""
    name = name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as error:
        raise InputError(name, f"cannot be read: {error.strerror}") from None
    return source_of(data, name)


def source_of(data: bytes, name: str) -> Source:
    """A file's bytes, however they were read, decoded into a source."""
    if not data:
        raise InputError(name, "empty file: nothing to clean")
    text, encoding = decode(data, name)
    return Source.of(name, text, encoding)


def expand_paths(arguments: list[str], pattern: str = "*.txt") -> tuple[list[Path], list[InputError]]:
    """Files named on the command line (files as given, folders as their sorted `*.txt`,
    globs expanded; duplicates dropped), and an error for each argument that names none."""
    found: list[Path] = []
    errors: list[InputError] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            inside = sorted(p for p in path.glob(pattern) if p.is_file())
            if not inside:
                errors.append(InputError(argument, f"folder has no {pattern} files"))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(argument):
            files = [p for p in sorted(Path(p) for p in glob.glob(argument, recursive=True)) if p.is_file()]
            if not files:
                errors.append(InputError(argument, "the pattern matches no files"))
            found.extend(files)
        else:
            errors.append(InputError(argument, "no such file or folder"))
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path.resolve(), None)
    return list(unique), errors


def display_names(paths: list[Path]) -> list[str]:
    """Names that tell the files apart: their paths below the folder they all share."""
    if not paths:
        return []
    base = Path(os.path.commonpath([p.resolve().parent for p in paths]))
    return [p.resolve().relative_to(base).as_posix() for p in paths]
