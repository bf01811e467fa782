"""How well kcclean restores damaged transcripts whose clean text is known.

Generates N issues with tests/generator.py (issue seeds SEED, SEED+1, …), runs kcclean on each
exactly as `kcclean fix` reads files, and prints character error rate of the article bodies,
article precision / recall and paragraph-break F1 (kcclean.evaluate's measures), overall and
by layout and by damage type, then the worst issues and what went wrong in them.

    /tmp/v/bin/python benchmarks/quality.py --issues 300 --seed 1
    /tmp/v/bin/python benchmarks/quality.py --issues 300 --seed 1 --dump /tmp/worst

An issue's seed reproduces it alone: `generator.generate(seed)`. With --dump DIR, each of the
worst issues gets DIR/<seed>/: its raw files, expected.txt, actual.txt and problems.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kcclean_dev, the generator and damage models

from kcclean_dev import generator  # noqa: E402
from kcclean_dev.generator import DAMAGES, LAYOUTS, IssueResult, Tally  # noqa: E402

from kcclean.rules import load_rulebook  # noqa: E402

HEADER = f"{'':18} {'issues':>6} {'articles':>8} {'CER':>7} {'precision':>9} {'recall':>7} {'break F1':>8} {'headline':>8}"


def row(name: str, tally: Tally) -> str:
    issues = str(tally.issues) if tally.issues else "-"
    if not tally.articles:
        return f"{name:18} {issues:>6} {0:>8}"
    return (
        f"{name:18} {issues:>6} {tally.articles:>8} {tally.cer:>7.4f} {tally.precision:>9.4f} "
        f"{tally.recall:>7.4f} {tally.break_f1:>8.4f} {tally.headline_accuracy:>8.4f}"
    )


def figures(tally: Tally) -> dict:
    return {
        "issues": tally.issues,
        "articles": tally.articles,
        "cer": round(tally.cer, 4),
        "article_precision": round(tally.precision, 4),
        "article_recall": round(tally.recall, 4),
        "paragraph_break_f1": round(tally.break_f1, 4),
        "headline_accuracy": round(tally.headline_accuracy, 4),
    }


def run(count: int, first_seed: int, only_layouts=LAYOUTS, only_damages=DAMAGES) -> list[IssueResult]:
    rulebook = load_rulebook()
    results = []
    with tempfile.TemporaryDirectory(prefix="kcclean-quality-") as folder:
        for seed in range(first_seed, first_seed + count):
            issue = generator.generate(seed, layouts=only_layouts, damages=only_damages)
            results.append(generator.run_kcclean(issue, Path(folder) / str(seed), rulebook))
    return results


def tallies(results: list[IssueResult]) -> tuple[Tally, dict[str, Tally], dict[str, Tally], dict[str, Tally]]:
    overall = Tally()
    by_layout = {name: Tally() for name in LAYOUTS}
    by_damage = {name: Tally() for name in ("none", *DAMAGES)}
    by_genre = {name: Tally() for name in generator.genres()}
    for result in results:
        overall.add_issue(result)
        by_layout[result.issue.layout].add_issue(result)
        for article in result.articles:
            by_genre[article.log.genre].add_article(article)
            for damage in article.log.damages or ("none",):
                by_damage[damage].add_article(article)
    return overall, by_layout, by_damage, by_genre


def dump(result: IssueResult, folder: Path) -> None:
    target = folder / str(result.issue.seed)
    result.issue.write(target)
    (target / "expected.txt").write_text(generator.render_expected(result.issue.expected), encoding="utf-8")
    (target / "actual.txt").write_text(generator.render_expected(result.predicted), encoding="utf-8")
    (target / "problems.txt").write_text(
        result.issue.describe() + "\n\n" + "\n".join(result.problems(limit=100)) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=300, help="how many issues to generate (300)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first issue (1)")
    parser.add_argument("--worst", type=int, default=5, help="how many of the worst issues to show (5)")
    parser.add_argument("--dump", type=Path, help="write the worst issues' raw, expected and actual text here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    parser.add_argument("--layout", help=f"only these layouts, comma-separated ({','.join(LAYOUTS)})")
    parser.add_argument("--only", help=f"only these damages, comma-separated ({','.join(DAMAGES)}; 'none')")
    args = parser.parse_args(argv)
    only_layouts = tuple(args.layout.split(",")) if args.layout else LAYOUTS
    only_damages = tuple(d for d in args.only.split(",") if d != "none") if args.only else DAMAGES
    for name in only_layouts:
        if name not in LAYOUTS:
            parser.error(f"unknown layout {name!r}")
    for name in only_damages:
        if name not in DAMAGES:
            parser.error(f"unknown damage {name!r}")

    started = time.perf_counter()
    results = run(args.issues, args.seed, only_layouts, only_damages)
    elapsed = time.perf_counter() - started
    overall, by_layout, by_damage, by_genre = tallies(results)
    worst = sorted(results, key=lambda r: (-r.badness, r.issue.seed))[: args.worst]
    if args.dump:
        for result in worst:
            dump(result, args.dump)

    if args.json:
        print(
            json.dumps(
                {
                    "issues": args.issues,
                    "seed": args.seed,
                    "overall": figures(overall),
                    "layout": {k: figures(v) for k, v in by_layout.items()},
                    "damage": {k: figures(v) for k, v in by_damage.items()},
                    "genre": {k: figures(v) for k, v in by_genre.items()},
                    "worst": [{"seed": r.issue.seed, "problems": r.problems()} for r in worst],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0

    print(f"{args.issues} generated issues from seed {args.seed} ({elapsed:.1f} s)\n")
    print(HEADER)
    print(row("overall", overall))
    print("\nby layout")
    for name, tally in by_layout.items():
        print(row(name, tally))
    print("\nby damage (articles with it; an article can have several)")
    for name, tally in by_damage.items():
        print(row(name, tally))
    print("\nby genre (fixtures/corpus/<genre>; paper: the sample and the other fixtures of whole issues)")
    for name, tally in by_genre.items():
        print(row(name, tally))
    print(
        "\nCER: edits / expected characters of the bodies (an unmatched article counts whole);"
        "\nprecision by group: matched / (matched + extra articles holding mostly that group's text);"
        "\nheadline: share of expected articles that came out with exactly the expected headline."
    )
    print(f"\nworst {len(worst)} issues")
    for result in worst:
        s = result.scores
        print(
            f"\nseed {result.issue.seed} ({result.issue.layout}"
            + (f" width {result.issue.width}" if result.issue.width else "")
            + f", {len(result.issue.files)} file(s)): {s.matched}/{s.reference} articles matched, "
            f"{s.predicted} predicted, CER {s.cer:.3f}, break F1 {s.break_f1:.3f}"
        )
        for problem in result.problems():
            print(f"  - {problem}")
    if args.dump:
        print(f"\nraw, expected and actual text of these issues: {args.dump}/<seed>/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
