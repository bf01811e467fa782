"""What the commands share: their options, errors turned into messages and exit codes,
progress on long runs, and one-line descriptions of changes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core

from ..cache import RunCache
from ..errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_PIPE, KccleanError
from ..input import expand_paths
from ..model import Change, Issue
from ..output.diff import counted, excerpt, shown, visible
from ..parallel import signals_handled
from ..pipeline import model_of
from ..rules import Rulebook, load_rulebook, with_review
from .config import settings as load_settings

Paths = Annotated[
    list[str],
    typer.Argument(metavar="PATH", help="Transcript files, folders (their *.txt, sorted), globs, or - for standard input.", show_default=False),
]
RuleDirs = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", metavar="DIR", help="A folder of your own rule files, added to the built-in ones (repeatable).", show_default=False),
]
Select = Annotated[
    Optional[str], typer.Option(metavar="IDS", help="Only these rules: ids or prefixes, comma-separated (punct,space.digit-han).", show_default=False)
]
Ignore = Annotated[
    Optional[str], typer.Option(metavar="IDS", help="Skip these rules: ids or prefixes, comma-separated.", show_default=False)
]
FollowLinks = Annotated[
    bool,
    typer.Option("--follow-links", help="Read symbolic links in the given folders even when they lead out of them."),
]
Unsafe = Annotated[
    bool, typer.Option("--unsafe", help="Also apply the rules marked unsafe (normally only reported as suggestions).")
]
Review = Annotated[
    Optional[Path],
    typer.Option(
        "--review",
        help="A review.toml exported from report.html: its rejected fixes are not made, its accepted suggestions and new rules are, its layout decisions are kept.",
        show_default=False,
    ),
]
LayoutModelOption = Annotated[
    Optional[Path],
    typer.Option(
        "--layout-model", metavar="FILE", show_default=False,
        help="A layout model fitted to your paper (kcclean layout fit) instead of the built-in one.",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither use nor keep the results of earlier runs (kcclean cache dir: where they are kept). The output is the same.",
    ),
]
Jobs = Annotated[
    Optional[int],
    typer.Option(
        "--jobs", "-j", min=1, show_default=False,
        help="Clean issues in this many worker processes (default: the machine's cores; 1: none). The output is the same.",
    ),
]


@contextmanager
def user_errors() -> Iterator[None]:
    """Errors become one line on stderr and their exit code."""
    try:
        yield
    except KccleanError as error:
        typer.echo(f"kcclean: error: {visible(str(error))}", err=True)
        raise typer.Exit(error.exit_code) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:  # the reader went away (kcclean rules list | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_PIPE) from None
    except OSError as error:  # the disk, not kcclean: full, read-only, no permission
        where = f"{error.filename}: " if error.filename else ""
        typer.echo(visible(f"kcclean: error: {where}{error.strerror or error}"), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    except Exception as error:  # a bug: say so plainly, keep the traceback for the curious
        if os.environ.get("KCCLEAN_DEBUG"):
            raise
        typer.echo(
            f"kcclean: internal error: {type(error).__name__}: {visible(str(error))}\n"
            "This is a bug in kcclean. Run again with KCCLEAN_DEBUG=1 for the traceback and report it.",
            err=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def terminate_as_interrupt() -> AbstractContextManager[None]:
    """SIGTERM (`kill`, a CI time-out) stops a run the way Ctrl-C does: nothing half-written
    is left behind."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signals_handled({signal.SIGTERM: stop})


def run_cache(rulebook: Rulebook, no_cache: bool) -> RunCache | None:
    """The cache of a run (None with --no-cache, or when it cannot be written: said once)."""
    return None if no_cache else RunCache.of(rulebook, say_warning)


def rulebook_of(
    rule_dirs: list[Path] | None,
    select: str | None,
    ignore: str | None,
    unsafe: bool,
    layout_model: Path | None = None,
    review: Path | None = None,
) -> Rulebook:
    """The run's rules and settings, with a review's decisions (`--review`); a layout model of
    the user's is read now, so that a broken one stops the run with its own error instead of
    failing every file."""
    rulebook = load_rulebook(load_settings(Path.cwd(), rule_dirs, select, ignore, unsafe, layout_model))
    model_of(rulebook)
    return rulebook if review is None else with_review(rulebook, review)


@dataclass(slots=True)
class _Terminal:
    """Where a run reports: `say` prints a line on stdout (above the progress bar when there
    is one), `advance` moves the bar, `note` says what is being cleaned (an issue of a large
    file: progress within the file)."""

    say: Callable[[str], None]
    advance: Callable[[int], None]
    note: Callable[[str], None] = lambda text: None


# A run of fewer files than this gets a bar only when its input is large.
_BAR_FILES = 20
_BAR_BYTES = 1_000_000


def _interactive() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


@contextmanager
def progress(total: int, quiet: bool, size: int = 0) -> Iterator[_Terminal]:
    """A progress bar for long runs (many files, or a large one) in a terminal; plain lines
    otherwise."""
    if quiet or (total < _BAR_FILES and size < _BAR_BYTES) or not _interactive():
        yield _Terminal(typer.echo, lambda n: None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    console = Console(highlight=False, markup=False, soft_wrap=True)
    with Progress(
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True, console=console
    ) as bar:
        task = bar.add_task("cleaning", total=total)
        yield _Terminal(
            console.print,
            lambda n: bar.advance(task, n),
            lambda text: bar.update(task, description=visible(text)),
        )


def describe(change: Change, issue: Issue) -> str:
    """One line for a terminal: where, rule, and before → after; a join, move or stitch in
    the input around it, as `kcclean diff` shows it; a review decision kept: why."""
    mark = "" if change.applied else "  (suggestion)"
    if change.kind == "review":
        what = change.evidence
    elif change.kind in ("join", "move", "stitch"):
        what = excerpt(change, {source.name: source for source in issue.inputs})
    else:
        what = f"{shown(change.before) or '∅'} → {shown(change.after) or '∅'}"
    return f"{visible(change.source)}:{change.line}:{change.column}  {change.rule}  {what}{mark}"


def inputs(paths: list[str], follow_links: bool = False, expand=None) -> tuple[list, list[KccleanError]]:
    """The files to read and the arguments that named none; an error if nothing is left."""
    files, missing = expand(paths) if expand else expand_paths(paths, follow_links=follow_links)
    if not files:
        raise missing[0] if missing else KccleanError("no input files")
    for error in missing:
        typer.echo(f"kcclean: skipped {visible(str(error))}", err=True)
    return files, missing


def file_line(name: str, issue: Issue) -> str:
    articles = sum(1 for a in issue.articles if a.source == name)
    fixes = sum(1 for c in issue.changes if c.source == name and c.is_fix)
    suggestions = sum(1 for c in issue.changes if c.source == name and not c.applied)
    warnings = sum(len(a.warnings) for a in issue.articles if a.source == name)
    return (
        f"{visible(name)}  {next(s.encoding for s in issue.inputs if s.name == name)}  {counted(articles, 'article')}  {counted(fixes, 'fix')}  "
        f"{counted(suggestions, 'suggestion')}  {counted(warnings, 'warning')}"
    )


def warn(issue: Issue) -> None:
    """The issue's own warnings (bad bytes replaced, a rule switched off) on stderr."""
    for message in issue.warnings:
        say_warning(message)


def warning_line(message: str) -> str:
    return f"kcclean: warning: {visible(message)}"


def say_warning(message: str) -> None:
    typer.echo(warning_line(message), err=True)



class PlainHelpCommand(typer.core.TyperCommand):
    """`--help` that names what to type (PATH, DIR, IDS) instead of Python types such as
    `<list[str]>`, which mean nothing to someone cleaning transcripts."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, typer.core.TyperArgument):
                param.display_type_rich = lambda ctx: None  # its name (PATH, FOLDER) says it
            elif isinstance(param, typer.core.TyperOption) and not param.is_flag and param.metavar is None:
                param.metavar = param.name.upper()
        return params


