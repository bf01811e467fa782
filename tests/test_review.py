"""Review decisions as rule data: `[[exception]]`s of any text rule, `exceptions` on every
text rule, and `kcclean fix --review` / `kcclean rules import` that read them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from kcclean.cli import app
from kcclean.pipeline import clean_text, layout_example
from kcclean.rules import BUILTIN_RULES, load_rulebook, load_rules, with_review
from kcclean.rules.examples import check_rule

TEXT = "柯城开展宣讲活动\n\n本报讯（记者 方心怡）校长为全校师生宣讲精神,共产党人的初心,永远在路上。\n"


def write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def commas(rulebook) -> list[str]:
    issue = clean_text(TEXT, "p.txt", rulebook=rulebook)
    return [c.before + issue.inputs[0].text[c.end : c.end + 2] for c in issue.changes if c.rule == "punct.comma-width"]


def test_an_exception_keeps_a_rule_from_one_place_only(tmp_path: Path):
    review = write(tmp_path / "review.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "精神,共产"
        note = "rejected in review"
    """)
    book = load_rulebook()
    assert commas(book) == [",共产", ",永远"]
    assert commas(with_review(book, review)) == [",永远"]


def test_a_regex_rule_takes_exceptions_in_its_own_file(tmp_path: Path):
    folder = tmp_path / "rules"
    write(folder / "house.toml", """
        [[rule]]
        id = "house.district"
        description = "The district is 柯城区."
        kind = "regex"
        pattern = '柯成区'
        replacement = "柯城区"
        exceptions = ["柯成区域"]

        [[rule.example]]
        text = "柯成区召开会议"
        fixed = "柯城区召开会议"

        [[rule.example]]
        text = "柯成区域经济"
    """)
    rules, errors, _ = load_rules([folder])
    assert not errors
    assert rules[0].fix("柯成区域经济，柯成区召开") == "柯成区域经济，柯城区召开"


def test_exceptions_of_no_rule_or_of_a_layout_rule_are_errors_with_their_line(tmp_path: Path):
    folder = tmp_path / "rules"
    write(folder / "bad.toml", """
        [[exception]]
        rule = "no.such-rule"
        text = "精神,共产"

        [[exception]]
        rule = "join.broken-wrap"
        text = "精神"
    """)
    write(folder / "incomplete.toml", """
        # no text
        [[exception]]
        rule = "punct.comma-width"
    """)
    errors = load_rules([BUILTIN_RULES, folder]).errors
    messages = sorted(str(e) for e in errors)
    assert any("bad.toml:1:" in m and "no rule is named no.such-rule" in m for m in messages), messages
    assert any("bad.toml:5:" in m and "not the layout rule join.broken-wrap" in m for m in messages), messages
    assert any("incomplete.toml:2:" in m and "needs `rule`" in m for m in messages), messages


def test_rules_test_flags_an_exception_that_is_never_needed(tmp_path: Path):
    folder = tmp_path / "rules"
    write(folder / "review.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "精神，共产"
    """)
    rules, errors, _ = load_rules([BUILTIN_RULES, folder])
    assert not errors
    book = load_rulebook()
    rule = next(r for r in rules if r.id == "punct.comma-width")
    assert any("never needed" in str(f) for f in check_rule(rule, lambda example: layout_example(example, book)))
    result = CliRunner().invoke(app, ["rules", "test", str(folder)])
    assert result.exit_code == 1 and "exception '精神，共产' is never needed" in result.output


def test_fix_review_and_rules_import(tmp_path: Path):
    page = tmp_path / "page.txt"
    page.write_text(TEXT, encoding="utf-8")
    review = write(tmp_path / "review.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "精神,共产"
    """)
    runner = CliRunner()
    result = runner.invoke(app, ["fix", str(page), "--out", str(tmp_path / "out"), "--review", str(review), "-q"])
    assert result.exit_code == 0, result.output
    body = json.loads((tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])["body"][0]
    assert "精神,共产" in body and "初心，永远" in body
    result = runner.invoke(app, ["rules", "import", str(review), "--dir", str(tmp_path / "mine")])
    assert result.exit_code == 0 and (tmp_path / "mine" / "review.toml").exists(), result.output
    again = runner.invoke(app, ["rules", "import", str(review), "--dir", str(tmp_path / "mine")])
    assert again.exit_code == 0 and "already holds this review: nothing written" in again.output
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["review.toml"]
    missing = runner.invoke(app, ["fix", str(page), "--out", str(tmp_path / "x"), "--review", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "nope.toml" in missing.stderr


# A sentence that punct.comma-width's own first example uses (rules/30-punctuation.toml).
BUILTIN_SENTENCE = "区委召开常委会\n\n12月14日上午,区委常委会召开会议,传达学习精神。\n"


def test_a_review_of_a_builtin_example_sentence_round_trips(tmp_path: Path):
    """Rejecting a fix in a sentence that a built-in rule's example also uses narrows the
    rule for the user's text: the built-in example still passes, and fix honours the rejection."""
    page = tmp_path / "page.txt"
    page.write_text(BUILTIN_SENTENCE, encoding="utf-8")
    review = write(tmp_path / "review.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "12月14日上午,区委常委会"
        note = "rejected in review"
    """)
    runner, mine = CliRunner(), tmp_path / "my_rules"
    imported = runner.invoke(app, ["rules", "import", str(review), "--dir", str(mine)])
    assert imported.exit_code == 0, imported.output
    tested = runner.invoke(app, ["rules", "test", str(mine)])
    assert tested.exit_code == 0 and ": 0 failures, 0 broken files" in tested.output, tested.output
    fixed = runner.invoke(app, ["fix", str(page), "--rules", str(mine), "--out", str(tmp_path / "out"), "-q"])
    assert fixed.exit_code == 0, fixed.output
    body = json.loads((tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])["body"]
    assert body == ["12月14日上午,区委常委会召开会议，传达学习精神。"]
    again = runner.invoke(app, ["rules", "import", str(review), "--dir", str(mine)])
    assert again.exit_code == 0 and f"{mine / 'review.toml'} already holds this review" in again.output
    assert runner.invoke(app, ["rules", "test", str(mine)]).exit_code == 0


def test_a_later_review_is_written_beside_the_first_and_loads_with_it(tmp_path: Path):
    page = tmp_path / "page.txt"
    page.write_text(BUILTIN_SENTENCE, encoding="utf-8")
    first = write(tmp_path / "first.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "上午,区委"
    """)
    second = write(tmp_path / "second.toml", """
        [[exception]]
        rule = "punct.comma-width"
        text = "上午,区委"

        [[exception]]
        rule = "punct.comma-width"
        text = "会议,传达"
    """)
    runner, mine = CliRunner(), tmp_path / "my_rules"
    for review in (first, second):
        result = runner.invoke(app, ["rules", "import", str(review), "--dir", str(mine)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in mine.iterdir()) == ["review-2.toml", "review.toml"]
    assert runner.invoke(app, ["rules", "test", str(mine)]).exit_code == 0
    result = runner.invoke(app, ["check", str(page), "--rules", str(mine)])
    assert result.exit_code == 0 and "clean: nothing to fix" in result.output, result.output


def test_an_exception_never_needed_is_blamed_on_the_file_that_writes_it(tmp_path: Path):
    mine = tmp_path / "my_rules"
    write(mine / "review.toml", """
        # a comma already fixed
        [[exception]]
        rule = "punct.comma-width"
        text = "上午，区委"
    """)
    result = CliRunner().invoke(app, ["rules", "test", str(mine)])
    assert result.exit_code == 1
    assert f"{mine / 'review.toml'}:2: rule punct.comma-width: exception '上午，区委' is never needed" in result.output
    assert "30-punctuation.toml" not in result.output


TABLE_RULE = """
    [[rule]]
    id = "house.review-1"
    description = "Made in review."
    kind = "table"
    scope = ["all"]
    priority = -1

    [rule.table]
    "柯成" = "{right}"

    [[rule.example]]
    text = "柯成"
    fixed = "{right}"

    [[rule.example]]
    text = "{right}"
"""


def test_an_import_that_conflicts_names_the_review_file_and_line(tmp_path: Path):
    runner, mine = CliRunner(), tmp_path / "my_rules"
    assert runner.invoke(app, ["rules", "import", str(write(tmp_path / "one.toml", TABLE_RULE.format(right="柯城"))), "--dir", str(mine)]).exit_code == 0
    other = write(tmp_path / "two.toml", "# a later review, reusing the id\n" + textwrap.dedent(TABLE_RULE.format(right="柯城区")))
    result = runner.invoke(app, ["rules", "import", str(other), "--dir", str(mine)])
    assert result.exit_code == 2
    assert f"{other}:3: rule house.review-1 is already defined at {mine / 'review.toml'}:1" in result.stderr
    twice = write(tmp_path / "twice.toml", TABLE_RULE.format(right="柯城") + TABLE_RULE.format(right="柯城区"))
    result = runner.invoke(app, ["rules", "import", str(twice), "--dir", str(tmp_path / "fresh")])
    assert result.exit_code == 2 and f"{twice}:18: rule house.review-1 is already defined at {twice}:1" in result.stderr
    nobody = write(tmp_path / "nobody.toml", """
        [[exception]]
        rule = "punct.no-such-rule"
        text = "精神,共产"
    """)
    result = runner.invoke(app, ["rules", "import", str(nobody), "--dir", str(mine)])
    assert result.exit_code == 2 and f"{nobody}:1: [[exception]]: no rule is named punct.no-such-rule" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["review.toml"]
    assert not (tmp_path / "fresh").exists()


def test_a_pair_rejected_for_the_whole_run_imports_and_tests_clean(tmp_path, monkeypatch) -> None:
    """The page exports a pair rejected for the run as the edited text alone (`text = ","`):
    the rule needs the text around a comma to find it, yet the exception keeps it from its own
    examples' edits, so it is needed."""
    monkeypatch.chdir(tmp_path)
    Path("review.toml").write_text('[[exception]]\nrule = "punct.comma-width"\ntext = ","\n', encoding="utf-8")
    Path("p.txt").write_text("柯城召开会议\n\n本报讯（记者 王思）5月8日,柯城召开会议。\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["rules", "import", "review.toml", "--dir", "my_rules"]).exit_code == 0
    tested = runner.invoke(app, ["rules", "test", "my_rules"])
    assert tested.exit_code == 0 and "0 failures" in tested.output, tested.output
    assert runner.invoke(app, ["fix", "p.txt", "--rules", "my_rules", "--out", "o", "-q"]).exit_code == 0
    assert "5月8日,柯城" in next(Path("o").glob("*/*.md")).read_text(encoding="utf-8")


def test_an_exception_with_a_source_holds_in_that_file_only(tmp_path, monkeypatch) -> None:
    """A pair rejected in review for one file: `source` keeps the rule out of that file alone."""
    monkeypatch.chdir(tmp_path)
    page = "柯城召开会议\n\n本报讯（记者 王思）5月8日,柯城召开会议。\n"
    Path("a.txt").write_text(page, encoding="utf-8")
    Path("b.txt").write_text(page.replace("5月8日", "5月9日"), encoding="utf-8")
    Path("review.toml").write_text('[[exception]]\nrule = "punct.comma-width"\ntext = ","\nsource = "a.txt"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["fix", "a.txt", "b.txt", "--review", "review.toml", "--out", "o", "-q"]).exit_code == 0
    texts = {path.parent.name: path.read_text(encoding="utf-8") for path in Path("o").glob("*/*.md")}
    assert [name for name, text in sorted(texts.items()) if "日,柯城" in text] == ["a"]
    assert runner.invoke(app, ["rules", "import", "review.toml", "--dir", "my_rules"]).exit_code == 0
    assert runner.invoke(app, ["rules", "test", "my_rules"]).exit_code == 0
    broken = Path("broken.toml")
    broken.write_text('[[exception]]\nrule = "punct.comma-width"\ntext = ","\nsource = 3\n', encoding="utf-8")
    result = runner.invoke(app, ["fix", "a.txt", "--review", "broken.toml", "--out", "p"])
    assert result.exit_code == 2 and "broken.toml:1: an [[exception]] needs" in result.output
