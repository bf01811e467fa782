"""Reading bytes: which encoding a transcript is read with, and the exact message when it is
not read. Each case sits on an edge of a rule in kcclean/input/decode.py (a share exactly at its
threshold, a byte offset after several bad bytes), so a slip in the rule changes the outcome."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kcclean.errors import InputError
from kcclean.input import Decoded, decode, expand_paths, read_source

TEN = "一二三四五六七八九十".encode()  # 30 bytes of valid UTF-8
COMMON = "的一是了我不人在有他这中大来"  # GB2312 characters
RARE = "丟們為這們說們"  # GB18030 characters outside GB2312 (traditional forms)


def _many_bad_bytes(count: int, newline_every: int = 0) -> bytes:
    """`count` bad bytes, each after ten good characters, a newline after every `newline_every`-th."""
    pieces = []
    for index in range(count):
        pieces.append(TEN + bytes([0x80 + index]))
        if newline_every and index % newline_every == 0:
            pieces.append(b"\n")
    return b"".join(pieces)


def _replaced(offsets_by_line: list[tuple[int, int, int]]) -> tuple[str, ...]:
    return tuple(f"p.txt:{line}: byte {byte} (0x{value:02X}) is not UTF-8: replaced by U+FFFD" for line, byte, value in offsets_by_line)


DECODED = [
    pytest.param(
        TEN + b"\n" + TEN + b"\xff" + TEN + b"\n\xfe" + TEN,
        Decoded(
            "一二三四五六七八九十\n一二三四五六七八九十\ufffd一二三四五六七八九十\n\ufffd一二三四五六七八九十",
            "utf-8",
            _replaced([(2, 61, 0xFF), (3, 93, 0xFE)]),
        ),
        id="two-bad-bytes-on-two-lines",
    ),
    pytest.param(
        _many_bad_bytes(10, newline_every=3),
        Decoded(
            _many_bad_bytes(10, newline_every=3).decode("utf-8", errors="replace"),
            "utf-8",
            _replaced(
                [
                    (1, 30, 0x80), (2, 62, 0x81), (2, 93, 0x82), (2, 124, 0x83), (3, 156, 0x84),
                    (3, 187, 0x85), (3, 218, 0x86), (4, 250, 0x87), (4, 281, 0x88), (4, 312, 0x89),
                ]
            ),
        ),
        id="ten-bad-bytes-all-named",
    ),
    pytest.param(
        _many_bad_bytes(12),
        Decoded(
            _many_bad_bytes(12).decode("utf-8", errors="replace"),
            "utf-8",
            _replaced([(1, 30 + 31 * i, 0x80 + i) for i in range(10)])
            + ("p.txt: 2 more bytes that are not UTF-8 replaced by U+FFFD",),
        ),
        id="twelve-bad-bytes-two-counted",
    ),
    # a BOM names the encoding; a bad byte after it is replaced as it is without one (its
    # offset counts the BOM), and so is the odd last byte of a UTF-16 file cut short
    pytest.param(
        b"\xef\xbb\xbf" + "一二".encode() + b"\xff",
        Decoded("一二\ufffd", "utf-8-sig", _replaced([(1, 9, 0xFF)])),
        id="utf8-bom-then-damage",
    ),
    pytest.param(
        b"\xff\xfe" + "一二".encode("utf-16-le") + b"A",
        Decoded("一二\ufffd", "utf-16", ("p.txt:1: byte 6 (0x41) is not UTF-16: replaced by U+FFFD",)),
        id="utf16-bom-odd-last-byte",
    ),
    pytest.param(
        "一二三四五六七八九十".encode("utf-16-le") + b"\x00",
        Decoded("一二三四五六七八九十\ufffd", "utf-16-le", ("p.txt:1: byte 20 (0x00) is not UTF-16: replaced by U+FFFD",)),
        id="utf16-odd-last-byte",
    ),
    # nine of ten characters are text: exactly the 90 % a UTF-16 text without BOM needs
    pytest.param("ABCDEFGHI\u0100".encode("utf-16-le"), Decoded("ABCDEFGHI\u0100", "utf-16-le"), id="utf16-at-90-percent"),
    # 6 of 20 characters outside GB2312: exactly the 30 % GB18030 text may have
    pytest.param(
        ("x" * 10 + COMMON + RARE[:6]).encode("gb18030"),
        Decoded("x" * 10 + COMMON + RARE[:6], "gb18030"),
        id="gb18030-at-30-percent-rare",
    ),
    # U+0080 is a character outside ASCII (and outside GB2312) like any other
    pytest.param(
        ("x" * 10 + COMMON + RARE[:5] + "\x80").encode("gb18030"),
        Decoded("x" * 10 + COMMON + RARE[:5] + "\x80", "gb18030"),
        id="gb18030-u0080-is-wide",
    ),
    # one control character in 100: exactly the 1 % a transcript may have
    pytest.param(("一" * 99 + "\x07").encode(), Decoded("一" * 99 + "\x07", "utf-8"), id="controls-at-1-percent"),
]


@pytest.mark.parametrize(("data", "expected"), DECODED)
def test_decoded_text_encoding_and_warnings(data: bytes, expected: Decoded) -> None:
    assert decode(data, "p.txt") == expected


CONVERT = ": convert it to UTF-8 first"
BINARY = "binary file (it contains NUL bytes and is not UTF-16 text): not a transcript"
BIG5 = "% rare characters (another encoding, e.g. Big5?)" + CONVERT

REFUSED = [
    # 3 valid bytes for 2 bad ones: not UTF-8 as a whole, and a BOM leaves no other reading
    pytest.param(b"\xef\xbb\xbf" + "一".encode() + b"\xff\xfe", "cannot be decoded as UTF-8-SIG (byte 6)" + CONVERT, id="utf8-bom-then-mostly-damage"),
    pytest.param(b"\xff\xfe" + "AB".encode("utf-16-le") + b"\x00\xd8", "cannot be decoded as UTF-16 (byte 6)" + CONVERT, id="utf16-bom-then-damage"),
    # UTF-8 fails at byte 0; GB18030 only at the last byte: the user is shown the first
    pytest.param("你好世界".encode("gbk") + b"\xff", "cannot be decoded as UTF-8 or GB18030/GBK (byte 0)" + CONVERT, id="neither-utf8-nor-gb18030"),
    pytest.param(b"\x00\x01\x02\x03", BINARY, id="nul-bytes-no-text"),
    pytest.param("A\u0100\u0100\u0100".encode("utf-16-le"), BINARY, id="utf16-quarter-text"),
    # 7 of 19: 36 %
    pytest.param(
        ("x" * 10 + COMMON[:12] + RARE).encode("gb18030"), "not UTF-8, and read as GB18030/GBK it is 36" + BIG5, id="gb18030-36-percent-rare"
    ),
    # 6 of 19 (DEL is ASCII, not a wide character): 31 %
    pytest.param(
        ("x" * 120 + "\x7f" + COMMON[:13] + RARE[:6]).encode("gb18030"),
        "not UTF-8, and read as GB18030/GBK it is 31" + BIG5,
        id="del-is-not-wide",
    ),
    pytest.param(("一" * 98 + "\x07\x07").encode(), "binary file (2 control characters): not a transcript", id="controls-at-2-percent"),
]


@pytest.mark.parametrize(("data", "message"), REFUSED)
def test_refused_input_names_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as refused:
        decode(data, "p.txt")
    assert str(refused.value) == f"p.txt: {message}"


def test_glob_in_a_folder_keeps_links_inside_that_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("scans").mkdir()
    Path("outside.txt").write_text("一", encoding="utf-8")
    Path("scans/own.txt").write_text("二", encoding="utf-8")
    os.symlink("../outside.txt", "scans/link.txt")
    found, errors = expand_paths(["scans/*.txt"])
    assert found == [(tmp_path / "scans/own.txt").resolve()]
    assert [str(e) for e in errors] == [f"scans/link.txt: a link to {tmp_path / 'outside.txt'}, outside scans/: not followed (--follow-links reads it)"]


def test_glob_without_a_folder_searches_the_current_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("一", encoding="utf-8")
    Path("b.txt").write_text("二", encoding="utf-8")
    found, errors = expand_paths(["*.txt"])
    assert (found, errors) == ([tmp_path / "a.txt", tmp_path / "b.txt"], [])


def test_a_double_star_glob_finds_transcripts_in_subfolders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `kcclean fix 'scans/**/*.txt'`: scans kept in a folder per year and month are all read,
    # those directly in scans/ too, as a shell with globstar would find them
    monkeypatch.chdir(tmp_path)
    Path("scans/2023/05").mkdir(parents=True)
    Path("scans/0430.txt").write_text("一", encoding="utf-8")
    Path("scans/2023/05/0501.txt").write_text("二", encoding="utf-8")
    found, errors = expand_paths(["scans/**/*.txt"])
    assert (found, errors) == ([tmp_path / "scans/0430.txt", tmp_path / "scans/2023/05/0501.txt"], [])


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda path: None, "no such file"), (Path.mkdir, "is a folder, not a file")],
    ids=["missing", "folder"],
)
def test_a_path_that_is_no_file_is_named_with_its_problem(tmp_path: Path, make, message: str) -> None:
    make(tmp_path / "p.txt")
    with pytest.raises(InputError) as refused:
        read_source(tmp_path / "p.txt", "p.txt")
    assert str(refused.value) == f"p.txt: {message}"
