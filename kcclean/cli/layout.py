"""`kcclean layout fit`: the layout model taught a paper of your own, from pages whose articles
you corrected by hand."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from ..errors import KccleanError
from ..evaluate import Scores, Text, load_articles, score
from ..input import display_names, expand_paths, read_source
from ..layout.decisions import LayoutModel, write_model
from ..layout.fitting import add_jumps, changes, fit, prepare
from ..layout.labelling import LabelledPage, labels_from_references
from ..output.diff import counted, visible
from ..pipeline import clean_files, model_of
from ..rules import Rulebook
from .common import LayoutModelOption, RuleDirs, inputs, rulebook_of, user_errors

# A page is fitted on only when most of its text was found in its references: one whose
# articles were left out of the references would teach that prose is page furniture.
_FOUND_ENOUGH = 0.6


@dataclass(slots=True)
class _Issue:
    """The pages of one issue as the pipeline groups them, with their labels and references."""

    paths: list[Path]
    references: list[Text]
    pages: list[LabelledPage]


def layout_fit(
    raw: Annotated[Path, typer.Argument(metavar="RAW_DIR", help="The raw transcripts the corrected articles came from (its *.txt files, in subfolders too).", show_default=False)],
    references: Annotated[
        Path,
        typer.Argument(
            metavar="REFERENCE_DIR",
            help="Their articles corrected by hand: kcclean fix's .md files (front matter kept; an articles.jsonl only where there are none).",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="Where to write the fitted model.")] = Path("layout-model.toml"),
    layout_model: LayoutModelOption = None,
    test_every: Annotated[
        int, typer.Option("--test-every", min=0, metavar="N", help="Measure on every Nth issue, fitted without it (0: measure nothing).")
    ] = 4,
    rules: RuleDirs = None,
) -> None:
    """Fit the layout model (headlines, subheads, bylines, where articles start, which line
    breaks to join) to your own paper, starting from the built-in model (or --layout-model).

    The references are articles you corrected by hand: run kcclean fix on some issues, copy
    the output folder, fix headlines, subheads, paragraphs and article boundaries in its .md
    files, and keep their front matter (it names the input file). Every line of a raw page
    is found in them, OCR errors and all, and labelled by where it was found.

    Every Nth issue is held out: the model is fitted without it and measured on it, before
    and after, so you see whether fitting helps. The model written is fitted on all.

    \b
    Example:  kcclean layout fit scans/ corrected/ --out my-layout.toml
              kcclean fix scans/ --layout-model my-layout.toml
    """
    with user_errors():
        rulebook = rulebook_of(rules, None, None, False, layout_model)
        base = model_of(rulebook)
        files, _ = inputs([str(raw)], expand=lambda paths: expand_paths(paths, pattern="**/*.txt"))
        articles = _corrected(references)
        issues = _labelled_issues(files, articles, rulebook, base)
        pages = [page for issue in issues for page in issue.pages]
        if not pages:
            raise KccleanError(f"no page of {raw} could be found in the articles of {references}: nothing to fit on")
        typer.echo(f"{counted(len(pages), 'page')} labelled from {counted(len(articles), 'reference article')}")
        prepared = {id(page): prepare(page, rulebook) for page in pages}
        for issue in issues:
            add_jumps([prepared[id(page)] for page in issue.pages])
        held = [issue for k, issue in enumerate(issues) if test_every and k % test_every == test_every - 1 and issue.pages]
        held_ids = {id(issue) for issue in held}
        fitted_on = [prepared[id(p)] for issue in issues if id(issue) not in held_ids for p in issue.pages]
        if held and fitted_on:
            trial = fit(fitted_on, base, "trial")
            before, after = _measured(held, rulebook, base), _measured(held, rulebook, trial)
            typer.echo(f"\nmeasured on {counted(len(held), 'held-out issue')}, fitted without them:")
            typer.echo("               precision  recall  headlines  break F1")
            typer.echo(_figures("before", before))
            typer.echo(_figures("after", after))
        else:
            typer.echo("too few issues to hold any out: nothing measured (fitting on all)")
        model = fit(list(prepared.values()), base, f"{counted(len(pages), 'page')} of {raw.name or raw}, from the {base.origin}")
        typer.echo("\nthe weights that moved most:")
        for line in changes(base, model):
            typer.echo(f"  {line}")
        _write(out, write_model(model))
        typer.echo(f"\nwrote {out}; use it with  kcclean fix PATH --layout-model {out}  or  layout_model = \"{out}\"  in kcclean.toml")


def _corrected(references: Path) -> list[Text]:
    """The corrected articles: a folder's .md files where it has any (a copy of kcclean's
    output still holds the uncorrected text in its articles.jsonl), else what it holds."""
    files = sorted(references.rglob("*.md")) if references.is_dir() else []
    return [article for path in files for article in load_articles(path)] if files else load_articles(references)


def _labelled_issues(files: list[Path], articles: list[Text], rulebook: Rulebook, base: LayoutModel) -> list[_Issue]:
    """The raw files grouped into issues as the pipeline groups them, each page labelled from
    the reference articles that name it (by kcclean's name for it, or its file name)."""
    names = dict(zip(files, display_names(files)))
    by_name: dict[str, list[Text]] = {}
    for article in articles:
        for name in article.sources:
            by_name.setdefault(name, []).append(article)
            by_name.setdefault(Path(name).name, []).append(article)
    unnamed = [article for article in articles if not article.sources]
    issues = []
    for issue in clean_files(files, rulebook, base):
        if isinstance(issue, KccleanError):
            typer.echo(f"kcclean: skipped {visible(str(issue))}", err=True)
            continue
        paths = [path for path in files if names[path] in issue.sources]
        mine = {id(a): a for path in paths for a in by_name.get(names[path], by_name.get(path.name, unnamed))}
        labelled = []
        for path in paths:
            page = labels_from_references(read_source(path, names[path]), list(mine.values()))
            if page.found >= _FOUND_ENOUGH:
                labelled.append(page)
            else:
                typer.echo(f"kcclean: left out {visible(names[path])}: only {page.found:.0%} of its text is in the references", err=True)
        issues.append(_Issue(paths, list(mine.values()), labelled))
    return issues


def _measured(held: list[_Issue], rulebook: Rulebook, model: LayoutModel) -> Scores:
    total = Scores(0, 0, 0, 0, 0, 0, 0, 0)
    for issue in held:
        predicted = [
            Text(a.id, tuple(a.headline), tuple(a.body))
            for cleaned in clean_files(issue.paths, rulebook, model)
            if not isinstance(cleaned, KccleanError)
            for a in cleaned.articles
        ]
        total += score(predicted, issue.references)
    return total


def _figures(name: str, scores: Scores) -> str:
    return f"  {name:8}     {scores.precision:7.3f} {scores.recall:7.3f} {scores.headline_accuracy:10.3f} {scores.break_f1:9.3f}"


def _write(path: Path, text: str) -> None:
    """Write the model whole or not at all."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise KccleanError(f"cannot write {path}: {error.strerror or error}") from None

