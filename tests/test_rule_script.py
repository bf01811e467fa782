"""`script` rules: stray traditional characters in simplified text."""

from __future__ import annotations

import opencc
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcclean.errors import RuleErrors
from kcclean.pipeline import clean_text
from kcclean.rules import Settings, load_rulebook
from kcclean_dev.peer_suite import repaired


def test_script_rule_converts_nothing_in_a_traditional_text() -> None:
    traditional = "柯城召開會議\n\n本報訊（記者 王思）區委書記主持會議，強調要進一步做好疫情防控工作。"
    issue = clean_text(traditional)
    assert "區委書記" in issue.articles[0].body[0]
    assert any("script.traditional converts nothing" in w for w in issue.warnings)


def test_the_rules_for_slips_of_traditional_forms_stand_down_in_a_traditional_text() -> None:
    # 著 after a verb and 甦 are right in a traditional text; in a simplified one, they are fixed
    traditional = "柯城召開會議\n\n本報訊（記者 王思）村民們看著經濟復甦，強調要進一步做好疫情防控工作。"
    assert clean_text(traditional).articles[0].body == ["本報訊（記者 王思）村民們看著經濟復甦，強調要進一步做好疫情防控工作。"]
    simplified = "柯城召开会议\n\n本报讯（记者 王思）村民们看著经济复甦，强调要进一步做好疫情防控工作。"
    assert clean_text(simplified).articles[0].body == ["本报讯（记者 王思）村民们看着经济复苏，强调要进一步做好疫情防控工作。"]


def test_a_rule_standing_down_with_a_later_rule_is_reported(tmp_path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.toml").write_text(
        '[[rule]]\nid = "house.zhe"\ndescription = "x"\nkind = "table"\npriority = -1\n'
        'stands_down_with = "script.traditional"\n[rule.table]\n"看著" = "看着"\n'
        '[[rule.example]]\ntext = "看著"\nfixed = "看着"\n[[rule.example]]\ntext = "著名"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleErrors, match="house.zhe: `stands_down_with` must name a rule that runs before it"):
        load_rulebook(Settings(rule_dirs=[folder]))


def test_script_rule_reports_each_converted_word() -> None:
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）區委書記朱素芳主持会议，强调要进一步做好疫情防控工作。")
    words = [(c.before, c.after) for c in issue.changes if c.rule == "script.traditional"]
    assert words == [("區委書記", "区委书记")]


def test_a_traditional_character_in_a_name_before_a_title_is_only_suggested() -> None:
    # 趙 before 女士 is a name-like place (the built-in `name_after`): the surname may be
    # written so on purpose, so 趙 → 赵 is suggested, not made.
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）趙女士在社区做了十年志愿者。")
    assert issue.articles[0].body == ["本报讯（记者 王思）趙女士在社区做了十年志愿者。"]
    (change,) = [c for c in issue.changes if c.rule == "script.traditional"]
    assert (change.before, change.after, change.applied) == ("趙", "赵", False)


# --- names are never harmed: rare characters of real names, in a name's place -----------------

NAME_CHARACTERS = [
    line.split("\t")[:2]
    for line in (ROOT / "tests" / "data" / "name-characters.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
# Where a name stands: a place's before its suffix, a person's after a surname that starts a
# name. Each sentence also has a stray traditional 後 in its prose, which is still fixed, and
# enough simplified text that the paragraph is no traditional text on purpose.
PLACES = ["一周後，记者来到{}{}采访。", "一周後，记者走进上{}{}，看到一片丰收景象。"]
SUFFIXES = ["村", "镇", "乡", "街道", "路", "桥", "山"]
PEOPLE = ["一周後，村民王{}说，今年的收成不错。", "一周後，李{}介绍了经验。", "获奖学生张{}芳的作品展出一周後，反响很好。"]


PROSE = "这里举办的丰收节吸引了许多游客，带动了当地经济发展。"


def name_sentences(character: str, kind: str) -> list[str]:
    if kind == "place":
        return [sentence.format(character, suffix) + PROSE for sentence in PLACES for suffix in SUFFIXES]
    return [sentence.format(character) + PROSE for sentence in PEOPLE]


@pytest.mark.parametrize(("character", "kind"), NAME_CHARACTERS, ids=[f"{k}-{n}" for n, (_, k) in enumerate(NAME_CHARACTERS)])
def test_a_rare_character_of_a_real_name_is_never_changed_in_a_name(character: str, kind: str, rulebook) -> None:
    for sentence in name_sentences(character, kind):
        fixed, changes = repaired(sentence, rulebook)
        assert fixed == sentence.replace("後", "后"), sentence
        assert not [c for c in changes if c.applied and character in c.before], sentence


def test_the_name_characters_list_holds_characters_the_converter_would_change() -> None:
    """The list is worth its name: most of it is characters OpenCC's t2s changes."""
    converter = opencc.OpenCC("t2s")
    changed = [character for character, _ in NAME_CHARACTERS if converter.convert(character) != character]
    assert len(changed) >= 15, changed


# --- span-level decisions ---------------------------------------------------------------------


def test_a_run_with_a_certain_and_a_doubtful_part_gets_a_change_and_a_suggestion(rulebook) -> None:
    # 陳 → 陈 is certain; 曄 after the surname 陈 is a given name's, only suggested
    text = "一周後，村民陳曄说，这里举办的丰收节吸引了许多游客，带动了当地经济发展。"
    fixed, changes = repaired(text, rulebook)
    assert fixed == "一周后，村民陈曄说，这里举办的丰收节吸引了许多游客，带动了当地经济发展。"
    script = [(c.before, c.after, c.applied) for c in changes if c.rule == "script.traditional"]
    assert set(script) == {("陳", "陈", True), ("後", "后", True), ("曄", "晔", False)}


MIXED = st.text(alphabet="區委書記處於後陳曄王村路山鄉農裝車位征收徵乾隆昇里裏著干發髮，。 a", max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=MIXED)
def test_every_change_and_suggestion_is_what_the_converter_makes(text: str, rulebook) -> None:
    """Taking every change and every suggestion of the script rule gives OpenCC's conversion:
    a run split into certain and doubtful parts suggests nothing the converter would not make."""
    rule = rulebook.by_id["script.traditional"]
    converted = text
    for edit in reversed(rule.find(text)):
        converted = converted[: edit.start] + edit.after + converted[edit.end :]
    assert converted == rule.converter.convert(text)
