"""What a run tells and takes beyond the cleaning itself: a warning for issue keys that repeat,
file names cut between words, joins and moves shown with their context, standard input (`-`),
settings found in a parent folder. Run the way a user runs kcclean, in a fresh working folder
(conftest's `workdir`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run
from test_cli import P1, P2, SAMPLE, jsonl, report
from typer.testing import CliRunner

from kcclean.cli import app

pytestmark = pytest.mark.usefixtures("workdir")


def _front_pages(copies: int) -> list[Path]:
    """`copies` copies of the sample's front page (2023-05-10, issue 2045), each after a front
    page of the next day's issue (2046), as a folder of a year's scans can hold them."""
    text = (SAMPLE / P1).read_text(encoding="utf-8")
    other = text.replace("2023年5月10日", "2023年5月11日").replace("第2045期", "第2046期")
    folder = Path("scans")
    folder.mkdir()
    for n in range(1, copies + 1):
        (folder / f"{n:02d}a.txt").write_text(other, encoding="utf-8")
        (folder / f"{n:02d}b.txt").write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_repeated_issue_key_is_a_warning_once_naming_its_files(workdir: Path, jobs: str):
    _front_pages(12)
    result = run("fix", "scans", "--out", "out", "--jobs", jobs)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "issues have the key" in line]
    assert warned == [
        "kcclean: warning: 12 issues have the key 2023-05-11_2046 (01a.txt, 02a.txt, 03a.txt, 04a.txt, 05a.txt, "
        "06a.txt, 07a.txt, 08a.txt, 09a.txt, 10a.txt and 2 more), kept apart as 2023-05-11_2046 … 2023-05-11_2046-12: "
        "are some pages there twice, or is a masthead's date or issue number wrong?",
        "kcclean: warning: 12 issues have the key 2023-05-10_2045 (01b.txt, 02b.txt, 03b.txt, 04b.txt, 05b.txt, "
        "06b.txt, 07b.txt, 08b.txt, 09b.txt, 10b.txt and 2 more), kept apart as 2023-05-10_2045 … 2023-05-10_2045-12: "
        "are some pages there twice, or is a masthead's date or issue number wrong?",
    ]
    data = report(workdir / "out")
    repeated = [w for w in data["warnings"] if "issues have the key" in w["message"]]
    assert [(w["source"], w["article"]) for w in repeated] == [("01a.txt", None), ("01b.txt", None)]
    assert [w["message"] for w in repeated] == [line.removeprefix("kcclean: warning: ") for line in warned]
    assert data["summary"]["warnings"] == len(data["warnings"])
    assert [i["key"] for i in jsonl(workdir / "out" / "issues.jsonl")][-2:] == ["2023-05-11_2046-12", "2023-05-10_2045-12"]


@pytest.mark.parametrize("command", ["check", "diff"])
def test_check_and_diff_warn_of_a_repeated_issue_key_too(workdir: Path, command: str):
    text = (SAMPLE / P1).read_text(encoding="utf-8")
    Path("a.txt").write_text(text, encoding="utf-8")
    Path("b.txt").write_text(text.replace("2023年5月10日", "2023年5月11日"), encoding="utf-8")
    Path("c.txt").write_text(text, encoding="utf-8")
    result = run(command, "a.txt", "b.txt", "c.txt")
    assert result.exit_code == (1 if command == "check" else 0)
    assert result.stderr.count("issues have the key") == 1
    assert "2 issues have the key 2023-05-10_2045 (a.txt, c.txt), kept apart as 2023-05-10_2045 and 2023-05-10_2045-2" in result.stderr


def test_an_article_file_name_is_cut_between_words(workdir: Path):
    Path("page.txt").write_text(
        "市政协召开推进县域医共体建设工作专题协商会召开第二次会议\n\n本报讯（记者 王思）5月8日上午，市政协召开专题协商会。\n\n"
        "市政协召开推进县域医共体建设工作专题协商会召开第三次会议\n\n本报讯（记者 王思）5月9日上午，市政协再次召开专题协商会。\n",
        encoding="utf-8",
    )
    result = run("fix", "page.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    paths = [a["path"] for a in jsonl(workdir / "out" / "articles.jsonl")]
    assert paths == ["page/01-市政协召开推进县域医共体建设工作专题协商会召开.md", "page/02-市政协召开推进县域医共体建设工作专题协商会召开.md"]
    assert all((workdir / "out" / path).is_file() and len(Path(path).name.encode()) <= 255 for path in paths)


MOVED = Path(__file__).resolve().parents[1] / "fixtures" / "cases" / "wrapped-displaced-lead" / "input.txt"


@pytest.mark.parametrize("command", [["check"], ["fix", "--dry-run"]])
def test_joins_and_moves_are_shown_in_the_text_around_them(workdir: Path, command: list[str]):
    for page in (P1, P2):
        shutil.copy(SAMPLE / page, page)
    shutil.copy(MOVED, "moved.txt")
    result = run(*command, P1, P2, "moved.txt")
    lines = [line.strip() for line in result.stdout.splitlines()]
    # a paragraph cut by a blank line, joined again
    assert f"{P1}:29:90  join.broken-wrap  …企业统一提供原料、培训技[-⏎⏎-]术、回收成品，村集体负责…" in lines
    # joined to text that is not next to it (the page jump)
    assert f"{P1}:41:99  join.broken-wrap  …转变，让更多群众在家门口[-⏎-] ⇢ 实现稳定就业、持续增收。…" in lines
    # a line wrap, and the lead moved back under its headline
    assert "moved.txt:4:17  join.line-wrap  …和快递分拨中心。园区负责[-⏎-]人徐海涛介绍，旺季时园区…" in lines
    assert "moved.txt:16:3  move.displaced-lead  \u3000\u3000<<moved: 本报讯（记者 吴思远 通讯>>" in lines
    assert not [line for line in lines if "⏎ → ∅" in line or "∅ → ∅" in line]
    # an invisible character is named, as kcclean diff names it
    assert f"{P1}:37:134  stray.invisible  <U+200B> → ∅" in lines


# a subprocess imports kcclean from this checkout, wherever it is installed from
THIS_CHECKOUT = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
UNDATED = "柯城召开会议\n\n本报讯（记者 王思）5月8日上午,区里召开会议，部署近期工作。\n"


def test_fix_reads_standard_input_as_one_issue_named_stdin(workdir: Path):
    result = CliRunner().invoke(app, ["fix", "-", "--out", "out"], input=UNDATED.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "<stdin>  utf-8  1 article  1 fix  0 suggestions  0 warnings"
    (article,) = jsonl(workdir / "out" / "articles.jsonl")
    assert (article["source"], article["path"]) == ("<stdin>", "stdin/01-柯城召开会议.md")
    assert article["body"] == ["本报讯（记者 王思）5月8日上午，区里召开会议，部署近期工作。"]
    assert [i["sources"] for i in jsonl(workdir / "out" / "issues.jsonl")] == [["<stdin>"]]
    assert report(workdir / "out")["changes"][0]["source"] == "<stdin>"


@pytest.mark.parametrize(
    ("command", "code", "shown"),
    [
        ("check", 1, "<stdin>:3:17  punct.comma-width  , → ，"),
        ("diff", 0, "<stdin>"),
    ],
)
def test_check_and_diff_read_standard_input(workdir: Path, command: str, code: int, shown: str):
    result = CliRunner().invoke(app, [command, "-", "--no-color"] if command == "diff" else [command, "-"], input=UNDATED.encode())
    assert result.exit_code == code, result.output
    assert shown in result.stdout
    empty = CliRunner().invoke(app, [command, "-"], input=b"")
    assert empty.exit_code == 2 and "kcclean: skipped <stdin>: empty file: nothing to clean" in empty.stderr


def test_standard_input_among_files_in_a_run_with_workers(workdir: Path):
    """Standard input is read once, by kcclean itself, whatever --jobs says: the sample's
    front page piped in and its second page named make one issue, as the two files do."""
    shutil.copy(SAMPLE / P2, P2)
    done = subprocess.run(
        [sys.executable, "-m", "kcclean", "fix", "-", P2, "--out", "out", "--jobs", "2"],
        input=(SAMPLE / P1).read_bytes(), capture_output=True, timeout=120, check=False, env=THIS_CHECKOUT,
    )
    assert done.returncode == 0, done.stderr.decode()
    issues = jsonl(workdir / "out" / "issues.jsonl")
    assert [i["sources"] for i in issues] == [["<stdin>", P2]]
    assert {a["source"] for a in jsonl(workdir / "out" / "articles.jsonl")} == {"<stdin>", P2}
    dask = subprocess.run(
        [sys.executable, "-m", "kcclean", "fix", "-", "--engine", "dask", "--out", "x"],
        input=(SAMPLE / P1).read_bytes(), capture_output=True, timeout=120, check=False, env=THIS_CHECKOUT,
    )
    assert dask.returncode == 2 and b"standard input (-) is read here, not on a Dask cluster" in dask.stderr


HOUSE_RULE = """
[[rule]]
id = "house.district"
description = "OCR reads 柯城区 as 柯成区."
kind = "regex"
pattern = '柯成区'
replacement = "柯城区"

[[rule.example]]
text = "柯成区召开会议"
fixed = "柯城区召开会议"

[[rule.example]]
text = "柯城区召开会议"
"""
DAMAGED = "柯成区召开会议\n\n本报讯（记者 王思）5月8日上午,柯成区召开会议，部署近期工作。\n"


def _project(workdir: Path) -> Path:
    """A project whose settings are at its top, and a folder of scans two levels down."""
    (workdir / "my_rules").mkdir()
    (workdir / "my_rules" / "house.toml").write_text(HOUSE_RULE, encoding="utf-8")
    (workdir / "kcclean.toml").write_text('rules = ["my_rules"]\nignore = ["punct"]\n', encoding="utf-8")
    scans = workdir / "scans" / "2021"
    scans.mkdir(parents=True)
    (scans / "page.txt").write_text(DAMAGED, encoding="utf-8")
    (workdir / "scans" / "pyproject.toml").write_text('[project]\nname = "scans"\n', encoding="utf-8")  # no [tool.kcclean]: passed over
    return scans


def _body(folder: Path) -> str:
    return jsonl(folder / "out" / "articles.jsonl")[0]["body"][0]


def test_settings_in_a_parent_folder_are_used_with_paths_relative_to_them(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    scans = _project(workdir)
    monkeypatch.chdir(scans)
    result = run("fix", "page.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert _body(scans) == "本报讯（记者 王思）5月8日上午,柯城区召开会议，部署近期工作。"  # the house rule, and punct ignored
    (house,) = [line.split() for line in run("rules", "list").stdout.splitlines() if line.startswith("house.")]
    assert house[:2] == ["house.district", "safe"] and house[4] == f"{workdir / 'my_rules' / 'house.toml'}:2"


def test_the_nearest_settings_win(workdir: Path, monkeypatch: pytest.MonkeyPatch):
    scans = _project(workdir)
    (scans / "kcclean.toml").write_text('ignore = ["stray"]\n', encoding="utf-8")
    monkeypatch.chdir(scans)
    result = run("fix", "page.txt", "--out", "out")
    assert result.exit_code == 0, result.output
    assert _body(scans) == "本报讯（记者 王思）5月8日上午，柯成区召开会议，部署近期工作。"  # the top's rules and ignore not read
    (scans / "kcclean.toml").unlink()
    (workdir / "scans" / "pyproject.toml").write_text('[tool.kcclean]\nignore = ["punct"\n', encoding="utf-8")
    broken = run("check", "page.txt")
    assert broken.exit_code == 2 and f"{workdir / 'scans' / 'pyproject.toml'}:3: TOML syntax" in broken.stderr
