"""How much character damage kcclean's rules restore, by kind of damage.

Damages every paragraph of the fixtures' hand-cleaned articles with one kind of error at a
time (kcclean_dev/char_damage.py: ASCII full stops, straight quotes, _/l/丨 strays, look-alike
characters, short traditional runs, half-width commas), runs the text rules over them as the
pipeline does over a body, and prints the character error rate before and after, as the
median and range over --runs seeds; then the changes made to the undamaged text (must be 0).
The issue's target: CER <= 0.001 after, for every kind.

    .venv/bin/python benchmarks/char_quality.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kcclean_dev, the generator and damage models

from kcclean_dev.char_damage import clean_paragraphs, damages, fixture_paragraphs, measure  # noqa: E402

from kcclean.rules import load_rulebook  # noqa: E402

TARGET = 0.001


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="damage seeds 1..RUNS")
    args = parser.parse_args()
    rulebook = load_rulebook()
    texts = fixture_paragraphs(ROOT / "fixtures")
    print(f"{len(texts)} paragraphs, {sum(map(len, texts))} characters; {args.runs} runs; median (min-max)")
    print(f"{'damage':12} {'CER before':>22} {'CER after':>22}  target")
    for name, kind in damages(rulebook).items():
        results = [measure(texts, kind, rulebook, seed) for seed in range(1, args.runs + 1)]
        before = [r.cer_before for r in results]
        after = [r.cer_after for r in results]
        verdict = "met" if max(after) <= TARGET else "not met"
        print(
            f"{name:12} {statistics.median(before):>8.4f} ({min(before):.4f}-{max(before):.4f}) "
            f"{statistics.median(after):>8.4f} ({min(after):.4f}-{max(after):.4f})  {verdict}"
        )
    changed = sum(a != b for a, b in zip(texts, clean_paragraphs(texts, rulebook)))
    print(f"undamaged paragraphs changed: {changed}")


if __name__ == "__main__":
    main()
