"""The confusion rule kind: look-alike characters fixed only on the word list's evidence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from kcclean.errors import RuleErrors
from kcclean.pipeline import clean_text
from kcclean.rules import ConfusionRule, Settings, load_rulebook
from kcclean.words import word_table

PAGE = "柯城召开会议\n\n本报讯（记者 王思）{}"


def confusions(rulebook) -> ConfusionRule:
    return rulebook.by_id["typo.confusions"]


def test_a_fix_reports_the_word_it_found(rulebook) -> None:
    issue = clean_text(PAGE.format("各项工作己经完成，面州市民纷纷点赞。"), rulebook=rulebook)
    assert issue.articles[0].body == ["本报讯（记者 王思）各项工作已经完成，衢州市民纷纷点赞。"]
    found = {(c.before, c.after): c.evidence for c in issue.changes if c.rule == "typo.confusions"}
    assert found[("己", "已")] == "己经 → 已经: '已经' is a word (freq 51289), '己经' is not, nor any word around '己'"
    assert found[("面", "衢")].startswith("面州 → 衢州: '衢州' is a word")


# The 人/入 group the shipped list leaves out (see rules/confusions.tsv), as a user adds it:
# in place of the shipped rule, and only suggested.
PEOPLE = """
[[rule]]
id = "typo.confusions"
description = "人/入 only, and only suggested."
kind = "confusion"
scope = ["body"]
level = "unsafe"
groups_file = "people.tsv"

[[rule.example]]
text = "财政收人稳步增长"
fixed = "财政收入稳步增长"

[[rule.example]]
text = "他人"
"""


def people_rulebook(folder: Path):
    write(folder, "people.toml", PEOPLE)
    write(folder, "people.tsv", "人入\n")
    return load_rulebook(Settings(rule_dirs=[folder]))


def test_an_unsafe_rule_only_suggests(tmp_path: Path) -> None:
    rulebook = people_rulebook(tmp_path / "rules")
    issue = clean_text(PAGE.format("全年财政收人稳步增长。"), rulebook=rulebook)
    assert issue.articles[0].body == ["本报讯（记者 王思）全年财政收人稳步增长。"]
    [change] = [c for c in issue.changes if c.rule == "typo.confusions"]
    assert (change.before, change.after, change.applied, change.level) == ("人", "入", False, "unsafe")


@pytest.mark.parametrize(
    "text",
    ["他自己经营一家超市", "舍己为人", "自立自强", "期末考试", "背街小巷"],
)
def test_a_word_around_the_character_keeps_it(text: str, rulebook) -> None:
    rule = confusions(rulebook)
    assert rule.candidates.search(text), "no character of the case is in a shipped group: it cannot fail"
    assert rule.find(text) == []
    assert rule.find_scored(text, doubted(text)) == []  # the words read likelier as printed


def doubted(text: str) -> tuple[float, ...]:
    """Scores of an OCR engine that doubted every character of the text."""
    return (0.5,) * len(text)


# Look-alikes the words alone leave in doubt (a word holds the character as printed, or the
# word the look-alike makes is rare): a low engine score for the character makes them
# suggestions, never fixes; a high one leaves them alone, as a transcript does.
@pytest.mark.parametrize(
    ("text", "printed", "meant", "window"),
    [
        ("各村落实安全生产责任，做到守土尽贵。", "贵", "责", "尽贵"),  # 尽责 is rare
        ("周末去镇里间问人才公寓的事。", "间", "问", "间问"),  # 间 is held (人间, 中间…) but read far likelier as 问问
        ("周末多所听居民的意见。", "所", "听", "所听"),
    ],
)
def test_a_low_engine_score_makes_a_doubted_look_alike_a_suggestion(text: str, printed: str, meant: str, window: str, rulebook) -> None:
    rule = confusions(rulebook)
    at = text.index(printed)
    assert rule.find(text) == [] and rule.find_scored(text, (0.97,) * len(text)) == []
    scores = [0.97] * len(text)
    scores[at] = 0.41
    [edit] = rule.find_scored(text, tuple(scores))
    assert (edit.start, edit.after, edit.unsafe) == (at, meant, True)
    assert edit.evidence.endswith(f"; engine score 0.41 for {window}")


def test_a_fix_names_the_engine_s_score_and_stays_a_fix(rulebook) -> None:
    rule = confusions(rulebook)
    text = "各项工作己经完成"
    [plain] = rule.find(text)
    [scored] = rule.find_scored(text, (0.93,) * len(text))
    assert (scored.start, scored.after, scored.unsafe) == (plain.start, plain.after, False)
    assert scored.evidence == plain.evidence + "; engine score 0.93 for 己经"


def test_clean_fixture_articles_are_left_alone(rulebook) -> None:
    rule = confusions(rulebook)
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.expected"))]
    assert texts
    assert [(t[e.start - 4 : e.end + 4], e.after) for t in texts for e in rule.find(t)] == []
    assert [(t[e.start - 4 : e.end + 4], e.after) for t in texts for e in rule.find_scored(t, doubted(t))] == []


@st.composite
def dictionary_text(draw) -> str:
    words = draw(st.lists(st.sampled_from(MULTI_CHARACTER_WORDS), min_size=1, max_size=12))
    return "".join(words)


MULTI_CHARACTER_WORDS = sorted(w for w in word_table() if len(w) > 1)


@settings(max_examples=200, deadline=None)
@given(dictionary_text())
def test_text_made_of_dictionary_words_is_never_changed(text: str) -> None:
    # Every character of it is covered by a word, so no look-alike can be better evidence.
    assert confusions(load_rulebook()).find(text) == []


def safe_fix(rule: ConfusionRule, text: str) -> str:
    """The text with the rule's fixes made as a default run makes them (suggestions not)."""
    for edit in reversed([e for e in rule.find(text) if not e.unsafe]):
        text = text[: edit.start] + edit.after + text[edit.end :]
    return text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="己已巳末未曰日人入土士面衢国围经来今州战地周的是在", max_size=30))
def test_confusion_fixes_are_idempotent(text: str) -> None:
    rule = confusions(load_rulebook())
    once = safe_fix(rule, text)
    assert safe_fix(rule, once) == once


def write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")


RULE = """
[[rule]]
id = "user.confusions"
description = "Look-alikes this user's scanner confuses."
kind = "confusion"
groups_file = "mine.tsv"

[[rule.example]]
text = "实施乡村振兴战略"

[[rule.example]]
text = "实施乡村振兴战咯"
fixed = "实施乡村振兴战略"
"""


def test_a_user_adds_groups_in_a_file_of_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write(folder, "mine.toml", RULE)
    write(folder, "mine.tsv", "# 略 read as 咯\n咯→略\tsafe\tmy scanner\n")
    book = load_rulebook(Settings(rule_dirs=[folder]))
    assert book.by_id["user.confusions"].fix("战咯") == "战略"


@pytest.mark.parametrize(
    ("line", "message"),
    [("咯\n", "two or more different characters"), ("咯→略\tmaybe\n", "must be safe or unsafe")],
)
def test_a_bad_group_is_reported_at_its_line(tmp_path: Path, line: str, message: str) -> None:
    folder = tmp_path / "rules"
    write(folder, "mine.toml", RULE)
    write(folder, "mine.tsv", "# first line\n" + line)
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[folder]))
    assert str(caught.value).startswith(f"{folder / 'mine.tsv'}:2: ")
    assert message in str(caught.value)


def test_a_user_writes_groups_in_the_rule_itself(tmp_path: Path) -> None:
    # `groups` in the rule file instead of a `groups_file` beside it
    folder = tmp_path / "rules"
    write(folder, "mine.toml", RULE.replace('groups_file = "mine.tsv"', 'groups = ["咯→略"]'))
    book = load_rulebook(Settings(rule_dirs=[folder]))
    assert book.by_id["user.confusions"].fix("实施乡村振兴战咯") == "实施乡村振兴战略"


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("[]", "a confusion rule needs `groups` or `groups_file`"),
        ('["咯"]', "a confusion group is two or more different characters (己已巳 or 面衡→衢), not '咯'"),
    ],
    ids=["no-group", "one-character"],
)
def test_a_bad_groups_field_is_reported_at_its_line(tmp_path: Path, groups: str, message: str) -> None:
    folder = tmp_path / "rules"
    write(folder, "mine.toml", RULE.replace('groups_file = "mine.tsv"', f"groups = {groups}"))
    with pytest.raises(RuleErrors) as caught:
        load_rulebook(Settings(rule_dirs=[folder]))
    assert str(caught.value) == f"{folder / 'mine.toml'}:5: rule user.confusions: {message}"


def test_a_line_s_last_character_is_no_neighbour_of_its_first(rulebook) -> None:
    # A headline has no closing mark, so it may end on a character that makes a word with
    # its first (周末): the line does not wrap round, and its 末成年人 is still 未成年人.
    [edit] = confusions(rulebook).find("末成年人保护宣传周")
    assert (edit.start, edit.after, edit.unsafe) == (0, "未", False)


def test_a_parallel_phrase_at_the_start_of_a_line_is_not_touched(tmp_path: Path) -> None:
    # With the 人/入 group a user may add (see rules/confusions.tsv), 入脑入心 is written on
    # purpose wherever it stands: first in a subhead as much as inside a paragraph.
    rule = confusions(people_rulebook(tmp_path / "rules"))
    for text in ("入脑入心见行动", "学习宣传入脑入心见行动"):
        assert rule.find(text) == [], text


def test_literal_table_exception_keeps_the_longer_word() -> None:
    rule = load_rulebook().by_id["typo.confusions"]
    assert rule.fix("他自己经营，工作己经完成") == "他自己经营，工作已经完成"
