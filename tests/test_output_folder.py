"""The atomic writer, crashed between its steps: whatever step fails, the output folder is
either the finished new one or the previous one untouched, and nothing half-written or staged
is left beside it. (test_cli.py crashes whole runs; these crash `OutputFolder.finish` itself.)"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from kcclean.errors import OutputError
from kcclean.model import Article, Issue, Source
from kcclean.output.folder import (
    OutputFolder,
    article_markdown,
    contents,
    differences,
    read_manifest,
    slug,
)
from kcclean.output.hashed import file_sha256
from kcclean.pipeline import clean_files

SAMPLE = sorted((FIXTURES / "sample").glob("*.txt"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edited_files(target: Path) -> tuple[list[str], list[str]]:
    return differences(contents(target).held, read_manifest(target))


def write_run(target: Path, rulebook) -> None:
    with OutputFolder(target, force=True) as out:  # force: the tests add files of an older run
        for issue in clean_files(SAMPLE, rulebook):
            out.add(issue)
        with out.open("report.json") as handle:
            handle.write("{}\n")
        out.finish()


class _DiskFullOnClose:
    """An index file whose last flush fails, as it does when the disk fills up."""

    def __init__(self, handle):
        self.handle = handle

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def close(self) -> None:
        self.handle.close()
        raise OSError(errno.ENOSPC, "No space left on device")


def _fail_closing_the_index(monkeypatch: pytest.MonkeyPatch, index: str = "articles.jsonl") -> list:
    """The disk fills up as the index is closed; returns the run's index files as opened."""
    enter = OutputFolder.__enter__
    opened = []

    def entered(self):
        enter(self)
        opened.extend((self._articles, self._issues))
        attribute = "_articles" if index == "articles.jsonl" else "_issues"
        setattr(self, attribute, _DiskFullOnClose(getattr(self, attribute)))
        return self

    monkeypatch.setattr(OutputFolder, "__enter__", entered)
    return opened


def _fail_renaming_into_place(monkeypatch: pytest.MonkeyPatch) -> None:
    replace = os.replace

    def failing(source, target):
        if Path(source).name.startswith(f".{Path(target).name}.") and ".old-" not in Path(source).name:
            raise OSError(errno.EIO, "Input/output error")  # the staging folder's rename
        replace(source, target)

    monkeypatch.setattr(os, "replace", failing)


@pytest.mark.parametrize("previous", [False, True], ids=["no-previous-output", "previous-output"])
@pytest.mark.parametrize("crash", [_fail_closing_the_index, _fail_renaming_into_place], ids=["closing-files", "renaming"])
def test_a_crash_inside_finish_leaves_no_half_written_output(tmp_path: Path, monkeypatch, rulebook, crash, previous: bool):
    target = tmp_path / "out"
    if previous:
        write_run(target, rulebook)
        (target / "older.md").write_text("from an older run\n", encoding="utf-8")
        before = files(target)
    crash(monkeypatch)
    with pytest.raises((OSError, OutputError), match="No space left|Input/output error"):  # the injected error, no other
        write_run(target, rulebook)
    if previous:
        assert files(target) == before, "the previous output is left as it was"
    else:
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "out"] == [], "no staging or .old folder is left"



@pytest.mark.parametrize("index", ["articles.jsonl", "issues.jsonl"])
def test_a_full_disk_as_an_index_is_closed_names_that_index(tmp_path: Path, monkeypatch, rulebook, index: str) -> None:
    """An index's last lines reach the disk only as it is closed: the error names that index,
    the other one is closed all the same, and the run leaves nothing behind."""
    opened = _fail_closing_the_index(monkeypatch, index)
    target = tmp_path / "out"
    with pytest.raises(OutputError) as failed:
        write_run(target, rulebook)
    assert str(failed.value) == f"{target / index}: cannot write: No space left on device"
    assert all(handle.closed for handle in opened)
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_fails_on_a_full_disk_leaves_nothing_even_when_its_indexes_cannot_be_flushed(
    tmp_path: Path, monkeypatch, rulebook
) -> None:
    # The disk fills up while an article is written; cleaning up, the indexes' buffered lines
    # cannot be written either. That second error must not stop the staging folder's removal.
    _fail_closing_the_index(monkeypatch)

    def full(self, issue, *args) -> None:
        raise OutputError(f"{self.target}: cannot write: No space left on device")

    monkeypatch.setattr(OutputFolder, "add", full)
    with pytest.raises(OutputError):
        write_run(tmp_path / "out", rulebook)
    assert list(tmp_path.iterdir()) == [], "no output or staging folder is left"

class _DiskFullOnWrite:
    """A file of the run on a disk that has filled up: opening it works, writing to it fails."""

    def __init__(self, handle):
        self.handle = handle

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def _disk_full_at(monkeypatch: pytest.MonkeyPatch, name: str, step: str) -> None:
    """The disk fills up as the writer opens (`step` "open") or writes ("write") its file `name`."""
    real = open

    def opening(path, *args, **kwargs):
        if os.path.basename(path) != name:
            return real(path, *args, **kwargs)
        if step == "open":
            raise OSError(errno.ENOSPC, "No space left on device")
        return _DiskFullOnWrite(real(path, *args, **kwargs))

    monkeypatch.setattr("kcclean.output.folder.open", opening, raising=False)


@pytest.mark.parametrize(
    ("name", "step"),
    [
        ("articles.jsonl", "open"),  # as the run starts
        ("issues.jsonl", "open"),
        ("articles.jsonl", "write"),  # an article's index line
        ("issues.jsonl", "write"),  # an issue's index line
        (".kcclean", "write"),  # the manifest, as the run finishes
    ],
    ids=["opening-the-article-index", "opening-the-issue-index", "an-article-line", "an-issue-line", "the-manifest"],
)
def test_a_full_disk_names_the_index_file_that_could_not_be_written(tmp_path: Path, monkeypatch, rulebook, name: str, step: str) -> None:
    """The error says which file of the output folder the disk filled up on (test_robustness.py
    covers the first file and the report through the CLI), and the run leaves nothing behind."""
    target = tmp_path / "out"
    _disk_full_at(monkeypatch, name, step)
    with pytest.raises(OutputError) as failed:
        write_run(target, rulebook)
    assert str(failed.value) == f"{target / name}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == [], "no output, staging or .old folder is left"


def test_a_previous_output_that_cannot_be_deleted_does_not_fail_the_finished_run(tmp_path: Path, monkeypatch, rulebook) -> None:
    """Once the new folder is in place the run has succeeded: a file of the replaced output
    that cannot be deleted (a permission, a busy network share) does not turn it into an error."""
    target = tmp_path / "out"
    write_run(target, rulebook)
    (target / "report.json").write_text('{"older": true}\n', encoding="utf-8")
    unlink = os.unlink

    def refusing(path, *args, **kwargs):
        if os.path.basename(path) == "report.json":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refusing)
    write_run(target, rulebook)  # no error
    monkeypatch.undo()
    assert (target / "report.json").read_text(encoding="utf-8") == "{}\n", "the new output is published"
    assert edited_files(target) == ([], [])


def test_finish_publishes_every_file_complete(tmp_path: Path, rulebook) -> None:
    target = tmp_path / "out"
    write_run(target, rulebook)
    lines = (target / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(len(issue.articles) for issue in clean_files(SAMPLE, rulebook)) > 0
    assert (target / "issues.jsonl").read_text(encoding="utf-8").endswith("\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # the indexes are UTF-8 text a person can grep, not \uXXXX escapes
    assert "共富" in lines[0] and "今日柯城" in (target / "issues.jsonl").read_text(encoding="utf-8")


def test_the_output_folder_is_made_as_any_folder_is_not_private(tmp_path: Path, rulebook) -> None:
    """Its permissions follow the umask, as the issue folders' do: a newsroom shares it."""
    (tmp_path / "plain").mkdir()
    write_run(tmp_path / "out", rulebook)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [tmp_path / "out", *(tmp_path / "out").iterdir()] if p.is_dir()}
    assert modes == {stat.S_IMODE((tmp_path / "plain").stat().st_mode)}


def test_issues_whose_keys_make_the_same_folder_name_keep_every_article(tmp_path: Path) -> None:
    """Two keys that differ only in characters a file name cannot hold share a folder: the
    second issue's articles get names of their own, and the manifest lists each file once."""
    issues = [Issue(key, None, None, [PAGE], [], [], [article(["柯城召开会议"])], []) for key in ("a/b", "a?b")]
    target = tmp_path / "out"
    with OutputFolder(target) as out:
        for issue in issues:
            out.add(issue)
        out.finish()
    assert [a.path for issue in issues for a in issue.articles] == ["a-b/01-柯城召开会议.md", "a-b/01-柯城召开会议-2.md"]
    manifest = json.loads((target / ".kcclean").read_text(encoding="utf-8"))["files"]
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file() and p.name != ".kcclean")
    assert sorted(manifest) == written
    assert all(manifest[name] == file_sha256(target / name) for name in written)


def test_an_article_name_that_leads_outside_the_folder_is_refused(tmp_path: Path, monkeypatch, rulebook) -> None:
    monkeypatch.setattr("kcclean.output.folder.slug", lambda article: "../../escape")
    with pytest.raises(OutputError) as refused:
        write_run(tmp_path / "out", rulebook)
    # named where the user asked for output, not in the staging folder that is gone by now
    assert str(refused.value) == f"refusing to write outside the output folder: {tmp_path / 'out' / '2023-05-10_2045/01-../../escape.md'}"
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_a_full_disk_as_an_issue_folder_is_made_names_that_folder(tmp_path: Path, monkeypatch, rulebook) -> None:
    makedirs = os.makedirs

    def full(path, *args, **kwargs):
        if Path(path).name == "2023-05-10_2045":
            raise OSError(errno.ENOSPC, "No space left on device")
        makedirs(path, *args, **kwargs)

    monkeypatch.setattr(os, "makedirs", full)
    with pytest.raises(OutputError) as failed:
        write_run(tmp_path / "out", rulebook)
    assert str(failed.value) == f"{tmp_path / 'out' / '2023-05-10_2045'}: cannot write: No space left on device"


def test_every_file_is_utf8_whatever_the_locale_s_encoding(tmp_path: Path, monkeypatch, rulebook) -> None:
    # On Windows open() without an encoding writes cp1252 or cp936: the manifest, the indexes
    # and the articles must not depend on it.
    real = open

    def windows(path, mode="r", *args, **kwargs):
        if "b" not in mode and kwargs.get("encoding") is None:
            kwargs["encoding"] = "cp1252"
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr("kcclean.output.folder.open", windows, raising=False)
    target = tmp_path / "out"
    write_run(target, rulebook)
    manifest = json.loads((target / ".kcclean").read_text(encoding="utf-8"))["files"]
    assert any("柯城" in name for name in manifest)


@pytest.mark.skipif(sys.platform != "linux", reason="a locale without UTF-8 is set up the Linux way")
def test_a_locale_that_cannot_spell_chinese_file_names_is_a_clear_error(tmp_path: Path) -> None:
    # LC_ALL=C with Python's UTF-8 fallbacks off: the file system encoding is ASCII
    environment = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "kcclean", "fix", str(FIXTURES / "sample"), "--out", "out"],
        cwd=tmp_path, env=environment, capture_output=True,
    )
    assert done.returncode == 2
    assert b"cannot write: file names here must be ascii, which has no Chinese; run with PYTHONUTF8=1" in done.stderr
    assert b"internal error" not in done.stderr
    assert list(tmp_path.iterdir()) == []


PAGE = Source.of("p1.txt", "柯城召开会议\n\n正文。\n", "utf-8")


def article(headline: list[str]) -> Article:
    return Article("x-01", "p1.txt", ["p1.txt"], None, None, 1, headline, None, "news", ["正文。"])


@pytest.mark.parametrize(
    ("headline", "name"),
    [
        (["柯城召开会议"], "柯城召开会议"),
        # the longest line names the file, by its last part: the main title, not the kicker
        (["区委", "回眸“十三五” 柯城区召开全区经济工作会议"], "柯城区召开全区经济工作会议"),
        (["一二三四五六七八九十", "短标题"], "一二三四五六七八九十"),
        ([], "untitled"),
        # a long one is cut between words (召开, not 召), at a mark or a space…
        (["市政协召开推进县域医共体建设工作专题协商会召开第二次会议"], "市政协召开推进县域医共体建设工作专题协商会召开"),
        (["柯城区全面推进乡村振兴战略实施扎实开展共同富裕示范区建设"], "柯城区全面推进乡村振兴战略实施扎实开展共同富裕"),
        (["柯城区举办“浙里办”App推广活动暨数字化改革成果展示会"], "柯城区举办-浙里办-App推广活动暨数字化改革"),
        (["柯城区召开全区经济工作会议：ABCDEFGHIJKLMNOPQRSTUVWXYZ"], "柯城区召开全区经济工作会议"),
        # …or where a Latin word meets Chinese, never inside the word; mid-word only where nothing else will do
        (["区委召开全区会议部署推进柯城区数字化改革Zhejiangonline"], "区委召开全区会议部署推进柯城区数字化改革"),
        (["区委召开全区ABCDEFGHIJKLMNOPQRSTUVWXYZ大会"], "区委召开全区ABCDEFGHIJKLMNOPQR"),
    ],
)
def test_an_article_file_is_named_after_its_main_headline(headline: list[str], name: str) -> None:
    assert slug(article(headline)) == name


def test_the_output_can_go_into_folders_that_do_not_exist_yet(tmp_path: Path, rulebook) -> None:
    target = tmp_path / "runs" / "may" / "out"
    with OutputFolder(target) as out:
        # staged beside the target, on its file system, so that publishing is one rename
        assert out.staging.parent == target.parent and out.staging.name.startswith(".out.")
        for issue in clean_files(SAMPLE, rulebook):
            out.add(issue)
        out.finish()
    assert (target / "articles.jsonl").is_file()


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    target = tmp_path / "notes.txt" / "out"
    with pytest.raises(OutputError, match=re.escape(f"{target}: cannot write: ")):
        with OutputFolder(target):
            pass


def test_an_article_file_is_front_matter_then_headline_then_paragraphs() -> None:
    piece = Article(
        "2021-01-20_1768-03", "p1.txt", ["p1.txt"], "2021-01-20", 1768, 1, ["引题", "主标题"], "记者 方心怡", "news",
        ["第一段。", "小标题", "第二段。"], subheads=[1], continued_to=2, changes=4,
    )
    assert article_markdown(piece) == (
        '---\nid: "2021-01-20_1768-03"\nsource: "p1.txt"\nsources: ["p1.txt"]\ndate: "2021-01-20"\nissue: 1768\npage: 1\n'
        'headline: ["引题", "主标题"]\nbyline: "记者 方心怡"\nkind: "news"\ncontinued_to: 2\ncontinued_from: null\n'
        "truncated: false\nchanges: 4\n---\n\n# 引题\n# 主标题\n\n第一段。\n\n### 小标题\n\n第二段。\n"
    )


def test_articles_with_the_same_headline_get_numbered_names(tmp_path: Path) -> None:
    twins = [article(["同一个标题"]), article(["同一个标题"])]
    issue = Issue("2021-01-20_1768", "2021-01-20", 1768, [PAGE], [], [], twins, [])
    with OutputFolder(tmp_path / "out") as out:
        out.add(issue)
        out.finish()
    assert [a.path for a in twins] == ["2021-01-20_1768/01-同一个标题.md", "2021-01-20_1768/02-同一个标题.md"]
    twins[1].path = None
    with OutputFolder(tmp_path / "again", force=True) as out:
        out.add(Issue("2021-01-20_1768", None, None, [], [], [], [twins[0]], []))
        out.add(Issue("2021-01-20_1768", None, None, [], [], [], [twins[1]], []))
        out.finish()
    assert [a.path for a in twins] == ["2021-01-20_1768/01-同一个标题.md", "2021-01-20_1768/01-同一个标题-2.md"]


def test_a_refusal_names_five_edited_files_and_counts_the_rest(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    kept = {f"k{n}.md": "0" * 64 for n in range(7)}  # seven files whose hash no longer matches
    for name in kept:
        (target / name).write_text("edited\n", encoding="utf-8")
    for n in range(6):
        (target / f"new{n}.md").write_text("added\n", encoding="utf-8")
    (target / ".kcclean").write_text(json.dumps({"files": kept}), encoding="utf-8")
    with pytest.raises(OutputError) as refused, OutputFolder(target):
        pass
    changed = ", ".join(f"{target}/k{n}.md" for n in range(5))
    added = ", ".join(f"{target}/new{n}.md" for n in range(5))
    assert str(refused.value) == (
        f"{target}: files were edited by hand, and replacing the folder would lose them (changed since kcclean "
        f"wrote them: {changed} and 2 more; added: {added} and 1 more). Copy your corrections elsewhere, "
        "choose another --out, or replace them anyway with --force"
    )
    assert edited_files(target) == ([f"k{n}.md" for n in range(7)], [f"new{n}.md" for n in range(6)])



@pytest.mark.parametrize(
    ("edit", "listed"),
    [
        (lambda target: (target / "k.md").write_text("edited\n", encoding="utf-8"), "changed since kcclean wrote them: {target}/k.md"),
        (lambda target: (target / "notes.txt").write_text("mine\n", encoding="utf-8"), "added: {target}/notes.txt"),
    ],
    ids=["one-file-changed", "one-file-added"],
)
def test_one_hand_edit_of_either_kind_is_enough_to_refuse(tmp_path: Path, edit, listed: str) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "k.md").write_text("as written\n", encoding="utf-8")
    digest = hashlib.sha256(b"as written\n").hexdigest()
    (target / ".kcclean").write_text(json.dumps({"files": {"k.md": digest}}), encoding="utf-8")
    with OutputFolder(target):  # untouched: no refusal
        pass
    edit(target)
    with pytest.raises(OutputError) as refused, OutputFolder(target):
        pass
    assert f"({listed.format(target=target)})" in str(refused.value)

def test_the_staging_folder_of_a_run_still_alive_is_left_alone(tmp_path: Path) -> None:
    # the sleeper exits on any signal it can catch, even one its parent ignores (nohup ignores SIGHUP)
    sleeper = (
        "import signal, sys, time\n"
        "for number in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}:\n"
        "    signal.signal(number, lambda *_: sys.exit(3))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    running = subprocess.Popen([sys.executable, "-c", sleeper], stdout=subprocess.PIPE, text=True)
    assert running.stdout.readline() == "ready\n"
    try:
        other = tmp_path / f".out.staging-{running.pid}-abc"
        other.mkdir()
        with OutputFolder(tmp_path / "out") as out:
            assert out.stale == []
        assert other.is_dir()
        with pytest.raises(subprocess.TimeoutExpired):  # the other run is only looked at, never signalled
            running.wait(timeout=0.5)
    finally:
        running.kill()
        running.wait()
        running.stdout.close()


def test_a_full_disk_is_named_where_it_filled_up_not_where_cleaning_up_failed_after(tmp_path: Path, monkeypatch, rulebook) -> None:
    """The report fails first; closing an index on the way out fails too, and must not
    replace the first error with its own."""
    _fail_closing_the_index(monkeypatch, "issues.jsonl")
    _disk_full_at(monkeypatch, "report.json", "open")
    with pytest.raises(OutputError) as failed:
        write_run(tmp_path / "out", rulebook)
    assert str(failed.value) == f"{tmp_path / 'out' / 'report.json'}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


def paths_and_files(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under a folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


def test_a_rerun_keeps_the_issue_folders_it_would_write_the_same(tmp_path: Path, rulebook) -> None:
    """An issue folder of the previous output that holds the very files a rerun would write
    is moved into the new output as it is: no file is created again, and the output is a
    fresh run's byte for byte."""
    write_run(tmp_path / "fresh", rulebook)
    target = tmp_path / "out"
    write_run(target, rulebook)
    article = next(target.rglob("*.md"))
    inode = article.stat().st_ino
    write_run(target, rulebook)
    assert article.stat().st_ino == inode
    assert paths_and_files(target) == paths_and_files(tmp_path / "fresh")


@pytest.mark.parametrize("change", ["a file edited (--force)", "an empty folder made in it", "a file removed"])
def test_an_issue_folder_that_holds_anything_else_is_written_anew(tmp_path: Path, rulebook, change: str) -> None:
    write_run(tmp_path / "fresh", rulebook)
    target = tmp_path / "out"
    write_run(target, rulebook)
    article = next(target.rglob("*.md"))
    if change.startswith("a file edited"):
        article.write_text("corrected by hand\n", encoding="utf-8")
    elif change.startswith("an empty folder"):
        (article.parent / "notes").mkdir()
    else:
        article.unlink()
    write_run(target, rulebook)
    assert paths_and_files(target) == paths_and_files(tmp_path / "fresh")


def test_a_kept_folder_that_a_second_issue_shares_is_written_with_both(tmp_path: Path) -> None:
    """The previous output held the first issue's folder alone; now a second issue's key
    makes the same folder name: the folder holds both issues' articles, as in a fresh run."""

    def run(target: Path, keys: tuple[str, ...]) -> None:
        with OutputFolder(target) as out:
            for key in keys:
                out.add(Issue(key, None, None, [PAGE], [], [], [article(["柯城召开会议"])], []))
            out.finish()

    run(tmp_path / "fresh", ("a/b", "a?b"))
    run(tmp_path / "out", ("a/b",))
    run(tmp_path / "out", ("a/b", "a?b"))
    assert paths_and_files(tmp_path / "out") == paths_and_files(tmp_path / "fresh")
    assert edited_files(tmp_path / "out") == ([], [])
