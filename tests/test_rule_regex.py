"""`regex` rules: a pattern and its replacement, and the trigger (the characters every match
needs) that lets the engine skip a text at once; a pattern that backtracks catastrophically
is switched off, naming the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rules import write_rules

from kcclean.pipeline import clean_text
from kcclean.rules import RegexRule, Settings, load_rulebook
from kcclean.rules.trigger import trigger_of

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


def test_catastrophic_user_regex_is_switched_off_naming_the_rule(tmp_path: Path, monkeypatch) -> None:
    write_rules(
        tmp_path / "rules",
        r"""
        [[rule]]
        id = "user.slow"
        description = "A pattern that backtracks catastrophically on long runs of Chinese."
        kind = "regex"
        scope = ["body"]
        pattern = '(\p{Han}+)+\d'
        replacement = ""

        [[rule.example]]
        text = "甲1"
        fixed = ""

        [[rule.example]]
        text = "甲"
        """,
    )
    monkeypatch.setattr("kcclean.rules.pattern.TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr("kcclean.rules.engine.TIMEOUT_SECONDS", 0.2)
    book = load_rulebook(Settings(rule_dirs=[tmp_path / "rules"]))
    issue = clean_text("柯城召开会议\n\n本报讯（记者 王思）" + "柯城" * 5000 + "。", rulebook=book)
    assert [w for w in issue.warnings if "user.slow" in w] == [
        "rule user.slow gave up after 0.2 s on text: its pattern probably backtracks catastrophically; "
        f"it is switched off for this issue (fix it in {tmp_path / 'rules' / 'mine.toml'}:1, "
        "or --ignore user.slow)"
    ]
    assert "user.slow" in [rule.id for rule in book.text_rules], "switched off for that issue, not the rulebook's others"
    assert issue.articles[0].body == ["本报讯（记者 王思）" + "柯城" * 5000 + "。"], "the text is still cleaned"
