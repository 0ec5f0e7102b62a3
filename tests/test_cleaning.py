"""cleaning: the cleaned text is a subsequence of the original, and every span maps back exactly.

What clean_span removes (and nothing else): line-leading indentation and Markdown heading (``#``) and
quote (``>``) markers, the ``[`` and ``](target)`` of Markdown links, ``**`` bold markers, every line
break, and runs of spaces/tabs/ideographic spaces, except that a run between two non-Chinese
characters is kept as one space (pointing at the run's first character).

The invariant checked on random spans of both corpus files: for a span cleaned whole (not cutting a
marker in half) and any cleaned sub-span [i, j), ``original_span(i, j)`` is the slice from the
original of cleaned character i to that of cleaned character j-1, and that slice with link syntax,
``**``, ``#``, ``>`` and all whitespace taken out reads exactly as the cleaned sub-span without spaces.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cleaning import CleanText, clean_span, is_cjk
from assistant.corpus import load_corpus
from assistant.settings import Settings

DOCUMENTS = {d.doc: d.text for d in load_corpus(Settings().corpus_dir)}
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")


def _without_markup(original_slice: str) -> str:
    """The slice as read: link syntax, bold markers, heading/quote markers and whitespace removed."""
    text = _LINK_TARGET.sub("", original_slice).replace("[", "").replace("**", "")
    text = text.replace("#", "").replace(">", "")
    return "".join(ch for ch in text if not ch.isspace())


def _without_spaces(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def test_the_corpus_uses_markup_characters_only_as_markup():
    """The premise of the span invariant: in these files '#' and '>' only open headings and quotes,
    and '[' and ']' only belong to Markdown links."""
    assert len(DOCUMENTS) == 2
    for text in DOCUMENTS.values():
        for match in re.finditer(r"[#>]", text):
            line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            assert line.strip(" \t\u3000#") == "", repr(text[match.start() - 20 : match.end() + 20])
        links = _LINK.findall(text)
        assert text.count("[") == text.count("]") == len(links)


@st.composite
def original_spans(draw):
    doc = draw(st.sampled_from(sorted(DOCUMENTS)))
    text = DOCUMENTS[doc]
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 3000)))
    return doc, start, end


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to whole lines, so that no marker ("## ", "> ", "**") is cut in half."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(span=original_spans())
def test_every_cleaned_character_is_the_original_character_at_its_offset(span):
    doc, start, end = span
    original = DOCUMENTS[doc]
    cleaned = clean_span(original, start, end)
    assert len(cleaned.text) == len(cleaned.offsets)
    for char, offset in zip(cleaned.text, cleaned.offsets):
        assert start <= offset < end
        assert original[offset] == char
    assert all(a < b for a, b in zip(cleaned.offsets, cleaned.offsets[1:])), "offsets must strictly increase"
    assert "\n" not in cleaned.text and "\u3000" not in cleaned.text and "  " not in cleaned.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(span=original_spans(), data=st.data())
def test_cleaned_sub_spans_map_back_to_original_slices_that_read_the_same(span, data):
    doc, start, end = span
    original = DOCUMENTS[doc]
    start, end = _line_span(original, start, end)
    cleaned = clean_span(original, start, end)
    assert _without_spaces(cleaned.text) == _without_markup(original[start:end])
    if not cleaned.text:
        return  # only blank lines and markers (checked just above)
    i = data.draw(st.integers(0, len(cleaned.text) - 1), label="cleaned start")
    j = data.draw(st.integers(i + 1, len(cleaned.text)), label="cleaned end")
    a, b = cleaned.original_span(i, j)
    assert (a, b) == (cleaned.offsets[i], cleaned.offsets[j - 1] + 1)
    assert original[a] == cleaned.text[i] and original[b - 1] == cleaned.text[j - 1]
    assert _without_markup(original[a:b]) == _without_spaces(cleaned.text[i:j])


@settings(max_examples=100, deadline=None)
@given(doc=st.sampled_from(sorted(DOCUMENTS)), data=st.data())
def test_sub_spans_of_whole_cleaned_documents_map_back(doc, data):
    original = DOCUMENTS[doc]
    cleaned = _whole(doc)
    i = data.draw(st.integers(0, len(cleaned.text) - 1), label="cleaned start")
    j = data.draw(st.integers(i + 1, min(len(cleaned.text), i + 2000)), label="cleaned end")
    a, b = cleaned.original_span(i, j)
    assert _without_markup(original[a:b]) == _without_spaces(cleaned.text[i:j])


_WHOLE: dict[str, CleanText] = {}


def _whole(doc: str) -> CleanText:
    if doc not in _WHOLE:
        _WHOLE[doc] = clean_span(DOCUMENTS[doc], 0, len(DOCUMENTS[doc]))
    return _WHOLE[doc]


@settings(max_examples=100, deadline=None)
@given(span=original_spans())
def test_spaces_survive_only_between_non_chinese_characters(span):
    doc, start, end = span
    text = clean_span(DOCUMENTS[doc], start, end).text
    for index, char in enumerate(text):
        if char == " ":
            assert 0 < index < len(text) - 1, f"a leading or trailing space in {text!r}"
            assert not is_cjk(text[index - 1]) and not is_cjk(text[index + 1]), text[index - 5 : index + 6]


@pytest.mark.parametrize("doc", sorted(DOCUMENTS))
def test_whole_documents_clean_without_markup(doc):
    original = DOCUMENTS[doc]
    cleaned = clean_span(original, 0, len(original))
    assert "**" not in cleaned.text
    assert _without_markup(original) == _without_spaces(cleaned.text)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("增长\n\n12.0%", "增长12.0%"),
        ("3112.99 亿元", "3112.99亿元"),
        ("**大力提振消费。**推进提振消费专项行动", "大力提振消费。推进提振消费专项行动"),
        ("\u3000\u3000现在，我代表省人民政府", "现在，我代表省人民政府"),
        ("Hunan  Province", "Hunan Province"),
        ("2025 香港美食博览会", "2025香港美食博览会"),
        ("## 一、2024年工作回顾", "一、2024年工作回顾"),
        ("> ——2025年1月14日", "——2025年1月14日"),
        ("> [湖南省政府工作报告](https://www.hunan.gov.cn/x.html)", "湖南省政府工作报告"),
    ],
)
def test_concrete_cleaning(raw, expected):
    cleaned = clean_span(raw, 0, len(raw))
    assert cleaned.text == expected
    assert all(raw[o] == c for c, o in zip(cleaned.text, cleaned.offsets))


def test_a_kept_space_between_latin_words_points_at_the_first_original_space():
    raw = "Hunan  Province"
    cleaned = clean_span(raw, 0, len(raw))
    assert cleaned.offsets == (0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14)


def test_the_real_page_break_inside_a_figure_disappears(monthly_report_doc):
    original = monthly_report_doc.text
    start = original.index("装备制造业增加值增长\n\n12.0%")
    end = start + len("装备制造业增加值增长\n\n12.0%")
    cleaned = clean_span(original, start, end)
    assert cleaned.text == "装备制造业增加值增长12.0%"
    assert cleaned.original_span(0, len(cleaned.text)) == (start, end)


def test_the_real_space_before_a_chinese_unit_disappears(monthly_report_doc):
    original = monthly_report_doc.text
    start = original.index("3112.99 亿元")
    cleaned = clean_span(original, start, start + len("3112.99 亿元"))
    assert cleaned.text == "3112.99亿元"
    a, b = cleaned.original_span(0, len(cleaned.text))
    assert original[a:b] == "3112.99 亿元"


def test_bold_markers_in_the_real_work_report_are_removed(work_report_doc):
    original = work_report_doc.text
    start = original.index("**大力提振消费。**")
    cleaned = clean_span(original, start, start + 40)
    assert cleaned.text.startswith("大力提振消费。推进提振消费专项行动")
    assert original[cleaned.offsets[0]] == "大"


def test_clean_text_helpers():
    cleaned = clean_span(" \u3000a b 中 c ", 0, len(" \u3000a b 中 c "))
    assert cleaned.text == "a b中c"
    assert cleaned.slice(1, 3) == CleanText(" b", (3, 4))
    assert CleanText.join([cleaned.slice(0, 1), cleaned.slice(3, 5)]) == CleanText("a中c", (2, 6, 8))
    assert CleanText("  x ", (0, 1, 2, 3)).strip() == CleanText("x", (2,))
    with pytest.raises(ValueError):
        cleaned.original_span(3, 3)
    with pytest.raises(ValueError):
        cleaned.original_span(0, len(cleaned.text) + 1)
    with pytest.raises(ValueError):
        CleanText("ab", (0,))
