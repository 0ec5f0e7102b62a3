"""Reading the JSON contract back: from a dict or JSON text, and what breaks it."""

import json

import pytest

from eval_support import GROWTH, WORK_REPORT
from evals.contract import ContractError, answer_from_json


@pytest.fixture
def contract_answer(answer, cite, span_of):
    growth = span_of(WORK_REPORT, GROWTH)
    return answer("增长4.8%[1]", citations=(cite(growth),), retrieved=(growth,), total_ms=12.5)


def test_round_trip_from_dict_and_from_json_text(contract_answer):
    data = contract_answer.to_dict()
    for payload in (data, json.dumps(data, ensure_ascii=False), json.dumps(data).encode()):
        parsed = answer_from_json(payload)
        assert parsed.to_dict() == data


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("answer"),
        lambda d: d.pop("refused"),
        lambda d: d.update(refused="false"),
        lambda d: d["citations"][0].pop("quote"),
        lambda d: d["citations"][0].update(start="x"),
        lambda d: d["retrieved"][0].pop("doc"),
    ],
)
def test_broken_contract_is_reported(contract_answer, change):
    data = contract_answer.to_dict()
    change(data)
    with pytest.raises(ContractError):
        answer_from_json(data)


def test_not_json_or_not_an_object():
    with pytest.raises(ContractError):
        answer_from_json("{not json")
    with pytest.raises(ContractError):
        answer_from_json("[1, 2]")


def test_a_citation_s_optional_page_is_read_back():
    from evals.contract import _citation

    item = {"id": 1, "doc": "a.pdf", "title": "", "section": "", "start": 0, "end": 2, "quote": "正文"}
    assert _citation(item).page is None
    assert _citation({**item, "page": 3}).page == 3 and _citation({**item, "page": 3}).to_dict()["page"] == 3
