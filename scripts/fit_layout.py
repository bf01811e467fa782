"""Fit kcclean's layout model and measure it on text it was not fitted on.

    .venv/bin/python scripts/fit_layout.py                 # fit, write kcclean/data/layout-model.toml
    .venv/bin/python scripts/fit_layout.py --check         # fit, and fail if the shipped file differs
    .venv/bin/python scripts/fit_layout.py --held-out      # also leave one genre out, and one layout

The training pages are the project's own: the generator's issues (kcclean_dev/generator.py:
every layout, every kind of damage, articles of every genre of fixtures/corpus) and the
labelled fixture pages (a `*.labels` file beside each page). The real transcripts
(../shared/seeds) are never fitted on: the tests hold the model to them. The fit is
deterministic: the same pages give the same file, byte for byte.

Held out, for each genre in turn, the model is fitted without any page that holds an article
of that genre and measured on generated issues that do (only that genre's articles counted),
clean and damaged, and on the genre's own corpus page (clean); for each layout in turn,
without the generator's issues of that layout. Figures: article precision and recall,
headline accuracy (the exact headline lines) and paragraph-break F1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kcclean_dev

from kcclean.evaluate import Text, load_articles, match_articles  # noqa: E402
from kcclean.layout.decisions import LayoutModel, write_model  # noqa: E402
from kcclean.layout.fitting import Prepared, add_jumps, fit, prepare  # noqa: E402
from kcclean.pipeline import clean_files  # noqa: E402
from kcclean.rules import load_rulebook  # noqa: E402
from kcclean_dev import generator  # noqa: E402
from kcclean_dev.labels import fixture_issues, from_generated  # noqa: E402

MODEL = ROOT / "kcclean" / "data" / "layout-model.toml"
TRAINING_ISSUES = range(0, 1500)  # generator seeds fitted on
TEST_ISSUES = range(500_000, 500_600)  # generator seeds measured on (never fitted)
PER_GENRE = 12  # held-out issues per genre and kind (clean, damaged)
# A labelled fixture page counts this many times: the generator's issues are many, but they
# know only the layouts and genres it prints; the fixtures are pages as papers print them.
FIXTURE_WEIGHT = 10


def training(rulebook) -> list[tuple[Prepared, set[str], str]]:
    """Every training page, prepared, with the genres of its articles and its layout."""
    pages = []
    for seed in TRAINING_ISSUES:
        issue = generator.generate(seed)
        genres = {log.genre for log in issue.articles}
        prepared = [prepare(page, rulebook) for page in from_generated(issue)]
        add_jumps(prepared)
        pages += [(page, genres, issue.layout) for page in prepared]
    for fixture in fixture_issues(ROOT / "fixtures"):
        prepared = [prepare(page, rulebook) for page in fixture]
        add_jumps(prepared)
        for page in prepared:
            pages += [(page, {page.page.genre}, "fixture")] * FIXTURE_WEIGHT
    return pages


def fitted(
    pages: list[tuple[Prepared, set[str], str]], keep: Callable[[set[str], str], bool], trained_on: str, start: LayoutModel | None = None
) -> LayoutModel:
    chosen = [prepared for prepared, genres, layout in pages if keep(genres, layout)]
    return fit(chosen, trained_on=trained_on, start=start)


# --- measuring --------------------------------------------------------------------------


class Score:
    """Articles matched, predicted and expected, headlines exact, and breaks, summed."""

    def __init__(self) -> None:
        self.matched = self.predicted = self.expected = self.headlines = 0
        self.breaks_found = self.breaks_predicted = self.breaks_expected = 0

    def add(self, predicted: list[Text], expected: list[Text], counted: Callable[[Text], bool] = lambda t: True) -> None:
        pairs = {id(ref): pred for pred, ref in match_articles(predicted, expected)}
        matched_predictions = {id(pred) for pred in pairs.values()}
        for ref in expected:
            if not counted(ref):
                continue
            self.expected += 1
            pred = pairs.get(id(ref))
            if pred is None:
                continue
            self.matched += 1
            self.predicted += 1
            self.headlines += pred.headline == ref.headline
            found, made, wanted = _breaks(pred, ref)
            self.breaks_found, self.breaks_predicted, self.breaks_expected = (
                self.breaks_found + found, self.breaks_predicted + made, self.breaks_expected + wanted
            )
        for pred in predicted:  # an extra article counts against the genre whose text it holds most
            if id(pred) in matched_predictions:
                continue
            home = max(expected, key=lambda ref: _shared(pred, ref), default=None)
            if home is not None and counted(home) and _shared(pred, home) > 0:
                self.predicted += 1

    def figures(self) -> tuple[float, float, float, float]:
        precision = self.matched / self.predicted if self.predicted else 1.0
        recall = self.matched / self.expected if self.expected else 1.0
        headline = self.headlines / self.expected if self.expected else 1.0
        total = self.breaks_predicted + self.breaks_expected
        f1 = 2 * self.breaks_found / total if total else 1.0
        return precision, recall, headline, f1


def _shared(a: Text, b: Text) -> int:
    from rapidfuzz.distance import Indel

    return (len(a.joined) + len(b.joined) - Indel.distance(a.joined, b.joined)) // 2


def _breaks(pred: Text, ref: Text) -> tuple[int, int, int]:
    from kcclean.evaluate import _breaks as breaks

    return breaks(pred, ref)


def cleaned(paths: list[Path], rulebook, model: LayoutModel) -> list[Text]:
    return [
        Text(a.id, tuple(a.headline), tuple(a.body))
        for issue in clean_files(paths, rulebook, model)
        if not isinstance(issue, Exception)
        for a in issue.articles
    ]


def held_out_issues(genre: str, damaged: bool) -> list[generator.GeneratedIssue]:
    damages = generator.DAMAGES if damaged else ()
    found = []
    for seed in TEST_ISSUES:
        issue = generator.generate(seed, damages=damages)
        if any(log.genre == genre for log in issue.articles):
            found.append(issue)
            if len(found) == PER_GENRE:
                break
    return found


def measure_genre(genre: str, rulebook, model: LayoutModel, folder: Path) -> tuple[Score, Score]:
    clean, damaged = Score(), Score()
    for score, kind in ((clean, False), (damaged, True)):
        for issue in held_out_issues(genre, kind):
            genres = {text.id: log.genre for log, text in zip(issue.articles, issue.expected)}
            paths = issue.write(folder / f"{genre}-{kind}-{issue.seed}")
            score.add(cleaned(paths, rulebook, model), issue.expected, lambda text: genres[text.id] == genre)
    page = ROOT / "fixtures" / "corpus" / genre / "page.txt"
    if page.is_file():
        clean.add(cleaned([page], rulebook, model), load_articles(page.with_suffix(".expected")))
    return clean, damaged


def measure_layout(layout: str, rulebook, model: LayoutModel, folder: Path) -> tuple[Score, Score]:
    clean, damaged = Score(), Score()
    for score, damages in ((clean, ()), (damaged, generator.DAMAGES)):
        for seed in TEST_ISSUES[:60]:
            issue = generator.generate(seed, layouts=(layout,), damages=damages)
            paths = issue.write(folder / f"{layout}-{bool(damages)}-{seed}")
            score.add(cleaned(paths, rulebook, model), issue.expected)
    return clean, damaged


def row(name: str, clean: Score, damaged: Score) -> str:
    c, d = clean.figures(), damaged.figures()
    return f"{name:18} {c[0]:6.3f} {c[1]:6.3f} {c[2]:6.3f} {c[3]:6.3f}   {d[0]:6.3f} {d[1]:6.3f} {d[2]:6.3f} {d[3]:6.3f}"


HEADER = (
    "                     clean pages                      damaged pages\n"
    "held out           prec.  recall headl. break F1   prec.  recall headl. break F1"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped model file differs from the fit")
    parser.add_argument("--held-out", action="store_true", help="leave one genre out, then one layout out")
    parser.add_argument(
        "--genre", action="append", default=[], metavar="NAME",
        help="with --held-out: leave out only this genre (repeatable), and no layout: a quicker look at one genre",
    )
    args = parser.parse_args()
    rulebook = load_rulebook()
    started = time.time()
    pages = training(rulebook)
    lines = sum(len(p.labels) for p, _, _ in pages)
    breaks = sum(len(p.breaks) for p, _, _ in pages)
    jumps = sum(len(p.jumps) for p, _, _ in pages)
    print(f"{len(pages)} labelled pages ({lines} lines, {breaks} breaks, {jumps} page-jump choices), prepared in {time.time() - started:.0f} s")
    description = f"{len(TRAINING_ISSUES)} generated issues (seeds {TRAINING_ISSUES.start}-{TRAINING_ISSUES.stop - 1}) and the labelled fixture pages"
    model = fitted(pages, lambda genres, layout: True, description)
    text = write_model(model)
    if args.check:
        same = MODEL.is_file() and MODEL.read_text(encoding="utf-8") == text
        print("the shipped model is the fit, byte for byte" if same else f"{MODEL} differs from the fit")
        if not same:
            return 1
    else:
        MODEL.write_text(text, encoding="utf-8")
        print(f"wrote {MODEL.relative_to(ROOT)} ({len(model.state)} line features, {len(model.breaks)} break features)")
    if not args.held_out:
        return 0
    genres = args.genre or sorted({genre for _, found, _ in pages for genre in found})
    with tempfile.TemporaryDirectory() as folder:
        print("\nleave one genre out: fitted without any page holding it, measured on it")
        print(HEADER)
        for genre in genres:
            held = fitted(pages, lambda found, layout, genre=genre: genre not in found, f"all but {genre}", model)
            print(row(genre, *measure_genre(genre, rulebook, held, Path(folder))), flush=True)
        print("\nleave one layout out: fitted without the generator's issues of that layout")
        print(HEADER)
        for layout in [] if args.genre else generator.LAYOUTS:
            held = fitted(pages, lambda found, kind, layout=layout: kind != layout, f"all but {layout}", model)
            print(row(layout, *measure_layout(layout, rulebook, held, Path(folder))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
