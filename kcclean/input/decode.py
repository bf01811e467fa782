"""Bytes to text: the encoding found, and what is not a transcript refused with a clear error."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..provenance import Source

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
# Bytes that are not UTF-8, as `surrogateescape` decodes them.
_ESCAPED = re.compile("[\udc80-\udcff]")
_ASCII = bytes(range(128))
# A text is UTF-8 as a whole when this many of its non-ASCII bytes form valid UTF-8 for
# every one that does not: damaged UTF-8 has a few bad bytes among thousands of good ones,
# GBK read as UTF-8 has hardly any good ones.
_GOOD_PER_BAD = 4
# Decoded as GB18030, real Chinese prose is almost all GB2312 characters; UTF-8, Big5 or
# Shift-JIS read as GB18030 gives 60–100 % characters outside it.
_MAX_RARE_SHARE = 0.3
_LISTED_REPLACEMENTS = 10  # bad bytes named one by one in the warnings; the rest counted
_UTF16_TEXT = re.compile("[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2000-\u206f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A transcript's text, the encoding it was read with, and what reading it changed."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes, name: str) -> Decoded:
    """Decode a transcript.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are recognised by their bytes, and
    UTF-16 without a BOM by its text. UTF-8 with a few bad bytes stays UTF-8: each bad byte
    becomes U+FFFD and is reported with its line and byte offset. Only a text that is not
    UTF-8 as a whole is read as GB18030 (which covers GBK and GB2312), and only when that
    gives Chinese text rather than mostly rare characters.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    warnings: tuple[str, ...] = ()
    if encoding is not None:
        text = _strict(data, encoding, name, f"cannot be decoded as {encoding.upper()}")  # a BOM, then damage
    elif b"\x00" in data:
        text, encoding = _utf16_without_bom(data, name)
    else:
        escaped = data.decode("utf-8", errors="surrogateescape")
        bad = len(_ESCAPED.findall(escaped))
        good = len(data.translate(None, _ASCII)) - bad
        if not bad:
            text, encoding = escaped, "utf-8"
        elif good >= _GOOD_PER_BAD * bad:
            text, encoding = _ESCAPED.sub("\ufffd", escaped), "utf-8"
            warnings = _replacement_warnings(escaped, name)
        else:
            first = _ESCAPED.search(escaped).start()
            damaged_at = len(escaped[:first].encode("utf-8", errors="surrogateescape"))
            text = _strict(data, "gb18030", name, "cannot be decoded as UTF-8 or GB18030/GBK", damaged_at)
            encoding = "gb18030"
            _refuse_mojibake(text, name)
    if not text.strip():
        raise InputError(name, "empty file: nothing to clean")
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(name, f"binary file ({controls} control characters): not a transcript")
    return Decoded(text, encoding, warnings)


def _strict(data: bytes, encoding: str, name: str, problem: str, at: int | None = None) -> str:
    """The text in this encoding, or an error naming the byte a user should look at (`at`,
    where an earlier reading failed, or where this one does)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        byte = error.start if at is None else at
        raise InputError(name, f"{problem} (byte {byte}): convert it to UTF-8 first") from None


def _utf16_without_bom(data: bytes, name: str) -> tuple[str, str]:
    """UTF-16 text saved without a BOM (NUL bytes in every ASCII character), or binary."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and len(_UTF16_TEXT.findall(text)) >= 0.9 * len(text):
            return text, encoding
    raise InputError(name, "binary file (it contains NUL bytes and is not UTF-16 text): not a transcript")


def _refuse_mojibake(text: str, name: str) -> None:
    wide = sum(1 for ch in text if ord(ch) > 127)
    rare = len(text) - len(text.encode("gb2312", errors="ignore").decode("gb2312"))
    if wide and rare > _MAX_RARE_SHARE * wide:
        raise InputError(
            name,
            f"not UTF-8, and read as GB18030/GBK it is {rare * 100 // wide}% rare characters "
            "(another encoding, e.g. Big5?): convert it to UTF-8 first",
        )


def _replacement_warnings(escaped: str, name: str) -> tuple[str, ...]:
    """One warning per bad byte (the first few; then how many more): its line and offset."""
    warnings = []
    line, byte, position = 1, 0, 0
    found = list(_ESCAPED.finditer(escaped))
    for match in found[:_LISTED_REPLACEMENTS]:
        before = escaped[position : match.start()]
        line += before.count("\n")
        byte += len(before.encode("utf-8", errors="surrogateescape"))
        value = ord(match.group()) - 0xDC00
        warnings.append(f"{name}:{line}: byte {byte} (0x{value:02X}) is not UTF-8: replaced by U+FFFD")
        byte += 1
        position = match.end()
    if len(found) > _LISTED_REPLACEMENTS:
        warnings.append(f"{name}: {len(found) - _LISTED_REPLACEMENTS} more bytes that are not UTF-8 replaced by U+FFFD")
    return tuple(warnings)


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
    decoded = decode(data, name)
    return Source.of(name, decoded.text, decoded.encoding, decoded.warnings)
