"""Suggestions for vague questions and mistyped terms, from the real corpus and glossary."""

from __future__ import annotations

import json

import pytest

from assistant.settings import PROJECT_ROOT
from assistant.suggestions import Suggester, is_vague, sounds_alike, topic_characters


@pytest.fixture(scope="module")
def suggester(real_assistant):
    return Suggester(real_assistant.documents, real_assistant.ask)


@pytest.mark.parametrize("question", ["经济怎么样", "最近有什么新情况", "2024年经济怎么样？", "去年呢？", "请问一下最新情况"])
def test_vague_questions(question):
    assert is_vague(question), topic_characters(question)


@pytest.mark.parametrize("question", ["今年社零增长目标是多少？", "数字经济怎么样", "粮食总产是多少？", "今年提振消费有哪些举措？"])
def test_questions_with_a_topic_are_not_vague(question):
    assert not is_vague(question)


def test_vague_questions_get_answerable_indicator_questions(suggester, real_assistant, corpus_documents):
    result = suggester.suggest("经济怎么样")
    assert result.kind == "vague" and 2 <= len(result.questions) <= 4, result
    assert len(set(result.questions)) == len(result.questions)
    corpus = "".join("".join(d.text.split()).replace("*", "") for d in corpus_documents)
    for question in result.questions:
        answer = real_assistant.ask(question)
        assert not answer.refused and answer.citations, (question, answer.answer)
        indicator = question.removesuffix("增长多少？")
        assert indicator in corpus and indicator in "".join(answer.answer.split())


@pytest.mark.parametrize(
    "question, typed, term",
    [
        ("社灵增长目标是多少？", "社灵", "社零"),
        ("规公增加值增长多少？", "规公", "规工"),
        ("固头增长多少", "固头", "固投"),
        ("社会消费品零估总额增长多少", "社会消费品零估总额", "社会消费品零售总额"),
    ],
)
def test_a_mistyped_glossary_term_gets_did_you_mean(suggester, question, typed, term):
    result = suggester.suggest(question)
    assert result.kind == "typo" and (result.typed, result.term) == (typed, term), result
    assert result.questions == (question.replace(typed, term),)


def test_no_suggestion_for_any_evaluation_or_example_question(suggester):
    """The 209 questions staff wrote and the chat's examples are neither vague nor mistyped."""
    from ui.app import EXAMPLES

    lines = (PROJECT_ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()] + list(EXAMPLES)
    flagged = [(q, r) for q in questions if (r := suggester.suggest(q)).any]
    assert not flagged, flagged


def test_a_known_term_next_to_another_word_is_no_typo(suggester):
    assert suggester.did_you_mean("2024年全省粮食总产是多少？") is None


def test_sounds_alike():
    assert sounds_alike("灵", "零") and sounds_alike("头", "投") and not sounds_alike("社", "零")


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_bad_input_gets_nothing(suggester, bad):
    assert not suggester.suggest(bad).any
