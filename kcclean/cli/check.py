"""`kcclean check`: exit 1 when `fix` would change anything (for a transcription team's CI)."""

from __future__ import annotations

import typer

from ..errors import EXIT_FOUND, KccleanError
from ..output.diff import counted, visible
from ..pipeline import IssueKeys, clean_files
from .common import (
    FollowLinks,
    Ignore,
    LayoutModelOption,
    NoCache,
    Paths,
    Review,
    RuleDirs,
    Select,
    Unsafe,
    describe,
    inputs,
    rulebook_of,
    run_cache,
    say_warning,
    user_errors,
    warn,
)


def check(
    paths: Paths,
    unsafe: Unsafe = False,
    rules: RuleDirs = None,
    select: Select = None,
    ignore: Ignore = None,
    layout_model: LayoutModelOption = None,
    review: Review = None,
    follow_links: FollowLinks = False,
    no_cache: NoCache = False,
) -> None:
    """Exit 1 when `kcclean fix` would change the text of any file (for a transcription
    team's CI), 0 when it would not. Suggestions of unsafe rules are listed but do not
    count. Nothing is written.

    Example:  kcclean check transcripts/*.txt
    """
    with user_errors():
        rulebook = rulebook_of(rules, select, ignore, unsafe, layout_model, review)
        files, missing = inputs(paths, follow_links)
        fixes = files_with_fixes = 0
        worst = max((error.exit_code for error in missing), default=0)
        keys = IssueKeys()
        for item in clean_files(files, rulebook, keys=keys, cache=run_cache(rulebook, no_cache)):
            if isinstance(item, KccleanError):
                typer.echo(f"kcclean: skipped {visible(str(item))}", err=True)
                worst = max(worst, item.exit_code)
                continue
            warn(item)
            for name in item.sources:
                mine = [c for c in item.changes if c.source == name and c.kind != "record"]
                for change in mine:
                    typer.echo(describe(change, item))
                found = sum(1 for c in mine if c.is_fix)
                fixes += found
                files_with_fixes += bool(found)
        for _, message in keys.repeated():
            say_warning(message)
        if worst:
            raise typer.Exit(worst)
        if fixes:
            typer.echo(f"{counted(fixes, 'fix')} to make in {counted(files_with_fixes, 'file')} (kcclean fix makes them)")
            raise typer.Exit(EXIT_FOUND)
        typer.echo("clean: nothing to fix")

