"""The /ask endpoint of the real chat server with bad histories (issue 9, item 2): a wrong type is an
error naming the parameter, a history the engine refuses a clear refusal in the JSON contract; never a
TypeError, and the server keeps answering."""

from __future__ import annotations

import pytest
from gradio_client import Client

QUESTION = "2024年全省粮食总产是多少？"


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server["url"], verbose=False)


@pytest.mark.parametrize("history", [42, True, "今年社零增长目标是多少？", [7]])
def test_a_history_of_the_wrong_type_is_an_error_naming_it(client, history):
    # The API's type check (ui/api_guard.py) answers before the engine: an error event that says what
    # is wrong with the parameter, never a TypeError or "error": null.
    with pytest.raises(Exception) as caught:
        client.predict(QUESTION, history, api_name="/ask")
    assert "history" in str(caught.value) and "TypeError" not in str(caught.value)
    again = client.predict(QUESTION, api_name="/ask")
    assert not again["refused"] and "615.6亿斤" in again["answer"]


@pytest.mark.parametrize(
    "history, words",
    [
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
