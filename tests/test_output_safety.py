"""The --out folder against an unlucky or careless run (issue 27): files written into it while
a run works, a damaged manifest, input names that are kcclean's own file names, a full
temporary folder, `--out .`, a symbolic link or a long name as --out, two runs into one
folder, and `rules import` into a folder holding a dangling link. Each test runs the command
as a user would and checks what the user sees: the exit code, the message, the files left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIX, first_article, hidden, run, tree

from kcclean.output.folder import OutputFolder

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample"


pytestmark = pytest.mark.usefixtures("workdir")



def while_running(monkeypatch: pytest.MonkeyPatch, act) -> None:
    """`act()` runs once the run has started writing: after the checks made at its start. (A
    rerun with nothing changed, answered from the last run's record, writes nothing: it works.)"""
    monkeypatch.setattr(FIX, "replayed", lambda *args: None)
    add = OutputFolder.add
    done = []

    def add_then_act(self, *args):
        records = add(self, *args)
        if not done:
            done.append(act())
        return records

    monkeypatch.setattr(OutputFolder, "add", add_then_act)


# ---------------------------------------------------------------- 2. files written during a run


def _edit_an_article() -> str:
    edited = first_article()
    edited.write_text(edited.read_text(encoding="utf-8").replace("村民", "村里的群众"), encoding="utf-8")
    return f"changed since the run started: {edited.as_posix()}"


def _add_a_note() -> str:
    Path("out", "notes.txt").write_text("what I checked\n", encoding="utf-8")
    return "added since the run started: out/notes.txt"


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("edit", [_edit_an_article, _add_a_note], ids=["article-edited", "note-added"])
def test_a_file_written_into_out_while_a_rerun_works_is_never_lost(monkeypatch, edit, force: bool):
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    edits = []
    while_running(monkeypatch, lambda: edits.append((edit(), tree("out"))))
    result = run("fix", SAMPLE, "--out", "out", *(["--force"] if force else []))
    assert result.exit_code == 2, result.output
    listed, during = edits[0]
    assert (
        "kcclean: error: out: files were written while kcclean was running, and replacing the folder would lose "
        f"them ({listed}). The folder is left as it was; nothing was written"
    ) in result.stderr
    assert tree("out") == during, "the folder is as the user left it"
    assert hidden(".") == [], "no staging, old or lock file is left beside it"


def test_a_folder_made_at_out_while_a_run_works_is_not_replaced(monkeypatch):
    def make_a_folder() -> None:
        Path("out").mkdir()
        Path("out", "mine.txt").write_text("my own notes\n", encoding="utf-8")

    while_running(monkeypatch, make_a_folder)
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2, result.output
    assert "added since the run started: out/mine.txt" in result.stderr
    assert tree("out") == {"mine.txt": b"my own notes\n"}
    assert hidden(".") == []


def test_a_rerun_replaces_the_folder_when_nothing_was_written_into_it(monkeypatch):
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    while_running(monkeypatch, lambda: first_article().read_bytes())  # looking is not editing
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    assert hidden(".") == []


# ---------------------------------------------------------------- 7. a damaged manifest


def _truncated(manifest: Path) -> None:
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: len(text) // 2], encoding="utf-8")


def _a_folder(manifest: Path) -> None:
    manifest.unlink()
    manifest.mkdir()


def _no_file_list(manifest: Path) -> None:
    manifest.write_text('{"files": ["01.md"]}\n', encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [(_truncated, "it is not valid JSON"), (_a_folder, "it is not a file"), (_no_file_list, "it lists no files")],
    ids=["truncated", "folder", "no-file-list"],
)
def test_a_damaged_manifest_refuses_to_replace_edited_articles(damage, problem: str):
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    damage(Path("out", ".kcclean"))
    _edit_an_article()
    before = tree("out")
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2, result.output
    assert (
        f"kcclean: error: out/.kcclean: the manifest cannot be read ({problem}), so kcclean cannot tell whether "
        "files in out were edited by hand. Copy your corrections elsewhere, choose another --out, or replace "
        "the folder anyway with --force"
    ) in result.stderr
    assert tree("out") == before and hidden(".") == []
    assert run("fix", SAMPLE, "--out", "out", "--force").exit_code == 0


def test_a_manifest_with_a_byte_order_mark_is_read():
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    manifest = Path("out", ".kcclean")
    manifest.write_text("\ufeff" + manifest.read_text(encoding="utf-8"), encoding="utf-8")  # saved by a Windows editor
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0, "untouched articles are replaced"
    manifest.write_text("\ufeff" + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    listed = _edit_an_article().replace("since the run started", "since kcclean wrote them")
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2 and f"files were edited by hand, and replacing the folder would lose them ({listed})" in result.stderr


# ---------------------------------------------------------------- 8. input names that are kcclean's own files

OWN_FILES = ["articles.jsonl", "issues.jsonl", "report.html", "report.json"]


def test_inputs_named_after_kcclean_s_own_files_are_cleaned_into_folders_of_their_own():
    Path("inbox").mkdir()
    for name in OWN_FILES:  # no masthead: the issue is named after its file
        Path("inbox", f"{name}.txt").write_text("区里召开会议\n\n本报讯（记者 王思）5月8日上午，区里召开会议，部署近期工作。\n", encoding="utf-8")
    result = run("fix", "inbox", "--out", "out")
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in Path("out", "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["path"] for a in articles] == [f"{name}-issue/01-区里召开会议.md" for name in OWN_FILES]
    assert all(Path("out", name).is_file() for name in OWN_FILES)
    assert json.loads(Path("out", "report.json").read_text(encoding="utf-8"))["summary"]["files"] == 4


# ---------------------------------------------------------------- 9. a full temporary folder


def test_a_full_temporary_folder_is_named_and_leaves_nothing_behind(monkeypatch):
    def on_a_full_disk(mode="w+b", buffering=-1, encoding=None, newline=None, **ignored):
        return open("/dev/full", mode, buffering, encoding=encoding, newline=newline)

    monkeypatch.setattr(tempfile, "TemporaryFile", on_a_full_disk)
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 2, result.output
    assert (
        f"kcclean: error: {tempfile.gettempdir()}: cannot write the report's temporary files: "
        "No space left on device (TMPDIR chooses another folder)"
    ) in result.stderr
    assert not Path("out").exists() and hidden(".") == []


# ---------------------------------------------------------------- 11. --out .


@pytest.mark.parametrize(
    ("inside", "out"), [("out", "."), ("out", ""), ("out/2023-05-10_2045", "..")], ids=["dot", "empty", "parent"]
)
def test_out_naming_the_folder_kcclean_runs_in_is_refused_before_any_work(workdir: Path, monkeypatch, inside: str, out: str):
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    before = tree(".")
    monkeypatch.chdir(inside)  # rerunning from within the output, as after looking at it
    result = run("fix", SAMPLE, "--out", out)
    assert result.exit_code == 2, result.output
    assert (
        f"kcclean: error: {Path(out)}: is the folder kcclean runs in, or holds it, and cannot be replaced; "
        "choose another --out"
    ) in result.stderr
    assert "2023-05-10_p1.txt" not in result.stdout, "refused before cleaning"
    assert tree(workdir) == before and hidden(workdir) == []


# ---------------------------------------------------------------- 12. links, long names, two runs at once


def test_rules_import_does_not_write_through_a_dangling_link_out_of_its_folder():
    review = Path("review.toml")
    review.write_text('[[exception]]\nrule = "punct.comma-width"\ntext = "精神,共产"\n', encoding="utf-8")
    Path("mine").mkdir()
    Path("mine", "review.toml").symlink_to(Path("..", "elsewhere.toml"))
    result = run("rules", "import", review, "--dir", "mine")
    assert result.exit_code == 0, result.output
    assert "wrote mine/review-2.toml" in result.stdout
    assert not Path("elsewhere.toml").exists()
    assert Path("mine", "review-2.toml").read_text(encoding="utf-8") == review.read_text(encoding="utf-8")


def test_rules_new_does_not_write_through_a_dangling_link_out_of_its_folder():
    Path("mine").mkdir()
    Path("mine", "house.name.toml").symlink_to(Path("..", "elsewhere.toml"))
    result = run("rules", "new", "house.name", "--dir", "mine")
    assert result.exit_code == 2, result.output
    assert "kcclean: error: mine/house.name.toml: already exists; choose another id or edit it" in result.stderr
    assert not Path("elsewhere.toml").exists()


def test_out_given_as_a_link_replaces_the_folder_it_leads_to():
    assert run("fix", SAMPLE, "--out", "real").exit_code == 0
    Path("out").symlink_to("real")
    result = run("fix", SAMPLE, "--out", "out")
    assert result.exit_code == 0, result.output
    assert Path("out").is_symlink() and os.readlink("out") == "real"
    assert (Path("real") / "report.html").is_file()
    assert hidden(".") == [], "no .out.old link is left"


def test_a_long_out_name_is_written_and_replaced():
    out = "o" * 250  # a legal name: at most 255 bytes
    assert run("fix", SAMPLE, "--out", out).exit_code == 0
    result = run("fix", SAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    assert Path(out, "report.html").is_file() and hidden(".") == []


def test_a_second_run_into_the_same_out_refuses_while_the_first_works(monkeypatch):
    assert run("fix", SAMPLE, "--out", "out").exit_code == 0
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    second = []
    command = [sys.executable, "-m", "kcclean", "fix", str(SAMPLE), "--out", "out"]
    while_running(monkeypatch, lambda: second.append(subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)))
    first = run("fix", SAMPLE, "--out", "out")
    assert first.exit_code == 0, first.output
    assert second[0].returncode == 2, second[0].stderr
    assert (
        "kcclean: error: out: another kcclean run is writing this folder; wait for it to finish or choose another --out"
        in second[0].stderr
    )
    assert hidden(".") == []
