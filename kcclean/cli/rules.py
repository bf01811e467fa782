"""`kcclean rules`: list, explain, test, create and import correction rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional, TextIO

import typer

from ..datafile import read_data_file
from ..errors import EXIT_FOUND, EXIT_INPUT, KccleanError, RuleErrors
from ..pipeline import layout_example
from ..rules import (
    BUILTIN_RULES,
    KINDS,
    LayoutRule,
    ProtectRule,
    Rulebook,
    Settings,
    is_builtin,
    load_file,
    load_rules,
    read_toml,
    with_review,
)
from ..rules.base import RULE_ID
from ..rules.examples import check_rule
from ..rules.loader import defined_once, rule_files
from .common import Ignore, RuleDirs, Select, rulebook_of, user_errors
from .config import settings as load_settings


def rules_list(rules: RuleDirs = None, select: Select = None, ignore: Ignore = None) -> None:
    """Every rule in the order it runs: id, level, kind, scope, where it is defined, and
    what it does. Rules switched off by --select/--ignore or the project settings are
    marked `off`.

    Example:  kcclean rules list --rules my_rules
    """
    with user_errors():
        book = rulebook_of(rules, select, ignore, False)
        rows = [
            (
                rule.id,
                rule.level if book.active(rule.id) else "off",
                rule.kind,
                ",".join(sorted(rule.scope)),
                f"{'(built-in) ' + Path(rule.origin).name if is_builtin(rule) else rule.origin}:{rule.line}",
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


def rules_explain(rule_id: Annotated[str, typer.Argument(help="The rule's id, e.g. punct.comma-width.")], rules: RuleDirs = None) -> None:
    """Show a rule in full: what it does and why, its level and scope, the file that
    defines it, and its examples.

    Example:  kcclean rules explain space.between-han
    """
    with user_errors():
        book = rulebook_of(rules, None, None, False)
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
        does = "protects" if isinstance(rule, ProtectRule) else "fixes"  # its examples mark ⟦what it protects⟧
        for example in rule.examples:
            if example.fixed is None or example.fixed == example.text:
                typer.echo(f"  stays:  {example.text}")
            else:
                typer.echo(f"  {does}:  {example.text}\n      →   {example.fixed}")


def rules_test(
    folder: Annotated[Optional[Path], typer.Argument(help="A folder of your own rules to test with the built-in ones.")] = None,
    rules: RuleDirs = None,
) -> None:
    """Run every example of every rule, built-in and yours, as a test. Prints each failure
    with a diff. Exit 1 on a failing example, 2 on a rule file that cannot be loaded (the
    other files are still tested).

    Example:  kcclean rules test my_rules
    """
    with user_errors():
        base = load_settings(Path.cwd(), rules)
        folders = [BUILTIN_RULES, *base.rule_dirs, *([folder] if folder else [])]
        loaded, errors, _ = load_rules(folders)
        for error in errors:
            typer.echo(f"{error}", err=True)
        book = Rulebook(loaded, Settings())
        failures = [f for rule in loaded for f in check_rule(rule, lambda example: layout_example(example, book))]
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
# The kinds of rule, with their own fields (`kcclean rules explain ID` shows a built-in one):
{kinds}
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


def _kinds() -> str:
    """A comment line per kind of rule a user can write: what it is and its fields, from the
    kind's own module, so the template never falls behind the kinds there are."""
    lines = []
    for name, kind in KINDS.items():
        if kind is LayoutRule:
            continue  # kcclean's own decisions: a rule file may restate one, not add one
        summary = " ".join(sys.modules[kind.__module__].__doc__.split())
        summary = summary.split(": ", 1)[1].split(". ")[0].rstrip(".")
        lines.append(f"#   {name}: {summary} ({', '.join(sorted(kind.FIELDS))})")
    return "\n".join(lines)


def rules_import(
    review: Annotated[Path, typer.Argument(help="A review.toml exported from report.html.")],
    folder: Annotated[Path, typer.Option("--dir", help="Your rules folder to add it to.")] = Path("."),
    rules: RuleDirs = None,
) -> None:
    """Keep a review as rules: check review.toml against the rules it names and write it to
    FOLDER as an ordinary rule file (its exceptions and rules, the reviewed text as their
    examples), then use FOLDER with --rules or `rules = [...]` in kcclean.toml. A review
    FOLDER already holds (the same entries, comments aside) is not written again; a later
    review goes beside it as review-2.toml, review-3.toml…

    Example:  kcclean rules import review.toml --dir my_rules && kcclean rules test my_rules
    """
    with user_errors():
        kept = rule_files(folder) if folder.is_dir() else []
        book = rulebook_of([*(rules or []), *([folder] if folder.is_dir() else [])], None, None, False)
        entries = read_toml(review)[1]
        same = next((path for path in kept if read_toml(path)[1] == entries), None)
        if same is not None:
            typer.echo(f"{same} already holds this review: nothing written")
            return
        with_review(book, review)  # every exception names a rule, every example passes
        # a rule of the review must not be one the folder defines already: it would be defined twice there
        _, clashes = defined_once(load_file(review), {rule.id: rule for path in kept for rule in load_file(path)})
        if clashes:
            raise RuleErrors(clashes)
        text = read_data_file(review)
        folder.mkdir(parents=True, exist_ok=True)
        target, n = folder / "review.toml", 1
        while (handle := _created(target)) is None:
            n += 1
            target = folder / f"review-{n}.toml"
        with handle:
            handle.write(text)
        typer.echo(f"wrote {target}; use it with --rules {folder}, test it with: kcclean rules test {folder}")


def _created(path: Path) -> TextIO | None:
    """A new file, open for writing; None if anything has the name, even a link leading
    nowhere (writing through it would write outside the folder)."""
    try:
        return open(path, "x", encoding="utf-8")
    except FileExistsError:
        return None


def rules_new(
    rule_id: Annotated[str, typer.Argument(help="The new rule's id, e.g. house.district-name.")],
    folder: Annotated[Path, typer.Option("--dir", metavar="DIR", help="Folder to write the rule file to.")] = Path("."),
) -> None:
    """Write a commented template for a new rule to FOLDER/ID.toml, ready to edit and test.

    Example:  kcclean rules new house.district-name --dir my_rules
    """
    with user_errors():
        if not RULE_ID.fullmatch(rule_id):
            raise KccleanError(f"{rule_id!r} is not a rule id: use letters, digits, '.', '-' and '_'")
        path = folder / f"{rule_id}.toml"
        folder.mkdir(parents=True, exist_ok=True)
        handle = _created(path)
        if handle is None:
            raise KccleanError(f"{path}: already exists; choose another id or edit it")
        with handle:
            handle.write(_TEMPLATE.format(id=rule_id, kinds=_kinds()))
        typer.echo(f"wrote {path}; edit it, then: kcclean rules test {folder}")


