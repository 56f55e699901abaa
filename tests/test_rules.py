"""Every casualty rule carries its own examples (must fire) and counter-examples (must not)."""
from __future__ import annotations

import pytest

import claimx
from claimx.rules import load
from claimx.stages import casualties

RULES = load("casualty.toml")["rule"]


def _fired(rule_id: str, text: str):
    return [c for c in claimx.extract(text) if rule_id in c.rule]


@pytest.mark.parametrize("rule_id,category,text", [
    pytest.param(r["id"], r["category"], ex, id=f"{r['id']}:{n}")
    for r in RULES for n, ex in enumerate(r.get("examples", []))
])
def test_rule_example_fires(rule_id: str, category: str, text: str) -> None:
    fired = _fired(rule_id, text)
    assert fired, f"{rule_id} did not fire on {text!r}"
    if not category.startswith("@"):
        assert any(c.category == category for c in fired), f"{rule_id} gave {[c.category for c in fired]}"


@pytest.mark.parametrize("rule_id,text", [
    pytest.param(r["id"], ex, id=f"{r['id']}:{n}")
    for r in RULES for n, ex in enumerate(r.get("counter", []))
])
def test_rule_counter_example_does_not_fire(rule_id: str, text: str) -> None:
    assert not _fired(rule_id, text), f"{rule_id} fired on {text!r}"


def test_every_rule_has_an_example_and_a_unique_id() -> None:
    ids = [r["id"] for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.get("examples") for r in RULES), [r["id"] for r in RULES if not r.get("examples")]


def test_rules_compile_and_categories_are_known() -> None:
    compiled = casualties.rules()
    assert len(compiled) == len(RULES)
    for r in compiled:
        assert r.category in ("@t", "@prev", *claimx.models.CATEGORIES), r.id


@pytest.mark.parametrize("trigger,category", [
    ("killed or wounded", "casualties"), ("killed", "killed"), ("shot dead", "killed"), ("shot", "casualties"),
    ("shot and wounded", "wounded"), ("sustained injuries", "wounded"), ("unaccounted for", "missing"),
    ("taken prisoner", "captured"), ("death toll", "killed"), ("number of injured", "wounded"),
    ("number of Kyrgyz troops killed or wounded", "casualties"), ("losses", "casualties"),
])
def test_trigger_categories(trigger: str, category: str) -> None:
    assert casualties.classify(trigger) == category


def test_needs_at_only_skips_sentences_a_rule_could_not_match(monkeypatch) -> None:
    """`needs_at` is a shortcut: on every example and counter-example of every rule, and on
    sentences with the trigger on the other side of the count, claims are the same without it."""
    texts = [t for r in RULES for t in (*r.get("examples", ()), *r.get("counter", ()))]
    texts += ["Two people were killed.", "Gunmen killed 12.", "The dead were 8 men and 4 women.",
              "Of the 40 hostages, 12 were killed and the dead included 3 children."]
    with_gate = [claimx.extract(t) for t in texts]
    monkeypatch.setattr(casualties, "_needs_in_place", lambda *a: True)
    assert [claimx.extract(t) for t in texts] == with_gate


@pytest.mark.parametrize("bad", [{"needs_at": "middle", "needs": ["kill"]}, {"needs_at": "before"},
                                 {"needs_at": "after", "needs": ["kill"], "count": "indefinite"}])
def test_needs_at_is_checked_when_rules_load(bad: dict) -> None:
    with pytest.raises(ValueError, match="needs_at"):
        casualties._needs_at({"id": "x", **bad})


@pytest.mark.parametrize("word,category", sorted(load("casualty.toml")["trigger_words"].items()))
def test_trigger_word_table_agrees_with_the_trigger_patterns(word: str, category: str) -> None:
    """The table of common trigger words is a shortcut: the patterns must give the same category."""
    assert casualties.classify_by_pattern(word) == category
    assert casualties.classify(word.upper()) == category
