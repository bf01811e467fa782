"""Bytes to text: the encoding found, and what is not a transcript refused with a clear error."""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..provenance import Source
from .files import STDIN
from .ocr import HOCR, ocr_format, read_ocr

# A BOM, the encoding it names (as the report shows it) and the codec that reads what follows.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)

# Control characters other than tab, LF and CR. A few are damage a rule removes;
# many mean the file is not text at all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def _escape_bytes(error: UnicodeError) -> tuple[str | bytes, int]:
    """`surrogateescape` for every byte, not only 0x80-0xFF (the odd last byte of a UTF-16
    file may be any), both ways: a byte that is not text in its encoding is held as U+DC00 +
    its value until it is reported and replaced."""
    if isinstance(error, UnicodeDecodeError):
        return "".join(chr(0xDC00 + byte) for byte in error.object[error.start : error.end]), error.end
    return bytes(ord(ch) - 0xDC00 for ch in error.object[error.start : error.end]), error.end


_ESCAPE = "kcclean-escape"
codecs.register_error(_ESCAPE, _escape_bytes)
# Bytes that are not text in their encoding, as _escape_bytes decodes them (strict decoding
# of UTF-8, -16 or -32 never gives a lone surrogate).
_ESCAPED = re.compile("[\udc00-\udcff]")
_ASCII_OR_ESCAPED = re.compile("[\x00-\x7f\udc00-\udcff]+")
# A text is in an encoding as a whole when its valid non-ASCII characters take this many
# bytes for every byte that is not valid: damaged UTF-8 has a few bad bytes among thousands
# of good ones, GBK read as UTF-8 has hardly any good ones.
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
    UTF-16 without a BOM by its text. A text in one of them with a few bad bytes (damage, a
    file cut short) stays in it, BOM or not: each bad byte becomes U+FFFD and is reported with
    its line and byte offset. Only a text that is not UTF-8 as a whole is read as GB18030
    (which covers GBK and GB2312), and only when that gives Chinese text rather than mostly
    rare characters.
    """
    bom = next(((mark, encoding, codec) for mark, encoding, codec in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        mark, encoding, codec = bom
        replaced = _with_replacements(data, len(mark), codec, name)
        if replaced is None:
            raise _undecodable(name, encoding.upper(), _first_bad_byte(data, len(mark), codec))
        text, warnings = replaced
    elif b"\x00" in data:
        text, encoding, warnings = _utf16_without_bom(data, name)
    elif (replaced := _with_replacements(data, 0, "utf-8", name)) is not None:
        (text, warnings), encoding = replaced, "utf-8"
    else:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:  # the user is shown where UTF-8, the likelier encoding, fails
            raise _undecodable(name, "UTF-8 or GB18030/GBK", _first_bad_byte(data, 0, "utf-8")) from None
        encoding, warnings = "gb18030", ()
        _refuse_mojibake(text, name)
    if not text.strip():
        raise InputError(name, "empty file: nothing to clean")
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(name, f"binary file ({controls} control characters): not a transcript")
    return Decoded(text, encoding, warnings)


def _with_replacements(data: bytes, start: int, codec: str, name: str) -> tuple[str, tuple[str, ...]] | None:
    """The text from byte `start` on (after a BOM) in `codec`, each bad byte replaced by
    U+FFFD, and a warning per bad byte; None when the text is not in `codec` as a whole."""
    escaped = data[start:].decode(codec, errors=_ESCAPE)
    bad = len(_ESCAPED.findall(escaped))
    if not bad:
        return escaped, ()
    good = len(_ASCII_OR_ESCAPED.sub("", escaped).encode(codec))
    if good < _GOOD_PER_BAD * bad:
        return None
    return _ESCAPED.sub("\ufffd", escaped), _replacement_warnings(escaped, name, codec, start)


def _first_bad_byte(data: bytes, start: int, codec: str) -> int:
    """Where in the file the first byte from `start` on that is not text in `codec` is."""
    escaped = data[start:].decode(codec, errors=_ESCAPE)
    return start + len(escaped[: _ESCAPED.search(escaped).start()].encode(codec, errors=_ESCAPE))


def _undecodable(name: str, encodings: str, byte: int) -> InputError:
    return InputError(name, f"cannot be decoded as {encodings} (byte {byte}): convert it to UTF-8 first")


def _utf16_without_bom(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """UTF-16 text saved without a BOM (NUL bytes in every ASCII character), or binary."""
    for encoding in ("utf-16-le", "utf-16-be"):
        replaced = _with_replacements(data, 0, encoding, name)
        if replaced is None:
            continue
        text, warnings = replaced
        if text and len(_UTF16_TEXT.findall(text)) >= 0.9 * len(text):
            return text, encoding, warnings
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


def _replacement_warnings(escaped: str, name: str, codec: str, start: int) -> tuple[str, ...]:
    """One warning per bad byte (the first few; then how many more): its line and its offset
    in the file (`escaped` is the text from byte `start` on, read with `codec`)."""
    label = "-".join(codec.upper().split("-")[:2])  # UTF-8, UTF-16, UTF-32
    warnings = []
    line, byte, position = 1, start, 0
    found = list(_ESCAPED.finditer(escaped))
    for match in found[:_LISTED_REPLACEMENTS]:
        before = escaped[position : match.start()]
        line += before.count("\n")
        byte += len(before.encode(codec, errors=_ESCAPE))
        value = ord(match.group()) - 0xDC00
        warnings.append(f"{name}:{line}: byte {byte} (0x{value:02X}) is not {label}: replaced by U+FFFD")
        byte += 1
        position = match.end()
    if len(found) > _LISTED_REPLACEMENTS:
        warnings.append(f"{name}: {len(found) - _LISTED_REPLACEMENTS} more bytes that are not {label} replaced by U+FFFD")
    return tuple(warnings)


def read_source(path: Path, name: str | None = None) -> Source:
    """Read and decode one input file; `name` is how messages and the report call it."""
    name = name or path.name
    return source_of(read_bytes(path, name), name)


def read_bytes(path: Path, name: str) -> bytes:
    """One input file's bytes (standard input's for `-`), or an InputError naming it."""
    try:
        return sys.stdin.buffer.read() if path == STDIN else path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as error:
        raise InputError(name, f"cannot be read: {error.strerror}") from None


def source_of(data: bytes, name: str) -> Source:
    """A file's bytes, however they were read, decoded into a source: a transcript, or the
    transcript an OCR result's geometry gives (`ocr.read_ocr`)."""
    if not data:
        raise InputError(name, "empty file: nothing to clean")
    if (kind := ocr_format(data, name)) is not None:
        return read_ocr(decode(data, name).text if kind == HOCR else data, name, kind)
    decoded = decode(data, name)
    return Source.of(name, decoded.text, decoded.encoding, decoded.warnings)
