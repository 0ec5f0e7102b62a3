"""The /ask endpoint of the running app, through gradio_client: the JSON contract, exactly."""

from __future__ import annotations

import re

import pytest
from gradio_client import Client

from assistant.settings import Settings

CONTRACT_KEYS = {"id", "question", "answer", "refused", "citations", "retrieved", "timings_ms"}
CITATION_KEYS = {"id", "doc", "title", "section", "start", "end", "quote"}
RETRIEVED_KEYS = {"doc", "start", "end", "score"}
TIMING_KEYS = {"retrieve", "answer", "total"}
QUESTIONS = [
    "2024年全省粮食总产是多少？",
    "今年提振消费有哪些举措？",
    "今年社零增长目标是多少？1-7月实际增长多少？",
    "2025年1-8月全省规工增加值增长多少？",
]


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server["url"], verbose=False)


@pytest.fixture(scope="module")
def originals(documents) -> dict[str, str]:
    return {d.doc: d.text for d in documents}


def check_contract(result: dict, question: str, originals: dict[str, str]) -> None:
    assert set(result) == CONTRACT_KEYS
    assert result["question"] == question
    assert isinstance(result["answer"], str) and result["answer"].strip()
    assert isinstance(result["refused"], bool)
    assert set(result["timings_ms"]) == TIMING_KEYS
    assert all(isinstance(v, (int, float)) and v >= 0 for v in result["timings_ms"].values())
    ids = []
    for citation in result["citations"]:
        assert set(citation) == CITATION_KEYS
        text = originals[citation["doc"]]
        assert 0 <= citation["start"] < citation["end"] <= len(text)
        assert citation["quote"] == text[citation["start"] : citation["end"]], citation
        ids.append(citation["id"])
    assert ids == list(range(1, len(ids) + 1))
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", result["answer"])}
    assert markers <= set(ids), (markers, ids)
    for passage in result["retrieved"]:
        assert set(passage) == RETRIEVED_KEYS
        assert passage["doc"] in originals
        assert 0 <= passage["start"] < passage["end"] <= len(originals[passage["doc"]])


def test_only_ask_is_public(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask"}
    params = [p["parameter_name"] for p in endpoints["/ask"]["parameters"]]
    assert params == ["question", "history"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_follow_the_contract(client, originals, question):
    result = client.predict(question, api_name="/ask")
    check_contract(result, question, originals)
    if not result["refused"]:
        assert result["citations"], "an answer that is not a refusal cites the documents"


def test_figure_question_is_answered_with_the_figure(client, originals):
    result = client.predict("2024年全省粮食总产是多少？", api_name="/ask")
    assert not result["refused"]
    assert "615.6" in result["answer"]
    assert any("615.6" in c["quote"] for c in result["citations"])


def test_follow_up_uses_history(client, originals):
    first = "今年社零增长目标是多少？1-7月实际增长多少？"
    alone = client.predict("去年呢？", api_name="/ask")
    follow = client.predict("去年呢？", [first], api_name="/ask")
    check_contract(follow, "去年呢？", originals)
    assert not follow["refused"] and follow["citations"]
    assert follow["answer"] != alone["answer"]
    assert "2024" in follow["answer"]


@pytest.mark.parametrize(
    "question, expected",
    [("", "请输入问题"), ("   ", "请输入问题"), ("粮" * (Settings.from_env().max_question_chars + 1), "问题过长")],
)
def test_bad_questions_get_a_clear_message(client, question, expected):
    result = client.predict(question, api_name="/ask")
    assert result["refused"] is True
    assert expected in result["answer"]
    assert result["citations"] == []


def test_server_binds_loopback_without_share(server):
    assert server["url"].startswith("http://127.0.0.1:")
    assert "gradio.live" not in server["log"].read_text()
