"""kcclean eval: the measures, on hand-made cases whose figures are known."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.evaluate import Text, load_articles, score

GOLD = [
    Text("a", ("区领导督导疫情防控工作",), ("本报讯（记者 方心怡）入冬以来，疫情继续蔓延。", "1月18日下午，区委书记率队督导。")),
    Text("b", ("柯城公安查处一起案件",), ("本报讯 1月15日，吴某因扰乱秩序被拘留。",)),
]


def test_identical_articles_score_perfectly() -> None:
    scores = score(GOLD, GOLD)
    assert (scores.precision, scores.recall, scores.cer, scores.break_f1) == (1.0, 1.0, 0.0, 1.0)


def test_a_wrong_join_costs_one_break_and_no_characters() -> None:
    joined = Text("a", GOLD[0].headline, ("".join(GOLD[0].body),))
    scores = score([joined, GOLD[1]], GOLD)
    assert scores.cer == 0.0
    assert (scores.breaks_found, scores.breaks_predicted, scores.breaks_reference) == (0, 0, 1)
    assert scores.break_f1 == 0.0


def test_a_missing_article_costs_recall_and_all_its_characters() -> None:
    scores = score([GOLD[0]], GOLD)
    assert (scores.precision, scores.recall) == (1.0, 0.5)
    assert scores.cer == pytest.approx(len(GOLD[1].joined) / (len(GOLD[0].joined) + len(GOLD[1].joined)))


def test_character_errors_are_counted_against_the_reference() -> None:
    damaged = Text("a", GOLD[0].headline, ("本报讯(记者 方心怡)入冬以来,疫情继续蔓延。", GOLD[0].body[1]))
    scores = score([damaged, GOLD[1]], GOLD)
    assert scores.edits == 3
    assert scores.break_f1 == 1.0


def test_an_extra_article_costs_precision() -> None:
    extra = Text("c", ("树正气 打歪风",), ("回眸“十三五”喜看新变化",))
    scores = score([*GOLD, extra], GOLD)
    assert (scores.precision, scores.recall) == (pytest.approx(2 / 3), 1.0)


def test_eval_reads_output_folders_markdown_and_expected_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["fix", str(FIXTURES / "sample"), "--out", "out"]).exit_code == 0
    expected = FIXTURES / "sample" / "sample.expected"
    for predicted in ("out", "out/articles.jsonl", "out/2023-05-10_2045"):
        result = runner.invoke(app, ["eval", predicted, str(expected), "--json"])
        assert result.exit_code == 0, result.output
        assert '"cer": 0.0' in result.output and '"article_recall": 1.0' in result.output
    assert len(load_articles(tmp_path / "out" / "2023-05-10_2045")) == 4


def test_eval_of_a_missing_folder_is_an_input_error() -> None:
    result = CliRunner().invoke(app, ["eval", "nowhere", "nowhere-else"])
    assert result.exit_code == 2
    assert "nowhere: no such file or folder" in result.output
