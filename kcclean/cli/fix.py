"""`kcclean fix`: clean transcripts into article files, indexes and the diff report."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cache import RunCache, Shown, ShownPack
from ..errors import KccleanError
from ..input import STDIN
from ..model import Issue
from ..output.diff import counted, visible
from ..output.folder import OutputFolder, WrittenPart
from ..output.report import Report
from ..parallel import dask_cluster, default_jobs, expand_urls, worker_processes
from ..pipeline import IssueKeys, clean_files
from ..rules import Rulebook
from .common import (
    FollowLinks,
    Ignore,
    Jobs,
    LayoutModelOption,
    NoCache,
    Paths,
    Review,
    RuleDirs,
    Select,
    Unsafe,
    describe,
    file_line,
    inputs,
    progress,
    rulebook_of,
    run_cache,
    terminate_as_interrupt,
    user_errors,
    warning_line,
)
from .unchanged import Said, fingerprint, keep, replayed


def _engine(
    jobs: int | None, files: list[Path], rulebook: Rulebook, folder: OutputFolder | None = None, cache: RunCache | None = None
):
    """A context giving the function that cleans the run's files: in this process, or in
    worker processes when there are several cores and several files (they then write the
    article files into `folder`, the run's output, too). Standard input is only open in
    this process: a run that reads it runs here. Either way `cache` is used and kept."""
    jobs = min(jobs or default_jobs(), len(files))
    if jobs <= 1 or STDIN in files:
        return nullcontext(lambda paths, keys: ((item, None) for item in clean_files(paths, rulebook, keys=keys, cache=cache)))
    return worker_processes(jobs, rulebook.settings, rulebook, folder, cache)


def _add(issue: Issue, part: WrittenPart | None, folder: OutputFolder, report: Report, shown: ShownPack | None) -> None:
    """The issue's article files and its part of the report added to the run, from what the
    last run into the folder wrote of the same issue when the cache keeps it; kept for the next."""
    last = None if shown is None else shown.load(issue)
    records = folder.add(issue, part, last and last.records)
    same = last is not None and last.records == records
    made = report.add_issue(issue, last.report if same else None)
    if shown is not None:
        shown.keep(issue, last if same else Shown(records, made))


@contextmanager
def _said_when_stopped(out: Path) -> Iterator[None]:
    """A run stopped by Ctrl-C or SIGTERM (exit 130), or by the reader of its output closing
    the pipe (`kcclean fix … | head`: exit 141, as for any Unix tool), says so in one line:
    the output folder, the point of the run, is not written."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo(visible(f"kcclean: interrupted: nothing was written to {out}/"), err=True)
        raise
    except BrokenPipeError:
        typer.echo(visible(f"kcclean: stopped, the output pipe was closed by its reader: nothing was written to {out}/"), err=True)
        raise


def fix(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write the articles and the report to.")] = Path(
        "kcclean-out"
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing; print every change that would be made.")] = False,
    unsafe: Unsafe = False,
    rules: RuleDirs = None,
    select: Select = None,
    ignore: Ignore = None,
    layout_model: LayoutModelOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the total and errors.")] = False,
    jobs: Jobs = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Where issues are cleaned: local (worker processes, --jobs) or dask (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        Optional[str],
        typer.Option(
            "--scheduler", show_default=False,
            help="With --engine dask: the scheduler's address (tcp://host:8786). Default: a cluster of --jobs processes here.",
        ),
    ] = None,
    review: Review = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the --out folder even if files in it were changed or added by hand (they are lost)."),
    ] = False,
    follow_links: FollowLinks = False,
    no_cache: NoCache = False,
) -> None:
    """Clean transcripts into one Markdown file per article, articles.jsonl, issues.jsonl
    and a diff report (report.json, report.html).

    Example:  kcclean fix scans/2021-01-20/ --out cleaned

    Consecutive files with the same masthead date are pages of one issue, so an article
    continued on page 2 becomes one article. A file that cannot be read is skipped with a
    message and the run exits 2 at the end; the others are still cleaned.

    A rerun costs only what changed: each issue's result is kept in the cache (kcclean cache
    dir) under the bytes of its files, the rules and the settings, and used again while
    they are the same; after a changed character rule only the issues it can change are
    repaired again, their layout not read anew. A rerun with nothing changed, the output
    folder as it left it, writes nothing and says what it said. --no-cache neither uses nor
    keeps it. The output is the same either way.
    """
    with user_errors(), terminate_as_interrupt():
        rulebook = rulebook_of(rules, select, ignore, unsafe, layout_model, review)
        if engine not in ("local", "dask"):
            raise KccleanError(f"--engine {engine}: choose local or dask")
        urls = engine == "dask" and any("://" in path for path in paths)
        expand = functools.partial(expand_urls, follow_links=follow_links) if urls else None
        files, missing = inputs(paths, follow_links, expand)
        if engine == "dask" and STDIN in files:
            raise KccleanError("standard input (-) is read here, not on a Dask cluster: save it to a file the workers can read")
        report = Report(rulebook)
        for error in missing:
            report.add_skipped(error)
        worst = max((error.exit_code for error in missing), default=0)  # the run's exit code
        cache = run_cache(rulebook, no_cache)
        printed = None if cache is None or dry_run or urls or STDIN in files else fingerprint(cache, rulebook, report.rules_id, files, missing, out)
        if (exit_code := replayed(cache, out, printed, quiet)) is not None:
            if exit_code:
                raise typer.Exit(exit_code)
            return
        said = Said(quiet)
        folder = nullcontext() if dry_run else OutputFolder(out, force, cache and cache.hashes(out))
        size = 0 if urls else sum(path.stat().st_size for path in files if path != STDIN)
        files_done: set[str] = set()  # a file holding several issues counts once
        issues_done = 0
        keys = IssueKeys()
        if engine == "dask":
            cleaner = dask_cluster(scheduler, jobs or default_jobs(), rulebook.settings, cache)
        else:
            cleaner = _engine(jobs, files, rulebook, None if dry_run else folder, cache)
        stopped = nullcontext() if dry_run else _said_when_stopped(out)
        shown = None if cache is None or dry_run else cache.shown(out)
        with stopped, folder, cleaner as clean, progress(len(files), quiet, size) as terminal, closing(shown) if shown else nullcontext():
            for stale in [] if dry_run else folder.stale:
                typer.echo(f"kcclean: removed {visible(str(stale))}, left by a run that was killed", err=True)
            for item, part in clean(files, keys):
                if isinstance(item, KccleanError):
                    said.error(f"kcclean: skipped {visible(str(item))}")
                    report.add_skipped(item)
                    worst = max(worst, item.exit_code)
                    terminal.advance(1)
                    continue
                if dry_run:
                    report.add_issue(item)
                else:
                    _add(item, part, folder, report, shown)
                for message in item.warnings:  # bad bytes replaced, a rule switched off
                    said.warning(warning_line(message))
                for name in item.sources:
                    line = said.noted(file_line(name, item))
                    if not quiet:
                        terminal.say(line)
                    if dry_run and not quiet:
                        for change in item.changes:
                            if change.source == name and change.kind != "record":
                                terminal.say("    " + describe(change, item))
                new = [name for name in item.sources if name not in files_done]
                files_done.update(new)
                terminal.advance(len(new))
                issues_done += 1
                terminal.note(f"cleaning {item.sources[-1]}: {counted(issues_done, 'issue')} done")
            for source, message in keys.repeated():
                report.add_warning(source, message)
                said.warning(warning_line(message))
            if not dry_run:
                with folder.open("report.json") as handle:
                    report.write_json(handle)
                with folder.open("report.html") as handle:
                    report.write_html(handle)
                folder.finish()
                if shown is not None:
                    shown.publish()
        total = report.summary()
        where = "nothing written (dry run)" if dry_run else visible(f"wrote {out}/ (open {out}/report.html)")
        last = (
            f"{counted(total['files'], 'file')}, {counted(total['articles'], 'article')}, {counted(total['fixes'], 'fix')}, "
            f"{counted(total['suggestions'], 'suggestion')}, {counted(total['warnings'], 'warning')}; {where}"
        )
        typer.echo(last)
        if not dry_run and cache is not None:
            keep(cache, out, printed, folder.published, said, last, worst)
        if worst:
            raise typer.Exit(worst)

