"""The optional login: with ASSISTANT_UI_USERNAME/PASSWORD set, nothing answers without it."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from gradio_client import Client

from ui_server import running_server

USER, PASSWORD = "staff", "s3cret-口令"


@pytest.fixture(scope="module")
def protected(tmp_path_factory):
    with running_server(
        tmp_path_factory.mktemp("ui-auth"), ASSISTANT_UI_USERNAME=USER, ASSISTANT_UI_PASSWORD=PASSWORD
    ) as running:
        yield running


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_api_refuses_without_login(protected):
    assert status(protected["url"] + "gradio_api/info") == 401
    with pytest.raises(Exception):
        Client(protected["url"], verbose=False).predict("2024年全省粮食总产是多少？", api_name="/ask")


def test_wrong_password_is_refused(protected):
    with pytest.raises(Exception):
        Client(protected["url"], auth=(USER, "wrong"), verbose=False)


def test_login_answers(protected):
    client = Client(protected["url"], auth=(USER, PASSWORD), verbose=False)
    result = client.predict("2024年全省粮食总产是多少？", api_name="/ask")
    assert "615.6" in result["answer"]
