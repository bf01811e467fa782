"""Rebuild kcclean/data/standard-chars.txt, the 8,105 characters of the 通用规范汉字表 (2013).

The Unicode Han Database (Unihan) gives each character of the table its number in the
`kTGH` field (`U+4E00  kTGH  2013:1`). Debian's `unicode-data` package ships Unihan as
bzip2 files; this reads them and writes one line per character, in the table's order:
number, tab, character.

    apt-get install unicode-data
    python scripts/build_standard_chars.py /usr/share/unicode
"""

import bz2
import sys
from pathlib import Path

TABLE_SIZE = 8105


def main(unihan_dir: str) -> None:
    numbered: dict[int, str] = {}
    for path in sorted(Path(unihan_dir).glob("Unihan_*.txt*")):
        opener = bz2.open if path.suffix == ".bz2" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                fields = line.rstrip("\n").split("\t")
                if len(fields) == 3 and fields[1] == "kTGH":
                    number = int(fields[2].split(":")[1])
                    numbered[number] = chr(int(fields[0][2:], 16))
    if sorted(numbered) != list(range(1, TABLE_SIZE + 1)):
        sys.exit(f"expected the table's numbers 1..{TABLE_SIZE}, found {len(numbered)} entries")
    target = Path(__file__).resolve().parent.parent / "kcclean" / "data" / "standard-chars.txt"
    header = "# 通用规范汉字表 (2013): number<TAB>character, from Unihan's kTGH field (see NOTICE.txt)\n"
    target.write_text(header + "".join(f"{n}\t{numbered[n]}\n" for n in sorted(numbered)), encoding="utf-8")
    print(f"{len(numbered)} characters -> {target}")


if __name__ == "__main__":
    main(sys.argv[1])
