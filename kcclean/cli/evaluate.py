"""`kcclean eval`: measure cleaned articles against hand-cleaned ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..evaluate import load_articles, score
from .common import user_errors


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
    with user_errors():
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

