"""`kcclean diff`: every change as a diff labelled with its rule, in a terminal."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Annotated, Optional

import typer

from ..errors import EXIT_INPUT, KccleanError
from ..output.diff import render_issue, render_totals, tally, visible
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
    inputs,
    rulebook_of,
    run_cache,
    say_warning,
    user_errors,
    warn,
)


def diff(
    paths: Paths,
    unsafe: Unsafe = False,
    rules: RuleDirs = None,
    select: Select = None,
    ignore: Ignore = None,
    layout_model: LayoutModelOption = None,
    review: Review = None,
    color: Annotated[
        Optional[bool],
        typer.Option("--color/--no-color", help="Colour the diff (default: when printing to a terminal).", show_default=False),
    ] = None,
    follow_links: FollowLinks = False,
    no_cache: NoCache = False,
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
    with user_errors():
        rulebook = rulebook_of(rules, select, ignore, unsafe, layout_model, review)
        use_color = (sys.stdout.isatty() and not os.environ.get("NO_COLOR")) if color is None else color
        files, missing = inputs(paths, follow_links)
        skipped = len(missing)
        totals: Counter[tuple[str, str]] = Counter()
        keys = IssueKeys()
        for item in clean_files(files, rulebook, keys=keys, cache=run_cache(rulebook, no_cache)):
            if isinstance(item, KccleanError):
                typer.echo(f"kcclean: skipped {visible(str(item))}", err=True)
                skipped += 1
                continue
            warn(item)
            for line in render_issue(item, use_color):
                typer.echo(line, color=use_color)
            totals.update(tally(item))
        for _, message in keys.repeated():
            say_warning(message)
        for line in render_totals(totals, use_color):
            typer.echo(line, color=use_color)
        if skipped:
            raise typer.Exit(EXIT_INPUT)

