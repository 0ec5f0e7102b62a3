"""The regular expressions on the query path (issue 9, item 1): the ones that backtracked
catastrophically (cubic) or quadratically on a long question now take time linear in its length, and
match exactly what they matched before (property tests against the old patterns)."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import question, scope, terms, verification
from assistant.answering import select, understand

CN = "零〇一二两三四五六七八九十百千"
OLD_NUMBER_WITH_UNIT = re.compile(
    rf"([{CN}]+点[{CN}]+|[{CN}]{{2,}}|(?<![{CN}第])[一二两三四五六七八九](?=万|亿))(?=万|亿|个百分点|公里|万人|亿元|亿斤|家|台|辆)"
)
OLD_LATIN = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9.]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9](?![A-Za-z0-9])")
OLD_LIST = re.compile(r"哪[二三四五六七八九十两\d]+|[一二三四五六七八九十两\d]+个[“\"]")


def _texts(*pieces: str, max_size: int = 24):
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


@settings(max_examples=300, deadline=None)
@given(_texts(*CN, "点", "第", "万", "亿", "家", "公里", "个百分点", "粮", "5"))
def test_numbers_in_words_are_read_as_before(text):
    new = [(m.span(), m.group(1)) for m in question._NUMBER_WITH_UNIT.finditer(text)]
    old = [(m.span(), m.group(1)) for m in OLD_NUMBER_WITH_UNIT.finditer(text)]
    assert new == old


@settings(max_examples=300, deadline=None)
@given(_texts("一", "二", "七", "十", "两", "几", "1", "2", "个", "“", "\"", "哪", "大", "项", "粮"))
def test_the_list_intent_matches_as_before(text):
    assert bool(question._INTENT_PATTERNS["list"].search(text)) == bool(
        OLD_LIST.search(text) or re.search(r"哪些|哪几|有什么|有啥|包括|列举|几项|都有|措施|举措|任务是|内容|[“\"][二三四五六七八九十两]个[一二三四五六七八九十][”\"]", text)
    )


@settings(max_examples=300, deadline=None)
@given(_texts("a", "Z", "1", "9", ".", "PM", "2.5", "5G", " ", "粮", "-"))
def test_latin_terms_are_found_as_before(text):
    assert terms._LATIN_TERM.findall(text) == OLD_LATIN.findall(text)


ADVERSARIAL = {
    "several asks": (select._SEVERAL.search, "几" * 1000 + "、" * 1000),
    "asked pieces": (understand._PART_BREAK.split, "，占" * 1000),
    "each item": (understand._EACH.search, "和" * 2000),
    "_NUMBER_WITH_UNIT": (question._NUMBER_WITH_UNIT.sub, "六七" * 1000),
    "counted items": (select._COUNTED_ITEMS.search, "七1" * 1000),
    "quoted counted items": (select._COUNTED_ITEMS.search, "“" + "七" * 1999),
    "computed statement": (verification._COMPUTED.search, "增" * 2000),
    "up to a month": (scope._UP_TO_MONTH.sub, "截至1" * 666),
    "list intent": (question._INTENT_PATTERNS["list"].search, "一1" * 1000),
    "_LATIN_TERM": (terms._LATIN_TERM.findall, "." * 1000 + "0" * 1000),
}


def test_the_worst_inputs_of_the_old_patterns_take_milliseconds():
    """The old cascade's _MULTI_ASK took ~21 s on its worst 2,000 characters (cubic), others 0.1–0.4 s;
    the patterns that replaced them and the new stages' patterns stay linear."""
    for name, (call, text) in ADVERSARIAL.items():
        started = time.perf_counter()
        if call.__name__ == "sub":
            call(lambda m: m.group(0), text)
        else:
            call(text)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.05, f"{name}: {elapsed:.3f} s on 2,000 characters"
