"""How the rule engine keeps to few, cheap passes without changing what it finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kcclean
from kcclean import pipeline
from kcclean.repair import touched_texts
from kcclean.rulebook import RegexRule, trigger_of

# Every character a built-in pattern names, and some it does not.
ALPHABET = "柯城区委召开會議，。“”（）《》!?:;,.()-—－─…|丨l and\t \u3000\u200b\ufffd\x07１２．0123456789"


def regex_rules(rulebook) -> list[RegexRule]:
    return [rule for rule in rulebook.all_rules if isinstance(rule, RegexRule)]


def test_the_built_in_regex_rules_have_a_trigger(rulebook) -> None:
    """Without one, a rule scans every issue with its full pattern (the slow path)."""
    assert [rule.id for rule in regex_rules(rulebook) if rule.trigger is None] == []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_a_trigger_is_in_every_match(text: str, rulebook) -> None:
    for rule in regex_rules(rulebook):
        if rule.pattern.search(text):
            assert rule.trigger.search(text), (rule.id, text)


def test_every_rule_example_that_changes_contains_its_trigger(rulebook) -> None:
    for rule in regex_rules(rulebook):
        for example in rule.examples:
            if example.fixed not in (None, example.text):
                assert rule.trigger.search(example.text), (rule.id, example.text)


@pytest.mark.parametrize(
    ("pattern", "trigger"),
    [
        pytest.param(r"(?<=\p{Han}),", "[,]", id="look-behind-is-not-consumed"),
        pytest.param(r"[(（][^)]*\)", r"[\)]", id="smallest-class-wins"),
        pytest.param(r"a+|bc", "[ab]", id="alternatives-unite"),
        pytest.param(r"\\p{Han}x", r"[\\]", id="escaped-backslash-is-literal"),
        pytest.param(r"[\p{Han}“]x", "[x]", id="property-in-a-class"),
        pytest.param(r"a?b*", None, id="nothing-required"),
        pytest.param(r"a|\p{Han}", None, id="an-alternative-with-no-literal"),
        pytest.param(r"(?i)abc", None, id="case-insensitive"),
        pytest.param(r"(?:abc){e<=1}", None, id="fuzzy"),
        pytest.param(r"\L<words>", None, id="named-list"),
        pytest.param(r"[^a]", None, id="negated-class"),
    ],
)
def test_trigger_of(pattern: str, trigger: str | None) -> None:
    found = trigger_of(pattern)
    assert (found.pattern if found else None) == trigger


def test_texts_a_rule_cannot_match_are_not_touched(rulebook) -> None:
    comma = rulebook.by_id["punct.comma-width"]
    texts = ["会议指出，近期", "会议指出,近期", "第二段,第三句,", "没有逗号"]
    assert touched_texts(comma, texts) == [1, 2]


def test_clean_text_loads_the_rules_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = []
    real = pipeline.load_rulebook
    monkeypatch.setattr(pipeline, "load_rulebook", lambda settings: loads.append(settings) or real(settings))
    pipeline.default_rulebook.cache_clear()
    for _ in range(3):
        kcclean.clean_text("区领导督导防控工作\n\n本报讯（记者 方心怡）连日来,区领导深入一线。")
    kcclean.clean_text("区领导督导防控工作\n\n本报讯（记者 方心怡）连日来,区领导深入一线。", unsafe=True)
    assert len(loads) == 2  # one safe rulebook, one with --unsafe
    pipeline.default_rulebook.cache_clear()


@pytest.mark.parametrize(
    ("rule_id", "texts", "touched"),
    [
        ("width.fullwidth-alnum", ["柯城区２０２１年", "", "没有", "１", "ａ"], [0, 3, 4]),
        ("script.traditional", ["这是简体", "這是繁體", "", "们", "會"], [1, 4]),
        ("punct.double-quotes", ['他说"好', '的"。', "没有", '"'], [0, 1, 3]),
        ("stray.invisible", ["一\u200b二", "三", "\u200b", "", "四\u200b"], [0, 2, 4]),
        ("typo.confusions", ["已经", "己经", "无"], [0, 1]),
    ],
    ids=["table", "script", "pairs", "regex", "confusion"],
)
def test_each_kind_of_rule_touches_the_texts_holding_what_it_looks_for(rulebook, rule_id, texts, touched) -> None:
    assert touched_texts(rulebook.by_id[rule_id], texts) == touched
