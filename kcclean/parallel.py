"""Issues cleaned in worker processes (`kcclean fix --jobs N`) or on a Dask cluster.

The work splits the way the serial run does it: each file is read and classified on its
own (a task), the pages are grouped into issues in input order here, and each issue is
built on its own (a task). Results are taken in input order and keys claimed in that order,
so the output is the serial run's, byte for byte. A bounded number of tasks is in flight:
memory does not grow with the number of files.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .errors import KccleanError
from .model import Issue
from .pipeline import build_pages, claim_key, load_file, plan_issues
from .read import display_names
from .rulebook import Rulebook, Settings, load_rulebook

T = TypeVar("T")

# Each worker's rulebook, by the settings it was loaded from: loaded once per process.
# Forked workers inherit the parent's entry and load nothing.
_RULEBOOKS: dict[str, Rulebook] = {}


def _rulebook(settings: Settings) -> Rulebook:
    key = repr(settings)
    if key not in _RULEBOOKS:
        _RULEBOOKS[key] = load_rulebook(settings)
    return _RULEBOOKS[key]


def _load_task(path: Path, name: str, settings: Settings):
    return load_file(path, name, _rulebook(settings))


def _build_task(pages, settings: Settings) -> Issue | KccleanError:
    return build_pages(pages, _rulebook(settings))


def clean_files_on(
    executor: Executor, paths: Iterable[Path], settings: Settings, ahead: int
) -> Iterator[Issue | KccleanError]:
    """What `pipeline.clean_files` yields, in the same order, with the work done by
    `executor`; at most `ahead` files are read and `ahead` issues built ahead of the caller."""
    paths = list(paths)
    taken: set[str] = set()
    loads = (executor.submit(_load_task, p, n, settings) for p, n in zip(paths, display_names(paths)))
    pages = (future.result() for future in _ahead(loads, ahead))
    builds = (
        item if isinstance(item, KccleanError) else executor.submit(_build_task, item, settings)
        for item in plan_issues(pages)
    )
    for item in _ahead(builds, ahead):
        yield claim_key(item.result() if isinstance(item, Future) else item, taken)


def _ahead(items: Iterator[T], count: int) -> Iterator[T]:
    """The items in order, the next `count` of them always already taken (submitted)."""
    window: deque[T] = deque()
    for item in items:
        window.append(item)
        if len(window) > count:
            yield window.popleft()
    while window:
        yield window.popleft()


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the main process alone handles it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_processes(
    jobs: int, settings: Settings, rulebook: Rulebook
) -> Iterator[Callable[[list[Path]], Iterator[Issue | KccleanError]]]:
    """A way to clean files with `jobs` worker processes. On an error or Ctrl-C, work not
    started is cancelled and the workers stop after the issue they are on."""
    _RULEBOOKS[repr(settings)] = rulebook  # forked workers start with it
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    pool.submit(int).result()  # start the workers now, before a progress bar starts a thread
    try:
        yield lambda paths: clean_files_on(pool, paths, settings, ahead=4 * jobs)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def default_jobs() -> int:
    return os.cpu_count() or 1
