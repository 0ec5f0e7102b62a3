"""Answer sources that need no running engine: a JSONL file of contract answers.

The in-process source is exercised by test_harness_gate.py; the endpoint source is tested against the
real UI server by the UI's tests.
"""

import json

import pytest

from evals.sources import AnswersFileSource, SourceError


def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_answers_are_matched_by_id(tmp_path, answer):
    path = write_lines(
        tmp_path / "answers.jsonl",
        [json.dumps(answer("一", id="q1").to_dict()), "", json.dumps(answer("二", id=7).to_dict())],
    )
    source = AnswersFileSource(path)
    assert source.answer("q1", "?").answer.answer == "一"
    assert source.answer("7", "?").answer.answer == "二"  # ids compare as text
    assert source.answer("q1", "?").wall_ms is None
    with pytest.raises(SourceError, match="no answer with id 'q2'"):
        source.answer("q2", "?")


def test_a_line_outside_the_contract_names_its_line(tmp_path, answer):
    path = write_lines(tmp_path / "answers.jsonl", [json.dumps(answer(id="q1").to_dict()), '{"id": "q2"}'])
    with pytest.raises(SourceError, match=":2:"):
        AnswersFileSource(path)


def test_an_answer_needs_an_id(tmp_path, answer):
    path = write_lines(tmp_path / "answers.jsonl", [json.dumps(answer(id=None).to_dict())])
    with pytest.raises(SourceError, match="without an id"):
        AnswersFileSource(path)
