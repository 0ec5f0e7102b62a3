"""Gather: candidates are ranked best first, and evidence about the opposite of what is asked comes last."""

from __future__ import annotations

from assistant.glossary import load_glossary
from assistant.question import parse_question


def test_a_pair_of_opposites_is_read_from_the_glossary():
    assert ("城镇", "农村") in load_glossary().opposed("2024年城镇居民人均可支配收入增长多少?")
    assert ("城镇", "农村") not in load_glossary().opposed("城镇和农村居民收入各增长多少")


def test_evidence_naming_the_opposite_of_what_is_asked_is_ranked_after_the_rest(real_assistant):
    trace = real_assistant._answerer.trace(parse_question("2024年城镇居民人均可支配收入增长多少？", real_assistant._reference_year))
    candidates = trace.evidence[0].candidates
    opposed = [i for i, c in enumerate(candidates) if "农村" in c.unit.text and "城镇" not in c.unit.text]
    others = [i for i, c in enumerate(candidates) if not ("农村" in c.unit.text and "城镇" not in c.unit.text)]
    assert opposed and others
    on_topic_others = [i for i in others if candidates[i].probability > 0.5]
    assert max(on_topic_others) < min(opposed)
