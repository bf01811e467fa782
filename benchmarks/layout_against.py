"""Page structure of this checkout against another one's, on the same generated issues.

    git worktree add ../kcclean-0.1 8b7d9a2      # the last commit with the hand-weighted classifier
    .venv/bin/python benchmarks/layout_against.py ../kcclean-0.1 --issues 200 --seed 2000

The issues (each clean and damaged) are written with this checkout's generator; each
checkout's own kcclean cleans them, in a process of its own, and the articles are matched to
the expected ones by shared text. Printed: article precision, recall and exact headlines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_issues(folder: Path, issues: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    from kcclean_dev import generator

    index = []
    for number in range(seed, seed + issues):
        for damaged in (False, True):
            issue = generator.generate(number, damages=generator.DAMAGES if damaged else ())
            paths = issue.write(folder / f"{number}-{damaged}")
            expected = [{"headline": list(t.headline), "body": list(t.body)} for t in issue.expected]
            index.append({"paths": [str(p) for p in paths], "damaged": damaged, "expected": expected})
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


def score(root: Path, folder: Path) -> dict:
    """Run in the other checkout's process: its kcclean, this file's measure."""
    sys.path.insert(0, str(root))
    import kcclean
    from kcclean.evaluate import Text, match_articles

    assert Path(kcclean.__file__).is_relative_to(root), f"{kcclean.__file__} is not {root}'s kcclean"
    from kcclean.pipeline import clean_files, default_rulebook

    rulebook = default_rulebook()
    tally = {kind: [0, 0, 0, 0] for kind in ("clean", "damaged")}  # matched, predicted, expected, headlines
    for item in json.loads((folder / "index.json").read_text(encoding="utf-8")):
        issues = clean_files([Path(p) for p in item["paths"]], rulebook)
        predicted = [Text(a.id, tuple(a.headline), tuple(a.body)) for i in issues if not isinstance(i, Exception) for a in i.articles]
        expected = [Text(str(k), tuple(e["headline"]), tuple(e["body"])) for k, e in enumerate(item["expected"])]
        pairs = match_articles(predicted, expected)
        counts = tally["damaged" if item["damaged"] else "clean"]
        counts[0] += len(pairs)
        counts[1] += len(predicted)
        counts[2] += len(expected)
        counts[3] += sum(p.headline == r.headline for p, r in pairs)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="another kcclean checkout (a git worktree)")
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument("--score", type=Path, help=argparse.SUPPRESS)  # the folder to score, in a child process
    args = parser.parse_args()
    if args.score:
        print(json.dumps(score(args.other, args.score)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_issues(folder, args.issues, args.seed)
        print(f"{args.issues} issues from seed {args.seed}, each clean and damaged")
        print(f"{'checkout':40} {'kind':8} precision recall headline")
        for root in (args.other.resolve(), ROOT):
            child = [sys.executable, __file__, str(root), "--score", str(folder)]
            tally = json.loads(subprocess.run(child, check=True, capture_output=True, text=True, cwd=root).stdout)
            for kind, (matched, predicted, expected, headlines) in tally.items():
                print(f"{str(root):40} {kind:8} {matched / predicted:9.3f} {matched / expected:6.3f} {headlines / expected:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
