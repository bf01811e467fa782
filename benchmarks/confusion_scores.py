"""What an OCR engine's scores add to the look-alike rule (kcclean/rules/confusion.py,
`_LOW_SCORE` and `_DOUBTED_GAIN`). Prints:

- with --pages and --harsh (two caches of benchmarks/ocr_geometry.py, the same pages read from
  a mild and a harsh scan): the harsh lines by the engine's score, and how many of them read
  differently from the mild scan's line at the same place (the mild reading stands in for the
  truth: its body CER is about 0.01);
- the corpus's clean sentences with one look-alike put in at a time (each character a
  confusion group says may be misread as another), every character scored 0.5: the
  suggestions the scores add, right or wrong; and those they add to the clean sentences, to
  the fixtures' clean articles and to the seed transcripts (none is right there).

    .venv/bin/python benchmarks/confusion_scores.py --pages /tmp/ocr-pages.json --harsh /tmp/ocr-pages-harsh.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcclean.rules import load_rulebook  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
BANDS = [(0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.01)]


def centres(page: dict) -> list[tuple[float, float, str, float]]:
    """Each line's centre (as a share of the page's size), text and score."""
    lines = []
    for line in page["lines"]:
        xs, ys = [p[0] for p in line["box"]], [p[1] for p in line["box"]]
        lines.append(((min(xs) + max(xs)) / 2 / page["width"], (min(ys) + max(ys)) / 2 / page["height"], line["text"], line["score"]))
    return lines


def scores_against_a_milder_scan(mild: dict, harsh: dict) -> None:
    paired = []
    for mild_page, harsh_page in zip(mild.values(), harsh.values()):
        reference = centres(mild_page)
        for x, y, text, score in centres(harsh_page):
            near = min(reference, key=lambda r: (r[0] - x) ** 2 + (r[1] - y) ** 2)
            if ((near[0] - x) ** 2 + (near[1] - y) ** 2) ** 0.5 < 0.01:
                paired.append((score, text != near[2]))
    print(f"{len(paired)} harsh lines paired with the mild scan's")
    for low, high in BANDS:
        band = [differs for score, differs in paired if low <= score < high]
        if band:
            print(f"  score {low:.2f}-{min(high, 1):.2f}: {len(band):4d} lines, {sum(band) / len(band):.2f} read differently")


def added(rule, text: str) -> list:
    """The edits the scores add: every character scored 0.5, against the text as a transcript."""
    plain = {edit.start for edit in rule.find(text)}
    return [edit for edit in rule.find_scored(text, (0.5,) * len(text)) if edit.start not in plain]


def look_alikes_put_in(rule) -> None:
    misread: dict[str, list[str]] = {}
    for group in rule.groups:
        for read in group.read:
            misread.update({meant: [*misread.get(meant, []), read] for meant in group.meant if meant != read})
    sentences = [
        s.strip()
        for path in sorted((ROOT / "fixtures" / "corpus").glob("*/page.expected"))
        for s in re.split(r"(?<=[。！？])", path.read_text(encoding="utf-8"))
        if 6 <= len(s.strip()) <= 80 and "#" not in s
    ]
    right = wrong = trials = 0
    for sentence in sentences:
        for at, meant in enumerate(sentence):
            for read in misread.get(meant, ()):
                text = sentence[:at] + read + sentence[at + 1 :]
                trials += 1
                for edit in added(rule, text):
                    if (edit.start, edit.after) == (at, meant):
                        right += 1
                    else:
                        wrong += 1
    print(f"{len(sentences)} corpus sentences, {trials} look-alikes put in one at a time: the scores add {right} right suggestions, {wrong} wrong")
    clean = {
        "the clean sentences": sentences,
        "the fixtures' clean articles": [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").rglob("*.expected"))],
        "the seed transcripts": [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))],
    }
    for name, texts in clean.items():
        found = [f"{t[max(0, e.start - 4) : e.end + 4]} → {e.after}" for t in texts for e in added(rule, t)]
        print(f"{name} ({len(texts)} texts, {sum(map(len, texts)):,} characters): {len(found)} added {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, help="ocr_geometry.py's --cache of the mild scans")
    parser.add_argument("--harsh", type=Path, help="its --cache of the same pages' harsh scans")
    args = parser.parse_args()
    if args.pages and args.harsh:
        scores_against_a_milder_scan(*(json.loads(p.read_text(encoding="utf-8")) for p in (args.pages, args.harsh)))
    look_alikes_put_in(load_rulebook().by_id["typo.confusions"])


if __name__ == "__main__":
    main()
