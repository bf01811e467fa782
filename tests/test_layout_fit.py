"""`kcclean layout fit`: a paper laid out as the shipped model has never seen is learnt from part
of its hand-corrected articles, and the fitted model is used by `--layout-model` and by
`layout_model` in kcclean.toml."""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.evaluate import Scores, Text, load_articles, score
from kcclean.layout.decisions import builtin_model, load_model, read_model, write_model
from kcclean.layout.labelling import labels_from_references
from kcclean.pipeline import clean_files
from kcclean.rules import load_rulebook
from kcclean_dev import generator
from kcclean_dev.labels import from_generated

pytest.importorskip("scipy")

FITTED_ON = range(800_000, 800_032)  # the user's corrected issues
MEASURED_ON = range(700_000, 700_030)  # issues of the same paper the fit never saw
UNSEEN = generator.UNSEEN_LAYOUTS[0]
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample"


def run(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def write_paper(folder: Path, seeds: range) -> tuple[Path, Path]:
    """Raw pages and hand-corrected articles of a paper in the unseen layout, one subfolder
    per issue, the articles' front matter naming their pages as kcclean names them."""
    for seed in seeds:
        issue = generator.generate(seed, layouts=(UNSEEN,))
        issue.write(folder / "raw" / str(seed))
        issue.write_references(folder / "corrected" / str(seed), f"{seed}/")
    return folder / "raw", folder / "corrected"


def measured(model, seeds: range, folder: Path) -> Scores:
    rulebook = load_rulebook()
    total = Scores(0, 0, 0, 0, 0, 0, 0, 0)
    for seed in seeds:
        issue = generator.generate(seed, layouts=(UNSEEN,))
        paths = issue.write(folder / str(seed))
        predicted = [Text(a.id, tuple(a.headline), tuple(a.body)) for i in clean_files(paths, rulebook, model) for a in i.articles]
        total += score(predicted, issue.expected)
    return total


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """The model fitted on the corrected issues, the command's output, and its folder."""
    folder = tmp_path_factory.mktemp("paper")
    raw, corrected = write_paper(folder, FITTED_ON)
    result = run("layout", "fit", raw, corrected, "--out", folder / "my-layout.toml")
    assert result.exit_code == 0, result.output
    return folder / "my-layout.toml", result.stdout, folder


def test_a_layout_the_shipped_model_never_saw_is_learnt_from_a_users_corrections(fitted, tmp_path: Path):
    path, _, _ = fitted
    before = measured(builtin_model(), MEASURED_ON, tmp_path / "before")
    after = measured(load_model(path), MEASURED_ON, tmp_path / "after")
    assert before.recall < 0.92 and before.headline_accuracy < 0.9, "the layout is no longer unseen: pick another"
    assert after.recall >= before.recall + 0.05 and after.recall >= 0.95
    assert after.headline_accuracy >= before.headline_accuracy + 0.08 and after.headline_accuracy >= 0.95
    assert after.precision >= before.precision - 0.01
    assert after.break_f1 >= before.break_f1


def test_the_fit_prints_held_out_scores_before_and_after_and_the_weights_that_moved(fitted):
    _, output, _ = fitted
    rows = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in output.splitlines() if line.strip().startswith(("before", "after"))}
    assert set(rows) == {"before", "after"}, output
    assert rows["after"][1] > rows["before"][1] and rows["after"][2] > rows["before"][2], output  # recall, headlines
    assert "the weights that moved most:" in output and " → " in output
    assert "--layout-model" in output


def test_the_fit_is_deterministic(fitted, tmp_path: Path):
    path, _, folder = fitted
    again = run("layout", "fit", folder / "raw", folder / "corrected", "--out", tmp_path / "again.toml")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again.toml").read_bytes() == path.read_bytes()


def test_the_corrected_md_files_count_not_the_uncorrected_index_beside_them(fitted, tmp_path: Path):
    """A corrected copy of kcclean's output still holds its articles.jsonl, uncorrected."""
    path, _, folder = fitted
    corrected = tmp_path / "corrected"
    shutil.copytree(folder / "corrected", corrected)
    stale = {"id": "x", "sources": ["800000/" + name.name for name in (folder / "raw" / "800000").glob("*.txt")], "headline": ["旧"], "body": ["旧文"]}
    (corrected / "articles.jsonl").write_text(json.dumps(stale, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("layout", "fit", folder / "raw", corrected, "--out", tmp_path / "m.toml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.toml").read_bytes() == path.read_bytes()


def test_fix_uses_the_fitted_model_from_the_option_and_from_kcclean_toml(fitted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path, _, _ = fitted
    issue = next(i for seed in MEASURED_ON if len((i := generator.generate(seed, layouts=(UNSEEN,))).expected) > 0)
    raw = tmp_path / "raw"
    issue.write(raw)
    rulebook = load_rulebook()
    expected = [a.headline for i in clean_files(sorted(raw.glob("*.txt")), rulebook, load_model(path)) for a in i.articles]
    shipped = [a.headline for i in clean_files(sorted(raw.glob("*.txt")), rulebook, builtin_model()) for a in i.articles]
    monkeypatch.chdir(tmp_path)
    assert run("fix", raw, "--out", "by-option", "--layout-model", path, "-j", "1").exit_code == 0
    (tmp_path / "kcclean.toml").write_text(f'layout_model = "{path.name}"\n', encoding="utf-8")
    path_copy = tmp_path / path.name
    path_copy.write_bytes(path.read_bytes())
    assert run("fix", raw, "--out", "by-setting", "-j", "1").exit_code == 0
    for out in ("by-option", "by-setting"):
        assert [tuple(a.headline) for a in load_articles(tmp_path / out)] == [tuple(h) for h in expected], out
    assert expected != shipped, "the issue does not tell the models apart: pick another"


@pytest.mark.parametrize(
    "model_text, problem",
    [("[model]\nformat = 99\n", "this kcclean reads format"), ("not toml [", "not a kcclean layout model"), (None, "cannot read")],
    ids=["other format", "not toml", "missing"],
)
def test_a_broken_layout_model_stops_the_run_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_text, problem):
    monkeypatch.chdir(tmp_path)
    model = tmp_path / "mine.toml"
    if model_text is not None:
        model.write_text(model_text, encoding="utf-8")
    result = run("fix", SAMPLE, "--out", "out", "--layout-model", model)
    assert result.exit_code == 2
    assert "mine.toml" in result.stderr and problem in result.stderr
    assert not (tmp_path / "out").exists()


def test_references_that_name_none_of_the_pages_are_an_input_error(tmp_path: Path):
    raw, corrected = write_paper(tmp_path, range(800_000, 800_001))
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text((next(raw.rglob("*.txt"))).read_text(encoding="utf-8"), encoding="utf-8")
    result = run("layout", "fit", other, tmp_path / "corrected", "--out", tmp_path / "m.toml")
    assert result.exit_code == 2 and "nothing to fit on" in result.stderr
    assert not (tmp_path / "m.toml").exists()


def test_fitting_without_numpy_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    raw, corrected = write_paper(tmp_path, range(800_000, 800_002))
    monkeypatch.setitem(sys.modules, "numpy", None)
    result = run("layout", "fit", raw, corrected, "--out", tmp_path / "m.toml", "--test-every", "0")
    assert result.exit_code == 2 and "pip install 'kcclean[fit]'" in result.stderr
    assert not (tmp_path / "m.toml").exists()


@pytest.mark.parametrize("layout", [*generator.LAYOUTS, *generator.UNSEEN_LAYOUTS])
def test_labels_read_off_corrected_articles_are_the_generators_own(layout: str):
    """The labels `layout fit` reads off a user's corrections agree with what the generator
    knows it printed, damage included (a jumped article's shortened headline and a banner
    over the first article are the known misses)."""
    agree = Counter()
    for seed in range(810_000, 810_030):
        issue = generator.generate(seed, layouts=(layout,))
        for page in from_generated(issue):
            read = labels_from_references(page.source, [t for t in issue.expected if page.name in t.sources])
            agree.update(a == b for a, b in zip(page.labels, read.labels))
            agree.update(f"join {a == b}" for a, b in zip(page.joins, read.joins) if a is not None)
    assert agree[True] / (agree[True] + agree[False]) >= 0.97, agree
    assert agree["join True"] / (agree["join True"] + agree["join False"]) >= 0.97, agree


def test_the_shipped_model_file_is_what_write_model_writes_for_it():
    text = (Path(__file__).resolve().parents[1] / "kcclean" / "data" / "layout-model.toml").read_text(encoding="utf-8")
    assert write_model(read_model(text, "shipped")) == text


def test_a_model_trained_on_a_folder_of_any_name_is_written_as_valid_toml() -> None:
    """`trained_on` names the user's folders: a line break, DEL, quotes or bytes that are not
    UTF-8 in a name must not make the model file unreadable."""
    model = replace(builtin_model(), trained_on='scans\n[roles]\x7f "2024" \\ \udcff')
    assert read_model(write_model(model), "test").trained_on == 'scans\n[roles]\x7f "2024" \\ \\xff'
