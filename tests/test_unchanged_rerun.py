"""A rerun of `fix` with nothing changed is answered from the last run's record
(kcclean/cli/unchanged.py): it reads, cleans and writes nothing, and says and exits as that
run did. Anything that could change the output or the words makes a full run."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import FIX, FIXTURES, run, tree

from kcclean.cli import unchanged
from kcclean.output.folder import OutputFolder
from kcclean.output.hashed import Hashed
from kcclean.output.lock import FolderLock
from kcclean_dev.rule_files import table_rule

pytestmark = pytest.mark.usefixtures("workdir")


@pytest.fixture(autouse=True)
def _inputs_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inputs here are written by the test itself, a moment before the run."""
    monkeypatch.setattr(unchanged, "_SETTLED_NS", 0)


def _issue(folder: str = "in") -> Path:
    """The sample issue, with a byte that is not UTF-8 (a warning) in its second page."""
    shutil.copytree(FIXTURES / "sample", folder, ignore=shutil.ignore_patterns("*.labels", "*.expected"))
    page = Path(folder, "2023-05-10_p2.txt")
    data = page.read_bytes()
    stop = data.index("。".encode())
    page.write_bytes(data[:stop] + b"\xff" + data[stop:])
    return Path(folder)


def _nothing_is_cleaned_or_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FIX, "clean_files", lambda *args, **kwargs: pytest.fail("the rerun cleaned"))
    monkeypatch.setattr(OutputFolder, "__enter__", lambda self: pytest.fail("the rerun wrote"))


@pytest.mark.parametrize("quiet", [(), ("-q",)], ids=["said", "quiet"])
def test_a_rerun_with_nothing_changed_says_and_exits_as_the_run_did_and_touches_nothing(quiet, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _issue()
    first = run("fix", "--jobs", "1", inputs, "missing.txt", "--out", "out", *quiet)
    assert first.exit_code == 2 and "skipped missing.txt" in first.output
    assert ("byte 178 (0xFF) is not UTF-8" in first.output) != bool(quiet)  # a warning, unless quiet
    written = {path: os.lstat(path) for path in Path("out").rglob("*")}
    with monkeypatch.context() as patched:
        _nothing_is_cleaned_or_written(patched)
        again = run("fix", "--jobs", "1", inputs, "missing.txt", "--out", "out", *quiet)
    assert (again.exit_code, again.output) == (first.exit_code, first.output)
    assert {path: os.lstat(path) for path in Path("out").rglob("*")} == written


def test_a_quiet_rerun_of_a_run_that_said_everything_says_what_a_quiet_run_says(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "missing.txt", "--out", "out")
    with monkeypatch.context() as patched:
        _nothing_is_cleaned_or_written(patched)
        replayed = run("fix", "--jobs", "1", inputs, "missing.txt", "--out", "out", "-q")
    monkeypatch.setattr(FIX, "replayed", lambda *args: None)
    worked = run("fix", "--jobs", "1", inputs, "missing.txt", "--out", "out", "-q")
    assert (replayed.exit_code, replayed.output) == (worked.exit_code, worked.output)
    assert "kcclean: warning" not in replayed.output and "skipped missing.txt" in replayed.output


def _input_edited() -> tuple[str, ...]:
    page = Path("in", "2023-05-10_p1.txt")
    page.write_text(page.read_text(encoding="utf-8").replace("柯城", "柯城区", 1), encoding="utf-8")
    return ()


def _rule_added() -> tuple[str, ...]:
    Path("mine").mkdir()
    Path("mine", "house.toml").write_text(table_rule("house.place-name", "柯城区", "柯城"), encoding="utf-8")
    return ("--rules", "mine")


def _output_file_removed() -> tuple[str, ...]:
    next(Path("out").glob("*/*.md")).unlink()
    return ()


def _output_folder_removed() -> tuple[str, ...]:
    shutil.rmtree("out")
    return ()


@pytest.mark.parametrize(
    "change",
    [_input_edited, _rule_added, _output_file_removed, _output_folder_removed, lambda: ("--ignore", "punct")],
    ids=["input edited", "rule added", "output file removed", "output folder removed", "setting changed"],
)
def test_a_change_the_output_depends_on_makes_a_full_run(change, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    options = change()
    rerun = run("fix", "--jobs", "1", inputs, "--out", "out", *options)
    assert rerun.exit_code == 0, rerun.output
    cold = run("fix", "--jobs", "1", inputs, "--out", "cold", "--no-cache", *options)
    assert cold.exit_code == 0
    assert tree("out") == tree("cold")


def test_an_output_file_edited_by_hand_is_refused_as_in_any_run() -> None:
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    article = next(Path("out").glob("*/*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "我的更正\n", encoding="utf-8")
    rerun = run("fix", "--jobs", "1", inputs, "--out", "out")
    assert rerun.exit_code != 0 and "edited by hand" in rerun.output


def test_a_rerun_from_another_folder_says_where_it_wrote_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _issue().absolute()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    Path("elsewhere").mkdir()
    monkeypatch.chdir("elsewhere")
    assert "wrote ../out/" in run("fix", "--jobs", "1", inputs, "--out", "../out").output


def test_a_folder_another_run_is_writing_is_refused_as_in_any_run() -> None:
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    lock = os.open(".out.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rerun = run("fix", "--jobs", "1", inputs, "--out", "out")
    finally:
        os.close(lock)
    assert rerun.exit_code == 2 and "another kcclean run is writing this folder" in rerun.output


def test_inputs_changed_just_before_a_run_make_the_next_run_a_full_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed in the same tick of the file system's clock as the run looked at it
    would keep its times: such a run keeps no record to answer the next one from."""
    monkeypatch.setattr(unchanged, "_SETTLED_NS", 2_000_000_000)
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    cleaned = _cleaned_again(monkeypatch)
    run("fix", "--jobs", "1", inputs, "--out", "out")
    assert cleaned == [1]


def test_the_folder_is_told_unchanged_by_lstat_and_by_content_in_the_clock_s_last_tick(tmp_path: Path) -> None:
    """Files written in the tick the run read the clock in (the manifest, the last files) have
    the clock's time: their lstat cannot vouch for them, their content can."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.md").write_text("一", encoding="utf-8")
    digest = hashlib.sha256("一".encode()).hexdigest()
    for clock in (time.time_ns() + 10**9, 0):  # after every file's times; in their tick
        record = Hashed.published(folder, {"a.md": digest}, clock)
        assert record.unchanged(folder)
        (folder / "b.md").write_text("二", encoding="utf-8")
        assert not record.unchanged(folder), "a file added"
        (folder / "b.md").unlink()
    record.held["a.md"] = hashlib.sha256("二".encode()).hexdigest()
    assert not record.unchanged(folder), "in the clock's tick, its content is what tells"


def _comment_added(rule: Path) -> None:
    rule.write_text(rule.read_text(encoding="utf-8") + "# 本规则由编辑部维护\n", encoding="utf-8")


def _switched_off_rule_changed(rule: Path) -> None:
    rule.write_text(table_rule("house.place-name", "柯城区", "柯城县"), encoding="utf-8")


@pytest.mark.parametrize(("edit", "options"), [(_comment_added, ()), (_switched_off_rule_changed, ("--ignore", "house"))],
                         ids=["a comment added", "a rule switched off changed"])
def test_a_rule_file_edited_where_no_text_changes_makes_a_full_run_all_the_same(edit, options) -> None:
    """The report names the rules a run had by their files as written, those switched off too."""
    inputs = _issue()
    Path("mine").mkdir()
    rule = Path("mine", "house.toml")
    rule.write_text(table_rule("house.place-name", "柯城区", "柯城"), encoding="utf-8")
    run("fix", "--jobs", "1", inputs, "--out", "out", "--rules", "mine", *options)
    edit(rule)
    run("fix", "--jobs", "1", inputs, "--out", "out", "--rules", "mine", *options)
    run("fix", "--jobs", "1", inputs, "--out", "cold", "--rules", "mine", "--no-cache", *options)
    assert tree("out") == tree("cold")


def _cleaned_again(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    cleaned: list[int] = []
    monkeypatch.setattr(FIX, "clean_files", lambda *args, real=FIX.clean_files, **kwargs: cleaned.append(1) or real(*args, **kwargs))
    return cleaned


def test_a_run_that_could_not_clean_a_file_is_not_answered_from_its_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """What stopped it (a full disk, a bug) may be gone by the next run."""
    inputs = _issue()
    Path(inputs, "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    first = run("fix", "--jobs", "1", inputs, "--out", "out")
    assert first.exit_code == 2 and "skipped" in first.output
    cleaned = _cleaned_again(monkeypatch)
    assert run("fix", "--jobs", "1", inputs, "--out", "out").output == first.output
    assert cleaned == [1]


def test_a_run_with_kcclean_debug_set_does_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _issue()
    run("fix", "--jobs", "1", inputs, "--out", "out")
    cleaned = _cleaned_again(monkeypatch)
    monkeypatch.setenv("KCCLEAN_DEBUG", "1")
    run("fix", "--jobs", "1", inputs, "--out", "out")
    assert cleaned == [1]


def test_a_run_is_not_refused_for_another_run_s_glance_at_its_lock(tmp_path: Path) -> None:
    """A rerun asking whether a run holds the lock holds it for a moment: the run that comes
    for it then waits, and is refused only by a run that keeps it."""
    path = tmp_path / ".out.lock"
    glance = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(glance, fcntl.LOCK_SH)
    threading.Timer(0.02, os.close, (glance,)).start()
    lock = FolderLock(path, tmp_path / "out")
    lock.take()
    assert lock.handle is not None
    lock.release()
