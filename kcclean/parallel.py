"""Issues cleaned in worker processes (`kcclean fix --jobs N`) or on a Dask cluster.

The work splits the way the serial run does it: each file is read and classified on its
own (a task), the pages are grouped into issues in input order here (from a few facts per
page; the pages themselves pass through as bytes), and each issue is built on its own (a
task), which with worker processes also writes its article files into the staging folder.
Results are taken in input order and keys claimed in that order, so the output is the serial
run's, byte for byte. A bounded number of tasks is in flight: memory does not grow with the
number of files. With a cache, the workers use and keep its entries as the serial run does
(`pipeline.load_file_stored`, `pipeline.build_stored`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import posixpath
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import ExitStack, contextmanager
from itertools import chain
from pathlib import Path
from typing import TypeVar

from .cache import FactsFound, RunCache
from .errors import InputError, KccleanError, WorkerDied, printable
from .input import display_names, expand_paths, read_bytes
from .layout.issues import PageFacts, plan_issues
from .model import Issue
from .output.folder import OutputFolder, WrittenPart, write_part
from .pipeline import IssueKeys, StoredPage, build_stored, load_file_stored
from .rules import Rulebook, Settings, load_rulebook

T = TypeVar("T")

# Each worker's rulebook, by the settings it was loaded from: loaded once per process.
# Forked workers inherit the parent's entry and load nothing.
_RULEBOOKS: dict[str, Rulebook] = {}


def _rulebook(settings: Settings) -> Rulebook:
    key = repr(settings)
    if key not in _RULEBOOKS:
        _RULEBOOKS[key] = load_rulebook(settings)
    return _RULEBOOKS[key]


def _load_task(
    path: Path | str, name: str, settings: Settings, cache: RunCache | None = None
) -> list[tuple[StoredPage, PageFacts]] | KccleanError:
    """A file's pages, each pickled here with what planning needs of it: the main process
    plans issues from the facts and hands the bytes on to the worker that builds the issue."""
    read = read_url if isinstance(path, str) else read_bytes
    return load_file_stored(path, name, _rulebook(settings), read, cache)


def _build_task(
    pages: list[StoredPage], settings: Settings, parts: str | None, cache: RunCache | None = None
) -> tuple[Issue | KccleanError, WrittenPart | None]:
    """The issue, and its article files written into a part folder under `parts` (when
    given): the main process takes every issue in turn, so work done there is not shared
    among the workers."""
    issue = build_stored(pages, _rulebook(settings), cache)
    part = write_part(issue, parts) if isinstance(issue, Issue) and parts is not None else None
    return issue, part


class _InFlight:
    """The tasks submitted and not yet taken, with the files each works on: when a worker
    dies, the pool fails every task it holds, and the run stops naming their files (in the
    order of `names`, the run's)."""

    def __init__(self, executor: Executor, names: list[str], workers_alive: Callable[[], bool]):
        self.executor = executor
        self.files: dict[Future, list[str]] = {}
        self.order = {name: number for number, name in enumerate(names)}
        self.workers_alive = workers_alive

    def submit(self, files: list[str], task: Callable, *args: object) -> Future:
        try:
            future = self.executor.submit(task, *args)
        except BrokenExecutor:
            raise self._died(files) from None
        self.files[future] = files
        return future

    def result(self, future: Future):
        try:
            while not wait_for([future], timeout=_CHECK_SECONDS).done:
                if not self.workers_alive():
                    # the pool notices a dead worker only between results: one killed while
                    # sending its result leaves the pool waiting for the rest of it, forever
                    raise BrokenExecutor
            return future.result()
        except BrokenExecutor:
            raise self._died() from None
        finally:
            del self.files[future]

    def _died(self, files: Iterable[str] = ()) -> WorkerDied:
        return WorkerDied(sorted(set(chain(*self.files.values(), files)), key=self.order.__getitem__))


def clean_files_on(
    executor: Executor,
    paths: Iterable[Path] | Iterable[str],
    settings: Settings,
    ahead: int,
    parts: str | None = None,
    workers_alive: Callable[[], bool] = lambda: True,
    keys: IssueKeys | None = None,
    cache: RunCache | None = None,
) -> Iterator[tuple[Issue | KccleanError, WrittenPart | None]]:
    """What `pipeline.clean_files` yields, in the same order, with the work done by
    `executor`, each issue with the article files its worker wrote (or None); at most `ahead`
    files are read and `ahead` issues built ahead of the caller. `paths` are files, or
    fsspec URLs (read where the work runs). `parts`: a folder on a disk the workers share
    with the caller, where they write the article files of the issues they build
    (`OutputFolder.parts`). `workers_alive` tells whether the executor's workers still are;
    `keys`: the run's issue keys (`pipeline.IssueKeys`); `cache`: results of earlier runs,
    used and kept by the workers as `pipeline.clean_files` does."""
    paths = list(paths)
    keys = keys or IssueKeys()
    names = url_names(paths) if paths and isinstance(paths[0], str) else display_names(paths)
    tasks = _InFlight(executor, names, workers_alive)
    loads = (tasks.submit([n], _load_task, p, n, settings, cache) for p, n in zip(paths, names))
    facts = FactsFound()
    pages = (facts.noted(path, tasks.result(future)) for path, future in zip(paths, _ahead(loads, ahead)))
    builds = (
        item
        if isinstance(item, KccleanError)
        else tasks.submit([page.name for page in item], _build_task, item, settings, parts, cache)
        for item in plan_issues(pages)
    )
    for item in _ahead(builds, ahead):
        issue, part = tasks.result(item) if isinstance(item, Future) else (item, None)
        yield keys.claim(issue), part
    if cache is not None:
        cache.keep_facts(facts)


def _ahead(items: Iterator[T], count: int) -> Iterator[T]:
    """The items in order, the next `count` of them always already taken (submitted)."""
    window: deque[T] = deque()
    for item in items:
        window.append(item)
        if len(window) > count:
            yield window.popleft()
    while window:
        yield window.popleft()


# How often a worker looks whether the main process is still there, and the main process,
# waiting for a result, whether its workers are.
_CHECK_SECONDS = 0.5


def _start_worker() -> None:
    """Ctrl-C reaches the whole process group: the main process alone handles it. SIGTERM
    ends a worker (forked, it would inherit the main process's handler, which makes the signal
    an exception the pool sends back as the task's result, and the worker lives on). A worker
    ends when the main process is gone (killed outright, it cannot stop them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:  # an orphan is adopted by another process
        time.sleep(_CHECK_SECONDS)
    os._exit(1)


@contextmanager
def worker_processes(
    jobs: int, settings: Settings, rulebook: Rulebook, folder: OutputFolder | None = None, cache: RunCache | None = None
) -> Iterator[Callable[[list[Path], IssueKeys], Iterator[tuple[Issue | KccleanError, WrittenPart | None]]]]:
    """A way to clean files with `jobs` worker processes, which also write the article
    files into `folder` (entered before the first files are cleaned) and use `cache`. On an error, Ctrl-C or
    a worker that died, the workers are killed, and this waits until they are gone, so that
    none writes into the staging folder once it is removed."""
    _RULEBOOKS[repr(settings)] = rulebook  # forked workers start with it
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker)
    pool.submit(int).result()  # start the workers now, before a progress bar starts a thread
    try:
        yield lambda paths, keys: clean_files_on(
            pool, paths, settings, 4 * jobs, folder and folder.parts, lambda: all(w.is_alive() for w in _workers(pool)), keys, cache
        )
    except BaseException:
        _kill_workers(pool)
        raise
    pool.shutdown()


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers: what they do is of no use now. Not shutdown(wait=True) alone,
    which waits for the tasks the workers hold, and forever once one of them died (a queue
    half-written, a survivor blocked on a full pipe)."""
    # a second Ctrl-C (or SIGTERM) must not cut short the wait for the workers to be gone
    with signals_handled({signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: signal.SIG_IGN}):
        workers = _workers(pool)
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.join()
    # A worker killed while sending a result leaves the pool's thread reading the rest of it:
    # with no writer left (the workers gone, this process's end closed) it reads the end.
    pool._result_queue._writer.close()
    pool.shutdown(wait=True, cancel_futures=True)


def _workers(pool: ProcessPoolExecutor) -> list[multiprocessing.Process]:
    return list(pool._processes.values())  # the pool has no public way to reach them


@contextmanager
def signals_handled(handlers: dict[int, Callable | int]) -> Iterator[None]:
    """Signals handled as given while in the block, as they were after it. Only the main
    thread may set handlers: elsewhere (kcclean used as a library) signals are left alone."""
    try:
        previous = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def default_jobs() -> int:
    return os.cpu_count() or 1


# --- a Dask cluster (kcclean[dask]) ---------------------------------------------------------


@contextmanager
def dask_cluster(
    address: str | None, jobs: int, settings: Settings, cache: RunCache | None = None
) -> Iterator[Callable[[list, IssueKeys], Iterator[tuple[Issue | KccleanError, WrittenPart | None]]]]:
    """A way to clean files on the Dask cluster at `address` (tcp://host:8786), or on a
    local one of `jobs` worker processes. Rule folders and input files must be reachable
    from the workers under the same names (a shared disk, or fsspec URLs); so must the
    cache folder, for the workers to use it (one a worker cannot write, it does without)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KccleanError("--engine dask needs Dask: pip install 'kcclean[dask]'") from None
    with ExitStack() as stack:
        if address is None:
            # Ctrl-C reaches the whole process group: the main process alone handles it, and
            # the workers, started ignoring it (only an ignored signal stays so in a new
            # program; a Ctrl-C while they start is lost), are shut down with the cluster
            with signals_handled({signal.SIGINT: signal.SIG_IGN}):
                cluster = LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                    # nothing from the workers' own logs: a task's error reaches kcclean as the
                    # task's exception, and what the workers log as a Ctrl-C tears the cluster
                    # down (tasks cancelled, a heartbeat to a scheduler gone) is noise
                    silence_logs=logging.CRITICAL,
                )
            address = stack.enter_context(cluster).scheduler_address
        try:
            client = stack.enter_context(Client(address, timeout="20s"))
        except OSError as error:
            raise KccleanError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        executor = client.get_executor()
        try:
            yield lambda paths, keys: clean_files_on(executor, paths, settings, ahead=4 * workers, keys=keys, cache=cache)
        except BaseException:
            # The run is over: the tasks in flight are cancelled before the client goes, and
            # what Dask then logs about each (tracebacks of cancelled futures) is noise.
            for name in list(logging.root.manager.loggerDict):
                if name.split(".")[0] in ("distributed", "tornado"):  # Dask's config sets levels on some of each
                    logging.getLogger(name).setLevel(logging.CRITICAL)
            executor.shutdown(wait=False)
            sys.unraisablehook = _silent_about_half_made_futures(sys.unraisablehook)
            raise


def _silent_about_half_made_futures(hook: Callable) -> Callable:
    """Ctrl-C can land inside Dask's Future.__init__, before the future has a client; its
    __del__ then raises when the future is collected, as the interpreter ends, and Python
    prints that as a traceback. Only that one report is dropped; any other goes to `hook`."""
    from distributed import Future as DaskFuture

    def report(unraisable) -> None:
        if not (unraisable.object is DaskFuture.__del__ and isinstance(unraisable.exc_value, AttributeError)):
            hook(unraisable)

    return report


def expand_urls(
    arguments: list[str], pattern: str = "*.txt", follow_links: bool = False
) -> tuple[list[str], list[InputError]]:
    """fsspec URLs named on the command line (`s3://bucket/scans/`, `file:///data/*.txt`):
    files as given, folders as their sorted `*.txt`, globs expanded. A `file://` URL names
    local files, found as local paths are: a link that leads out of its folder is not read
    unless `follow_links`."""
    import fsspec
    from fsspec.implementations.local import LocalFileSystem

    found: list[str] = []
    errors: list[InputError] = []
    for argument in arguments:
        fs, path = fsspec.core.url_to_fs(argument)
        if isinstance(fs, LocalFileSystem):
            files, problems = expand_paths([path], pattern, follow_links)
            found += [fs.unstrip_protocol(file.as_posix()) for file in files]
            errors += problems
            continue
        if fs.isdir(path):
            inside = sorted(fs.glob(posixpath.join(path, pattern)))
        elif fs.isfile(path):
            inside = [path]
        else:
            inside = sorted(p for p in fs.glob(path) if fs.isfile(p)) if fsspec.core.has_magic(path) else []
        if not inside:
            errors.append(InputError(argument, "no such file or folder, or no *.txt in it"))
        found += [fs.unstrip_protocol(p) for p in inside]
    return list(dict.fromkeys(found)), errors


def url_names(urls: list[str]) -> list[str]:
    """Names that tell the files apart: their paths below the folder they all share."""
    paths = [url.split("://", 1)[-1] for url in urls]
    base = posixpath.commonpath([posixpath.dirname(p) for p in paths])
    return [printable(posixpath.relpath(p, base)) for p in paths]


def read_url(url: str, name: str) -> bytes:
    """An input file's bytes read through fsspec, where the work runs."""
    import fsspec

    try:
        with fsspec.open(url, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as error:
        raise InputError(name, f"cannot be read: {error}") from None
    return data
