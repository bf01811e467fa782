"""Rebuild kcclean/data/words.tsv.gz, the bundled word-frequency table, from jieba's dictionary.

jieba (MIT licence, https://github.com/fxsjy/jieba) ships dict.txt: 349,046 words with
frequencies counted from a large corpus. kcclean keeps the Chinese words of 1 to 4
characters that occur at least 20 times (and every single character): enough to tell
whether a line break or a space falls inside a word. It leaves out the miswritings jieba
counted as words (自已 for 自己): the look-alike rule must not take them for evidence.

    pip download --no-deps jieba==0.42.1 && tar xzf jieba-0.42.1.tar.gz
    python scripts/build_wordlist.py jieba-0.42.1/jieba/dict.txt
"""

import gzip
import sys
from pathlib import Path

import regex

MIN_FREQUENCY = 20
HAN_WORD = regex.compile(r"^\p{Han}{1,4}$")
# Words of the dictionary that are a look-alike's miswriting of a far more common word (自已:
# 263 against 自己: 90,933), found with the confusion groups of rules/confusions.tsv.
MISWRITINGS = frozenset({"自已"})


def main(dictionary: str) -> None:
    rows = []
    for line in Path(dictionary).read_text(encoding="utf-8").splitlines():
        word, frequency, *_ = line.split()
        if word in MISWRITINGS:
            continue
        if HAN_WORD.match(word) and (int(frequency) >= MIN_FREQUENCY or len(word) == 1):
            rows.append(f"{word}\t{frequency}\n")
    target = Path(__file__).resolve().parent.parent / "kcclean" / "data" / "words.tsv.gz"
    # mtime=0 keeps the file byte-identical between rebuilds
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
        out.write("".join(rows).encode("utf-8"))
    print(f"{len(rows)} words -> {target}")


if __name__ == "__main__":
    main(sys.argv[1])
