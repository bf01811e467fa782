"""`kcclean fix --jobs N` and `--engine dask`: the same output as a serial run, byte for byte."""

from __future__ import annotations

import errno
import multiprocessing
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import FIXTURES, ROOT, seed_inputs
from typer.testing import CliRunner

from kcclean import parallel
from kcclean.cli import app
from kcclean.output import folder as write
from kcclean.output import report
from kcclean.output.folder import OutputFolder
from kcclean.pipeline import StoredPage, build_pages, load_file
from kcclean.rules import Settings

SAMPLE = sorted((FIXTURES / "sample").glob("*.txt"))
CLEAN = FIXTURES / "clean" / "clean_issue.txt"


def fix(*args: object) -> int:
    result = CliRunner().invoke(app, ["fix", *map(str, args), "-q"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code


def tree(folder: Path) -> dict[str, bytes | int]:
    """Every file's bytes, and every folder's permissions (a worker's folder is not private)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else stat.S_IMODE(p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
    }


def awkward_run(folder: Path) -> Path:
    """Two issues of the same date and number (keys made unique in input order), an issue
    between them, and an empty file in the middle of the first one."""
    folder.mkdir()
    files = [SAMPLE[0], Path("empty"), SAMPLE[1], CLEAN, *SAMPLE]
    for number, path in enumerate(files):
        target = folder / f"{number:02d}_{path.name}.txt"
        target.write_bytes(path.read_bytes() if path.is_file() else b"")
    return folder


@pytest.mark.parametrize("inputs", ["sample", "seeds", "awkward"])
def test_jobs_give_the_serial_output(inputs: str, tmp_path: Path) -> None:
    if inputs == "seeds" and not seed_inputs():
        pytest.skip("the real seeds are not here")
    paths = {"sample": SAMPLE, "seeds": seed_inputs(), "awkward": [awkward_run(tmp_path / "in")]}[inputs]
    codes = {jobs: fix(*paths, "--out", tmp_path / f"out{jobs}", "--jobs", jobs) for jobs in (1, 2)}
    assert codes[1] == codes[2] == (2 if inputs == "awkward" else 0)
    serial, parallel = tree(tmp_path / "out1"), tree(tmp_path / "out2")
    assert "report.json" in serial
    assert serial == parallel
    if inputs == "awkward":
        folders = {name.split("/")[0] for name in serial if "/" in name}
        assert {"2023-05-10_2045", "2023-05-10_2045-2"} <= folders


def pickled_pages(settings: Settings) -> list[StoredPage]:
    """The first sample page as a worker that read it hands it on."""
    return [page for page, _ in parallel._load_task(SAMPLE[0], SAMPLE[0].name, settings)]


def test_the_worker_that_builds_an_issue_writes_its_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The main process only moves the worker's article files into place: the output is what
    it would have written itself."""
    settings = Settings()
    rulebook = parallel._rulebook(settings)
    with OutputFolder(tmp_path / "serial") as folder:
        folder.add(build_pages(load_file(SAMPLE[0], SAMPLE[0].name, rulebook), rulebook))
        folder.finish()
    with OutputFolder(tmp_path / "parallel") as folder:
        issue, part = parallel._build_task(pickled_pages(settings), settings, folder.parts)
        assert sorted(os.listdir(part.where)) == sorted(a.path.split("/")[1] for a in issue.articles) != []
        monkeypatch.setattr(write, "write_articles", lambda *args: pytest.fail("the main process wrote the articles again"))
        report.Report(rulebook).add_issue(issue)
        folder.add(issue, part)
        folder.finish()
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_articles_a_worker_could_not_write_are_written_by_the_main_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    pages = pickled_pages(settings)
    with OutputFolder(tmp_path / "out") as folder:
        monkeypatch.setattr(write, "open", disk_full, raising=False)  # the module's open(), not the builtin
        issue, part = parallel._build_task(pages, settings, folder.parts)
        monkeypatch.undo()
        assert part is None and os.listdir(folder.parts) == [], "nothing half-written is left in the parts"
        folder.add(issue, part)
        folder.finish()
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")) == sorted(a.path for a in issue.articles)


def test_ctrl_c_in_a_parallel_run_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    added = []
    real = OutputFolder.add

    def add(self, issue, *args):
        added.append(issue.key)
        if len(added) == 2:
            raise KeyboardInterrupt
        return real(self, issue, *args)

    monkeypatch.setattr(OutputFolder, "add", add)
    code = fix(awkward_run(tmp_path / "in"), "--out", "out", "--jobs", "2")
    assert code == 130
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_removes_the_staging_folder_only_once_no_worker_can_write_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, presses: int
) -> None:
    """Workers write article files into the staging folder: one still running while it is
    removed could leave part of it behind. A second Ctrl-C while the run waits for them does
    not cut the wait short."""
    monkeypatch.chdir(tmp_path)
    real_rmtree, real_shutdown = shutil.rmtree, ProcessPoolExecutor.shutdown
    running_at_removal = []
    pools = []

    def shutdown(self, *args, **kwargs):
        pools.append(self)
        if presses == 2 and kwargs.get("cancel_futures"):
            os.kill(os.getpid(), signal.SIGINT)
        real_shutdown(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", shutdown)

    def add(self, issue, *args):
        raise KeyboardInterrupt

    def rmtree(path, *args, **kwargs):
        if ".staging-" in os.path.basename(path):
            running_at_removal.extend(multiprocessing.active_children())
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(OutputFolder, "add", add)
    monkeypatch.setattr(write.shutil, "rmtree", rmtree)
    try:
        assert fix(awkward_run(tmp_path / "in"), "--out", "out", "--jobs", "2") == 130
    finally:
        for pool in pools:  # whatever the run did, no worker outlives the test
            real_shutdown(pool, wait=True, cancel_futures=True)
    assert running_at_removal == []


def test_a_bad_file_is_reported_by_a_worker_as_by_the_serial_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CLEAN, folder / "a.txt")
    (folder / "b.txt").write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(app, ["fix", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 2
    assert "b.txt: binary file" in result.stderr


def many_issues(folder: Path, count: int = 2000) -> Path:
    """A run long enough to kill one of its workers while it works: `count` issues, a file each."""
    folder.mkdir()
    for number in range(count):
        shutil.copy(SAMPLE[0] if number % 2 else CLEAN, folder / f"{number:04d}.txt")
    return folder


def start_fix(cwd: Path, *args: object) -> subprocess.Popen:
    """`kcclean fix` (this checkout's) in a process group of its own, as a shell starts it:
    Ctrl-C handled as Python does by default, even when the tests run in a background job
    (which starts every program it runs ignoring SIGINT, and a program keeps it ignored)."""
    return subprocess.Popen(
        [sys.executable, "-m", "kcclean", "fix", *map(str, args)],
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def until(condition, what: str):
    """Wait for the condition to hold: a guard against a hang, not a time limit on kcclean."""
    for _ in range(1200):
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"still waiting for {what} after two minutes")


@contextmanager
def workers_of(run: subprocess.Popen) -> Iterator[list]:
    """The run's two worker processes (forked: the same command line as the run's), once
    started; whatever happens, none outlives the test."""
    psutil = pytest.importorskip("psutil")
    main = psutil.Process(run.pid)

    def started() -> list | None:
        workers = [child for child in main.children() if child.cmdline() == main.cmdline()]
        return workers if len(workers) == 2 else None

    workers = until(started, "the two workers")
    try:
        yield workers
    finally:
        for process in [main, *workers]:
            if not gone(process):
                process.kill()


def gone(process) -> bool:
    import psutil

    try:
        return process.status() == psutil.STATUS_ZOMBIE  # dead, not yet reaped by whoever adopted it
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_worker_killed_stops_the_run_naming_its_files_and_leaves_nothing(tmp_path: Path, signum: int) -> None:
    """The kernel's out-of-memory killer (or `kill`) takes a worker: the run stops at once,
    says why, and neither workers nor a staging folder are left behind."""
    run = start_fix(tmp_path, many_issues(tmp_path / "in"), "--out", "out", "--jobs", "2", "-q")
    with workers_of(run) as workers:
        until(lambda: list(tmp_path.glob(".out.staging-*/*/*.md")), "the first articles written")
        os.kill(workers[0].pid, signum)
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 2, stderr
        assert stderr.startswith("kcclean: error: a worker process died while cleaning 0"), stderr
        assert "more (killed from outside: perhaps the system ran out of memory); nothing was written." in stderr
        assert "Traceback" not in stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
        assert all(gone(worker) for worker in workers)


def sending(process) -> bool:
    """Blocked writing into a full pipe: a worker sending its result (Linux's wchan)."""
    try:
        return Path(f"/proc/{process.pid}/wchan").read_text().endswith("pipe_write")
    except OSError:
        return False


def test_a_worker_killed_while_sending_a_result_stops_the_run(tmp_path: Path) -> None:
    """The pool then waits for the rest of the result, forever, and never sees the worker is
    gone: the run looks for itself."""
    folder = tmp_path / "in"
    folder.mkdir()
    page = "\n\n".join(f"第{n}条新闻\n\n本报讯（记者 王思）今年以来，村里修好了三条道路，群众出行更方便了。" for n in range(9000))
    for number in range(8):  # results of megabytes: a pipe holds 64 kB
        (folder / f"{number}.txt").write_text(page, encoding="utf-8")
    run = start_fix(tmp_path, folder, "--out", "out", "--jobs", "2", "-q")
    with workers_of(run) as workers:
        victim = until(lambda: next((w for w in workers if sending(w)), None) or run.poll() is not None, "a worker sending")
        if victim is True:
            pytest.skip("no worker was seen sending a result (no /proc/PID/wchan here?)")
        victim.kill()
        _, stderr = run.communicate(timeout=120)
    assert run.returncode == 2, stderr
    assert re.match(r"kcclean: error: a worker process died while cleaning \d\.txt", stderr), stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_the_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    run = start_fix(tmp_path, many_issues(tmp_path / "in"), "--out", "out", "--jobs", "2", "-q")
    with workers_of(run) as workers:
        run.kill()
        until(lambda: all(gone(worker) for worker in workers), "the workers to end")
        run.communicate(timeout=120)  # the workers held its pipes


def test_a_closed_output_pipe_stops_the_run_saying_nothing_was_written(tmp_path: Path) -> None:
    """`kcclean fix … | head`: stopped as any Unix tool is (141), but not silently: the output
    folder, the point of the run, is not written, and no half of it is left."""
    run = start_fix(tmp_path, many_issues(tmp_path / "in"), "--out", "out", "--jobs", "2")
    assert run.stdout.readline().startswith("0000.txt")
    run.stdout.close()  # more lines than a pipe holds are still to come
    stderr = run.stderr.read()
    assert run.wait(timeout=120) == 141
    assert stderr == "kcclean: stopped, the output pipe was closed by its reader: nothing was written to out/\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.fixture(scope="module")
def dask_scheduler():
    distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install 'kcclean[dask]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_ctrl_c_on_a_local_dask_cluster_prints_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, Dask's workers too: none of them prints a
    traceback, and the run says in one line what it did."""
    pytest.importorskip("distributed", reason="Dask is not installed (pip install 'kcclean[dask]')")
    psutil = pytest.importorskip("psutil")
    run = start_fix(tmp_path, many_issues(tmp_path / "in"), "--out", "out", "--engine", "dask", "--jobs", "2", "-q")
    try:
        until(lambda: list(tmp_path.glob(".out.staging-*/*/*.md")), "the first articles written")
        cluster = psutil.Process(run.pid).children(recursive=True)
        os.killpg(run.pid, signal.SIGINT)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 130
    assert stderr == "kcclean: interrupted: nothing was written to out/\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    until(lambda: all(gone(process) for process in cluster), "the cluster's processes to end")


@pytest.mark.parametrize("inputs", ["awkward", "seeds-by-url"])
def test_dask_gives_the_serial_output(inputs: str, dask_scheduler: str, tmp_path: Path) -> None:
    if inputs == "seeds-by-url":
        if not seed_inputs():
            pytest.skip("the real seeds are not here")
        serial_inputs = seed_inputs()
        dask_inputs = [seed_inputs()[0].parent.resolve().as_uri() + "/"]  # read through fsspec
    else:
        serial_inputs = dask_inputs = [awkward_run(tmp_path / "in")]
    serial = fix(*serial_inputs, "--out", tmp_path / "serial", "--jobs", 1)
    on_dask = fix(*dask_inputs, "--out", tmp_path / "dask", "--engine", "dask", "--scheduler", dask_scheduler)
    assert serial == on_dask
    assert tree(tmp_path / "serial") == tree(tmp_path / "dask")
    assert "report.json" in tree(tmp_path / "dask")


@pytest.mark.parametrize("follow", [False, True], ids=["refused", "--follow-links"])
def test_dask_reading_a_file_url_follows_a_link_out_of_the_folder_only_when_asked(
    follow: bool, dask_scheduler: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE[0], folder / "a.txt")
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    shutil.copy(CLEAN, secret)
    (folder / "b.txt").symlink_to(secret)
    url = folder.as_uri() + "/"
    args = [url, "--out", tmp_path / "out", "--engine", "dask", "--scheduler", dask_scheduler, *(["--follow-links"] if follow else [])]
    result = CliRunner().invoke(app, ["fix", *map(str, args), "-q"])
    articles = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8")
    if follow:
        assert result.exit_code == 0, result.output
        assert '"source":"private/notes.txt"' in articles.replace(" ", "")
    else:
        assert result.exit_code == 2, result.output
        assert f"kcclean: skipped {folder}/b.txt: a link to {secret}, outside {folder}/: not followed" in result.stderr
        assert "notes.txt" not in articles and "b.txt" not in articles


def test_an_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    assert fix(*SAMPLE, "--out", tmp_path / "out", "--engine", "spark") == 2
    assert not (tmp_path / "out").exists()


def test_a_dask_future_cut_short_by_ctrl_c_is_collected_without_a_traceback_and_other_errors_still_show() -> None:
    """Ctrl-C can land between the first two lines of Dask's Future.__init__ (seen once in CI):
    that future's __del__ fails as the interpreter ends. Only that report is dropped."""
    distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install 'kcclean[dask]')")
    from kcclean.parallel import _silent_about_half_made_futures

    seen = []
    report = _silent_about_half_made_futures(seen.append)
    report(SimpleNamespace(object=distributed.Future.__del__, exc_value=AttributeError("'Future' object has no attribute '_client'")))
    report(SimpleNamespace(object=test_jobs_give_the_serial_output, exc_value=AttributeError("ours")))
    assert [str(item.exc_value) for item in seen] == ["ours"]
