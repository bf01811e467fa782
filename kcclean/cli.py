"""The `kcclean` command: a thin layer over the pipeline. All I/O of a run happens here and
in write.py; errors meant for users become a message and an exit code, never a traceback.

Exit codes: 0 ok · 1 check found fixes / a rule example failed · 2 usage or input error ·
3 internal error.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core

from . import __version__
from .config import settings as load_settings
from .errors import EXIT_FOUND, EXIT_INPUT, EXIT_INTERNAL, EXIT_PIPE, KccleanError
from .model import Change, Issue
from .parallel import dask_cluster, default_jobs, expand_urls, signals_handled, worker_processes
from .pipeline import clean_files
from .read import expand_paths
from .report import Report
from .rulebook import BUILTIN_RULES, RULE_ID, Rulebook, Settings, load_rules, load_rulebook, with_review
from .terminal import counted, visible
from .write import OutputFolder

app = typer.Typer(
    name="kcclean",
    help=(
        "Clean raw transcripts of 今日柯城 into one clean file per article, with a report of "
        "every change and the rule that made it.\n\n"
        "Start with:  kcclean fix fixtures/sample --out out   then open out/report.html."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    help="List, explain, test and create correction rules (TOML files in a rules folder).",
    no_args_is_help=True,
)
app.add_typer(rules_app, name="rules")

Paths = Annotated[
    list[str],
    typer.Argument(metavar="PATH", help="Transcript files, folders (their *.txt, sorted) or globs.", show_default=False),
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
        help="A review.toml exported from report.html: its rejected fixes are not made, its accepted suggestions and new rules are.",
        show_default=False,
    ),
]


Jobs = Annotated[
    Optional[int],
    typer.Option(
        "--jobs", "-j", min=1, show_default=False,
        help="Clean issues in this many worker processes (default: the machine's cores; 1: none). The output is the same.",
    ),
]


def _engine(jobs: int | None, files: list[Path], rulebook: Rulebook, folder: OutputFolder | None = None):
    """A context giving the function that cleans the run's files: in this process, or in
    worker processes when there are several cores and several files (they then write the
    article files into `folder`, the run's output, too)."""
    jobs = min(jobs or default_jobs(), len(files))
    if jobs <= 1:
        return nullcontext(lambda paths: ((item, None) for item in clean_files(paths, rulebook)))
    return worker_processes(jobs, rulebook.settings, rulebook, folder)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kcclean {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass


def main() -> None:
    """Console entry point."""
    app()


@contextmanager
def _user_errors() -> Iterator[None]:
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


def _terminate_as_interrupt() -> AbstractContextManager[None]:
    """SIGTERM (`kill`, a CI time-out) stops a run the way Ctrl-C does: nothing half-written
    is left behind."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signals_handled({signal.SIGTERM: stop})


def _rulebook(rule_dirs: list[Path] | None, select: str | None, ignore: str | None, unsafe: bool) -> Rulebook:
    return load_rulebook(load_settings(Path.cwd(), rule_dirs, select, ignore, unsafe))


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
def _progress(total: int, quiet: bool, size: int = 0) -> Iterator[_Terminal]:
    """A progress bar for long runs (many files, or a large one) in a terminal; plain lines
    otherwise."""
    if quiet or (total < _BAR_FILES and size < _BAR_BYTES) or not _interactive():
        yield _Terminal(typer.echo, lambda n: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

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


def _shown(text: str) -> str:
    return text.replace("\n", "⏎").replace(" ", "␣").replace("\u3000", "␣") or "∅"


def describe(change: Change) -> str:
    """One line for a terminal: where, rule, before → after."""
    mark = "" if change.applied else "  (suggestion)"
    return (
        f"{visible(change.source)}:{change.line}:{change.column}  {change.rule}  "
        f"{visible(_shown(change.before))} → {visible(_shown(change.after))}{mark}"
    )


def _inputs(paths: list[str], follow_links: bool = False, expand=None) -> tuple[list, list[KccleanError]]:
    """The files to read and the arguments that named none; an error if nothing is left."""
    files, missing = expand(paths) if expand else expand_paths(paths, follow_links=follow_links)
    if not files:
        raise missing[0] if missing else KccleanError("no input files")
    for error in missing:
        typer.echo(f"kcclean: skipped {visible(str(error))}", err=True)
    return files, missing


def _file_line(name: str, issue: Issue) -> str:
    articles = sum(1 for a in issue.articles if a.source == name)
    fixes = sum(1 for c in issue.changes if c.source == name and c.is_fix)
    suggestions = sum(1 for c in issue.changes if c.source == name and not c.applied)
    warnings = sum(len(a.warnings) for a in issue.articles if a.source == name)
    return (
        f"{visible(name)}  {next(s.encoding for s in issue.inputs if s.name == name)}  {counted(articles, 'article')}  {counted(fixes, 'fix')}  "
        f"{counted(suggestions, 'suggestion')}  {counted(warnings, 'warning')}"
    )


def _warn(issue: Issue) -> None:
    """The issue's own warnings (bad bytes replaced, a rule switched off) on stderr."""
    for message in issue.warnings:
        typer.echo(f"kcclean: warning: {visible(message)}", err=True)


@app.command()
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
) -> None:
    """Clean transcripts into one Markdown file per article, articles.jsonl, issues.jsonl
    and a diff report (report.json, report.html).

    Example:  kcclean fix scans/2021-01-20/ --out cleaned

    Consecutive files with the same masthead date are pages of one issue, so an article
    continued on page 2 becomes one article. A file that cannot be read is skipped with a
    message and the run exits 2 at the end; the others are still cleaned.
    """
    with _user_errors(), _terminate_as_interrupt():
        rulebook = _rulebook(rules, select, ignore, unsafe)
        if engine not in ("local", "dask"):
            raise KccleanError(f"--engine {engine}: choose local or dask")
        urls = engine == "dask" and any("://" in path for path in paths)
        if review is not None:
            rulebook = with_review(rulebook, review)
        files, missing = _inputs(paths, follow_links, expand_urls if urls else None)
        report = Report(rulebook)
        for error in missing:
            report.add_skipped(error)
        worst = max((error.exit_code for error in missing), default=0)  # the run's exit code
        folder = nullcontext() if dry_run else OutputFolder(out, force)
        size = 0 if urls else sum(path.stat().st_size for path in files)
        files_done: set[str] = set()  # a file holding several issues counts once
        issues_done = 0
        if engine == "dask":
            cleaner = dask_cluster(scheduler, jobs or default_jobs(), rulebook.settings)
        else:
            cleaner = _engine(jobs, files, rulebook, None if dry_run else folder)
        with folder, cleaner as clean, _progress(len(files), quiet, size) as terminal:
            for stale in [] if dry_run else folder.stale:
                typer.echo(f"kcclean: removed {visible(str(stale))}, left by a run that was killed", err=True)
            for item, part in clean(files):
                if isinstance(item, KccleanError):
                    typer.echo(f"kcclean: skipped {visible(str(item))}", err=True)
                    report.add_skipped(item)
                    worst = max(worst, item.exit_code)
                    terminal.advance(1)
                    continue
                if not dry_run:
                    folder.add(item, part)
                report.add_issue(item)
                if not quiet:
                    _warn(item)
                for name in item.sources:
                    if not quiet:
                        terminal.say(_file_line(name, item))
                    if dry_run and not quiet:
                        for change in item.changes:
                            if change.source == name and change.kind != "record":
                                terminal.say("    " + describe(change))
                new = [name for name in item.sources if name not in files_done]
                files_done.update(new)
                terminal.advance(len(new))
                issues_done += 1
                terminal.note(f"cleaning {item.sources[-1]}: {counted(issues_done, 'issue')} done")
            if not dry_run:
                with folder.open("report.json") as handle:
                    report.write_json(handle)
                with folder.open("report.html") as handle:
                    report.write_html(handle)
                folder.finish()
        total = report.summary()
        where = "nothing written (dry run)" if dry_run else visible(f"wrote {out}/ (open {out}/report.html)")
        typer.echo(
            f"{counted(total['files'], 'file')}, {counted(total['articles'], 'article')}, {counted(total['fixes'], 'fix')}, "
            f"{counted(total['suggestions'], 'suggestion')}, {counted(total['warnings'], 'warning')}; {where}"
        )
        if worst:
            raise typer.Exit(worst)


@app.command()
def check(
    paths: Paths,
    unsafe: Unsafe = False,
    rules: RuleDirs = None,
    select: Select = None,
    ignore: Ignore = None,
    follow_links: FollowLinks = False,
) -> None:
    """Exit 1 when `kcclean fix` would change the text of any file (for a transcription
    team's CI), 0 when it would not. Suggestions of unsafe rules are listed but do not
    count. Nothing is written.

    Example:  kcclean check transcripts/*.txt
    """
    with _user_errors():
        rulebook = _rulebook(rules, select, ignore, unsafe)
        files, missing = _inputs(paths, follow_links)
        fixes = files_with_fixes = 0
        worst = max((error.exit_code for error in missing), default=0)
        for item in clean_files(files, rulebook):
            if isinstance(item, KccleanError):
                typer.echo(f"kcclean: skipped {visible(str(item))}", err=True)
                worst = max(worst, item.exit_code)
                continue
            _warn(item)
            for name in item.sources:
                mine = [c for c in item.changes if c.source == name and c.kind != "record"]
                for change in mine:
                    typer.echo(describe(change))
                found = sum(1 for c in mine if c.is_fix)
                fixes += found
                files_with_fixes += bool(found)
        if worst:
            raise typer.Exit(worst)
        if fixes:
            typer.echo(f"{counted(fixes, 'fix')} to make in {counted(files_with_fixes, 'file')} (kcclean fix makes them)")
            raise typer.Exit(EXIT_FOUND)
        typer.echo("clean: nothing to fix")


@app.command()
def diff(
    paths: Paths,
    unsafe: Unsafe = False,
    rules: RuleDirs = None,
    select: Select = None,
    ignore: Ignore = None,
    color: Annotated[
        Optional[bool],
        typer.Option("--color/--no-color", help="Colour the diff (default: when printing to a terminal).", show_default=False),
    ] = None,
    follow_links: FollowLinks = False,
) -> None:
    """Print every change kcclean makes, or suggests, as a diff labelled with its rule:
    the page furniture kept as metadata, then each article's changes, with the evidence
    for joins and moves. Nothing is written.

    Example:  kcclean diff scans/2021-01-20/page1.txt | less -R

    Each line: LINE:COLUMN, the input around the change, the rule and, unless it is an edit,
    the kind of change (join, move, stitch, record). The run ends with totals per rule.
    Without colour the changes are marked:

    \b
    [-text-]          removed (red): an edit took it out; [-⏎-] is a line break a join removed
    {+text+}          inserted (green): an edit put it in
    [=text=]          record: page furniture kept as metadata, not text (grey)
    <<moved: text>>   move: text moved into place, e.g. a displaced lead (purple)
    [?a → b?]         suggestion: an unsafe rule's edit, not applied (yellow); --unsafe applies it
    ⏎ ␣ □ ⇥ <U+200B>  a line break, space, ideographic space, tab, invisible character
    ⇢ text…           joined to text that is not next to it (a page jump, a moved lead)
    why:              the evidence for a join, move or stitch
    """
    from collections import Counter

    from .terminal import render_issue, render_totals, tally

    with _user_errors():
        rulebook = _rulebook(rules, select, ignore, unsafe)
        use_color = (sys.stdout.isatty() and not os.environ.get("NO_COLOR")) if color is None else color
        files, missing = _inputs(paths, follow_links)
        skipped = len(missing)
        totals: Counter[tuple[str, str]] = Counter()
        for item in clean_files(files, rulebook):
            if isinstance(item, KccleanError):
                typer.echo(f"kcclean: skipped {visible(str(item))}", err=True)
                skipped += 1
                continue
            _warn(item)
            for line in render_issue(item, use_color):
                typer.echo(line, color=use_color)
            totals.update(tally(item))
        for line in render_totals(totals, use_color):
            typer.echo(line, color=use_color)
        if skipped:
            raise typer.Exit(EXIT_INPUT)


@app.command("eval")
def evaluate(
    predicted: Annotated[Path, typer.Argument(help="kcclean's output: an --out folder, article .md files, or articles.jsonl.")],
    reference: Annotated[Path, typer.Argument(help="Hand-cleaned articles: a folder of corrected .md files, an articles.jsonl, or *.expected files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure cleaned articles against hand-cleaned references: article precision and
    recall, character error rate (CER) of the bodies, and paragraph-break F1.

    Example:  kcclean fix scans --out out && kcclean eval out corrected/

    A simple way to make references: run kcclean fix on a few issues, correct the .md files
    by hand (headline lines start with #, one paragraph per block), and keep them.
    """
    from .evaluate import load_articles, score

    with _user_errors():
        scores = score(load_articles(predicted), load_articles(reference))
        figures = scores.to_json()
        if as_json:
            typer.echo(json.dumps(figures, indent=1))
            return
        typer.echo(f"articles   {scores.matched} matched of {scores.predicted} predicted, {scores.reference} in the reference")
        typer.echo(f"precision  {scores.precision:.3f}")
        typer.echo(f"recall     {scores.recall:.3f}")
        typer.echo(f"CER        {scores.cer:.4f}  ({scores.edits} edits in {scores.characters} reference characters)")
        typer.echo(f"break F1   {scores.break_f1:.3f}  (paragraph breaks)")


@rules_app.command("list")
def rules_list(rules: RuleDirs = None, select: Select = None, ignore: Ignore = None) -> None:
    """Every rule in the order it runs: id, level, kind, scope, where it is defined, and
    what it does. Rules switched off by --select/--ignore or the project settings are
    marked `off`.

    Example:  kcclean rules list --rules my_rules
    """
    with _user_errors():
        book = _rulebook(rules, select, ignore, False)
        rows = [
            (
                rule.id,
                rule.level if book.active(rule.id) else "off",
                rule.kind,
                ",".join(sorted(rule.scope)),
                f"{'(built-in) ' + Path(rule.origin).name if rule.builtin else rule.origin}:{rule.line}",
                rule.description,
            )
            for rule in book.all_rules
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            cells = [row[i].ljust(widths[i]) for i in range(5)]
            typer.echo("  ".join(cells) + "  " + _first_sentence(row[5]))


def _first_sentence(text: str, limit: int = 90) -> str:
    first = text.split(". ")[0].split("。")[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


@rules_app.command("explain")
def rules_explain(rule_id: Annotated[str, typer.Argument(help="The rule's id, e.g. punct.comma-width.")], rules: RuleDirs = None) -> None:
    """Show a rule in full: what it does and why, its level and scope, the file that
    defines it, and its examples.

    Example:  kcclean rules explain space.between-han
    """
    with _user_errors():
        book = _rulebook(rules, None, None, False)
        rule = book.by_id.get(rule_id)
        if rule is None:
            close = [r for r in book.by_id if rule_id.split(".")[0] in r]
            hint = f" (did you mean {', '.join(close[:5])}?)" if close else ""
            raise KccleanError(f"no rule is named {rule_id}{hint}; see `kcclean rules list`")
        typer.echo(f"{rule.id}  ({rule.kind}, {rule.level}, scope: {', '.join(sorted(rule.scope))})")
        typer.echo(f"defined in {rule.origin}:{rule.line}\n")
        typer.echo(rule.description + "\n")
        if rule.level == "unsafe":
            typer.echo(f'Applied only with --unsafe or `unsafe = ["{rule.id}"]` in kcclean.toml.\n')
        for example in rule.examples:
            if example.fixed is None or example.fixed == example.text:
                typer.echo(f"  stays:  {example.text}")
            else:
                typer.echo(f"  fixes:  {example.text}\n      →   {example.fixed}")


@rules_app.command("test")
def rules_test(
    folder: Annotated[Optional[Path], typer.Argument(help="A folder of your own rules to test with the built-in ones.")] = None,
    rules: RuleDirs = None,
) -> None:
    """Run every example of every rule, built-in and yours, as a test. Prints each failure
    with a diff. Exit 1 on a failing example, 2 on a rule file that cannot be loaded (the
    other files are still tested).

    Example:  kcclean rules test my_rules
    """
    from .ruletest import check_rule

    with _user_errors():
        base = load_settings(Path.cwd(), rules)
        folders = [BUILTIN_RULES, *base.rule_dirs, *([folder] if folder else [])]
        loaded, errors = load_rules(folders)
        for error in errors:
            typer.echo(f"{error}", err=True)
        book = Rulebook(loaded, Settings())
        failures = [f for rule in loaded for f in check_rule(rule, book)]
        for failure in failures:
            typer.echo(str(failure))
        count = sum(len(r.examples) for r in loaded)
        typer.echo(f"{len(loaded)} rules, {count} examples: {len(failures)} failures, {len(errors)} broken files")
        if errors:
            raise typer.Exit(EXIT_INPUT)
        if failures:
            raise typer.Exit(EXIT_FOUND)


_TEMPLATE = '''# A kcclean rule file. Put it in a folder and use it with:
#   kcclean fix PATH --rules FOLDER        (or rules = ["FOLDER"] in kcclean.toml)
#   kcclean rules test FOLDER               (runs the examples below as tests)
# A rule with the id of a built-in rule replaces it. Rules run in file-name order, then
# in their order in the file; `priority = -1` runs a rule before the others.

[[rule]]
id = "{id}"
description = """Why this is wrong and what the fix is (shown in the report and by
`kcclean rules explain {id}`)."""
# regex: a pattern (Python `regex` syntax: \\p{{Han}} is a Chinese character) and its replacement.
# Other kinds: table (`[rule.table]` of "wrong" = "right", or table_file = "x.tsv"),
# lexicon (entries + threshold), script (convert = "t2s").
kind = "regex"
# Where it applies: body, caption, headline, subhead, byline, credit, masthead, banner, all.
scope = ["body", "caption"]
# safe: applied by kcclean fix. unsafe: only reported as a suggestion unless --unsafe.
level = "unsafe"
pattern = '柯城区区'
replacement = "柯城区"

# Examples are tests: one the rule fixes, and one it must leave as it is.
[[rule.example]]
text = "柯城区区委召开会议"
fixed = "柯城区委召开会议"

[[rule.example]]
text = "柯城区委召开会议"
'''


@rules_app.command("import")
def rules_import(
    review: Annotated[Path, typer.Argument(help="A review.toml exported from report.html.")],
    folder: Annotated[Path, typer.Option("--dir", help="Your rules folder to add it to.")] = Path("."),
    rules: RuleDirs = None,
) -> None:
    """Keep a review as rules: check review.toml against the rules it names and write it to
    FOLDER as an ordinary rule file (its exceptions and rules, the reviewed text as their
    examples), then use FOLDER with --rules or `rules = [...]` in kcclean.toml.

    Example:  kcclean rules import review.toml --dir my_rules && kcclean rules test my_rules
    """
    with _user_errors():
        book = _rulebook([*(rules or []), *([folder] if folder.is_dir() else [])], None, None, False)
        with_review(book, review)  # every exception names a rule, every example passes
        text = review.read_text(encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        stem, n = "review", 1
        target = folder / f"{stem}.toml"
        while target.exists():
            n += 1
            target = folder / f"{stem}-{n}.toml"
        target.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {target}; use it with --rules {folder}, test it with: kcclean rules test {folder}")


@rules_app.command("new")
def rules_new(
    rule_id: Annotated[str, typer.Argument(help="The new rule's id, e.g. house.district-name.")],
    folder: Annotated[Path, typer.Option("--dir", metavar="DIR", help="Folder to write the rule file to.")] = Path("."),
) -> None:
    """Write a commented template for a new rule to FOLDER/ID.toml, ready to edit and test.

    Example:  kcclean rules new house.district-name --dir my_rules
    """
    with _user_errors():
        if not RULE_ID.fullmatch(rule_id):
            raise KccleanError(f"{rule_id!r} is not a rule id: use letters, digits, '.', '-' and '_'")
        path = folder / f"{rule_id}.toml"
        if path.exists():
            raise KccleanError(f"{path}: already exists; choose another id or edit it")
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(_TEMPLATE.format(id=rule_id), encoding="utf-8")
        typer.echo(f"wrote {path}; edit it, then: kcclean rules test {folder}")



class _PlainHelpCommand(typer.core.TyperCommand):
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


for _info in (*app.registered_commands, *rules_app.registered_commands):
    _info.cls = _PlainHelpCommand
