"""The /ask endpoint of the real chat server with histories the engine refuses (issue 9, item 2):
a clear refusal in the JSON contract, never a TypeError, and the server keeps answering."""

from __future__ import annotations

import pytest
from gradio_client import Client

QUESTION = "2024年全省粮食总产是多少？"


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server["url"], verbose=False)


@pytest.mark.parametrize(
    "history, words",
    [
        (42, "不能是数字"),
        (True, "不能是布尔值"),
        ("今年社零增长目标是多少？", "不能是一段文本"),
        ([7], "第1条必须是文本"),
        (["粮" * 3000], "第1条过长（3000字）"),
        (["那去年呢？"] * 101, "最多100条"),
    ],
)
def test_a_history_the_engine_refuses_is_a_clear_refusal(client, history, words):
    result = client.predict(QUESTION, history, api_name="/ask")
    assert result["refused"] is True and words in result["answer"] and result["citations"] == []
    again = client.predict(QUESTION, api_name="/ask")
    assert not again["refused"] and "615.6亿斤" in again["answer"]


def test_chat_messages_are_a_history_the_endpoint_reads(client):
    result = client.predict("那去年呢？", [{"role": "user", "content": "今年社零增长目标是多少？"}], api_name="/ask")
    assert not result["refused"] and "2024年" in result["answer"]
