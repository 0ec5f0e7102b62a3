"""The /ask endpoint of the running app, through gradio_client: the JSON contract, exactly."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

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
    assert params == ["question", "history", "documents"]


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


def _post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {"raw": raw.decode("utf-8", "replace")}
        return error.code, payload, dict(error.headers)


@pytest.mark.parametrize(
    "body, expected",
    [
        ({}, "缺少参数 question"),
        ({"history": ["今年社零增长目标是多少？"]}, "缺少参数 question"),
        ({"question": "2024年全省粮食总产是多少？", "history": None, "extra": 1}, "不认识的参数：extra"),
        ([1, 2], "请求体应为 JSON 对象"),
    ],
)
def test_malformed_calls_say_what_is_wrong(server, body, expected):
    """Issue 9.9: no bare 500 for a call Gradio cannot take; a 422 that says what is wrong, in Chinese."""
    status, payload, _ = _post(server["url"] + "gradio_api/call/v2/ask", json.dumps(body).encode())
    assert status == 422 and expected in payload["error"], (status, payload)
    status, payload, _ = _post(server["url"] + "gradio_api/call/v2/ask", b"{not json")
    assert status == 422 and "不是有效的 JSON" in payload["error"]


def test_documents_through_the_v2_route_as_in_the_readme(server):
    """The curl call of the README, with "documents": the answer comes from the chosen document only."""
    monthly = "2025-08-qida-gongjian-monthly-report.txt"
    body = {"question": "今年社零增长目标是多少？1-7月实际增长多少？", "history": None, "documents": [monthly]}
    status, payload, _ = _post(server["url"] + "gradio_api/call/v2/ask", json.dumps(body, ensure_ascii=False).encode())
    assert status == 200, payload
    with urllib.request.urlopen(server["url"] + f"gradio_api/call/ask/{payload['event_id']}", timeout=60) as response:
        stream = response.read().decode("utf-8")
    assert "event: complete" in stream, stream
    result = json.loads(stream.split("data:", 1)[1].strip().splitlines()[0])[0]
    assert result["citations"] and {c["doc"] for c in result["citations"]} == {monthly}, result


@pytest.mark.parametrize(
    "args, expected",
    [((42,), "参数 question 应为字符串"), (("你好", 42), "参数 history 应为"), (("你好", "去年呢"), "参数 history 应为"),
     (("你好", [1]), "history 的第 1 项"), ((None,), "缺少参数 question")],
)
def test_wrong_types_get_an_error_event_with_the_reason(client, args, expected):
    """Issue 9.9: the error event carries the message (never "error": null)."""
    with pytest.raises(Exception) as caught:
        client.predict(*args, api_name="/ask")
    assert expected in str(caught.value), str(caught.value)


def test_error_event_is_not_null(server):
    status, payload, _ = _post(server["url"] + "gradio_api/call/v2/ask", json.dumps({"question": 3.5}).encode())
    assert status == 200, payload
    with urllib.request.urlopen(server["url"] + f"gradio_api/call/ask/{payload['event_id']}", timeout=30) as response:
        stream = response.read().decode("utf-8")
    assert "event: error" in stream
    data = json.loads(stream.split("data:", 1)[1].strip().splitlines()[0])
    assert data["error"] and "question" in data["error"], data


def test_api_page_documents_parameters_and_the_typed_result(server):
    with urllib.request.urlopen(server["url"] + "gradio_api/info", timeout=30) as response:
        info = json.load(response)["named_endpoints"]["/ask"]
    assert re.search(r"[\u4e00-\u9fff]", info["description"]) and "history" in info["description"]
    for parameter in info["parameters"]:
        assert re.search(r"[\u4e00-\u9fff]", parameter["label"]) and parameter["python_type"]["description"], parameter
    returned = info["returns"][0]
    assert returned["python_type"]["type"].startswith("dict("), returned
    for field in ("answer: str", "refused: bool", "citations: list[dict(", "quote: str", "timings_ms: dict("):
        assert field in returned["python_type"]["type"], (field, returned["python_type"]["type"])
    assert "Any" not in returned["python_type"]["type"]


def test_security_headers_and_no_uploads(server):
    """Issue 9.8: security headers on every response; the upload route is closed (nothing takes files)."""
    with urllib.request.urlopen(server["url"], timeout=30) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "img-src 'self'" in headers["content-security-policy"]
    boundary = "hgaboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.txt\"\r\n"
        f"Content-Type: text/plain\r\n\r\n{'x' * 5_000_000}\r\n--{boundary}--\r\n"
    ).encode()
    status, payload, _ = _post(server["url"] + "gradio_api/upload", body, f"multipart/form-data; boundary={boundary}")
    assert status == 403 and "不接受上传" in payload["error"]
