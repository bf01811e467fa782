"""A plain-text rendering of issues, compared exactly against hand-cleaned expected files
(the format is described in fixtures/README.md)."""

from __future__ import annotations

from ..model import SUBHEAD_MARK, Issue


def _value(value: object) -> str:
    return "-" if value is None else str(value)


def render(issues: list[Issue]) -> str:
    out: list[str] = []
    for issue in issues:
        out.append(f"issue: {issue.key}")
        out.append(f"date: {_value(issue.date)}")
        out.append(f"number: {_value(issue.number)}")
        out.extend(f"masthead: {line}" for line in issue.masthead)
        out.extend(f"banner: {line}" for line in issue.banners)
        for n, article in enumerate(issue.articles, 1):
            out.append("")
            out.append(
                f"== {n:02d} kind={article.kind} page={_value(article.page)} "
                f"continued_from={_value(article.continued_from)} "
                f"continued_to={_value(article.continued_to)} "
                f"truncated={'yes' if article.truncated else 'no'}"
            )
            out.extend(f"headline: {line}" for line in article.headline)
            out.append(f"byline: {_value(article.byline)}")
            out.append("")
            subheads = set(article.subheads)
            out.extend(f"{SUBHEAD_MARK}{text}" if index in subheads else text for index, text in enumerate(article.body))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_plain(issue: Issue) -> str:
    """Articles as `# headline` lines and paragraphs, separated by a blank line: how layout
    rule examples are written."""
    blocks = []
    for article in issue.articles:
        blocks.append("\n".join([*(f"# {line}" for line in article.headline), *article.body]))
    return "\n\n".join(blocks) + "\n"
