"""The `kcclean` command: a thin layer over the pipeline, a module per command. All I/O of a
run happens here and in the output stage; errors meant for users become a message and an
exit code (`errors`), never a traceback.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..about import __version__
from .cache import cache_clean, cache_dir, cache_info
from .check import check
from .common import PlainHelpCommand
from .diff import diff
from .evaluate import evaluate
from .fix import fix
from .layout import layout_fit
from .rules import rules_explain, rules_import, rules_list, rules_new, rules_test

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
layout_app = typer.Typer(
    help="Teach the layout model (headlines, bylines, article starts, joins) a paper of your own.",
    no_args_is_help=True,
)
app.add_typer(layout_app, name="layout")
cache_app = typer.Typer(
    help="The results of earlier runs, kept so that a rerun costs only what changed: where, how much, emptying.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


app.command()(fix)
app.command()(check)
app.command()(diff)
app.command("eval")(evaluate)
rules_app.command("list")(rules_list)
rules_app.command("explain")(rules_explain)
rules_app.command("test")(rules_test)
rules_app.command("import")(rules_import)
rules_app.command("new")(rules_new)
layout_app.command("fit")(layout_fit)
cache_app.command("dir")(cache_dir)
cache_app.command("info")(cache_info)
cache_app.command("clean")(cache_clean)
for _info in (*app.registered_commands, *rules_app.registered_commands, *layout_app.registered_commands, *cache_app.registered_commands):
    _info.cls = PlainHelpCommand


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

