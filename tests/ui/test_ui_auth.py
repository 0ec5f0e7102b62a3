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


def test_login_guessing_is_throttled(protected):
    """Issue 9.8: after 10 failed logins from one address, the login route answers 429 for a while
    (even to the right password), saying in Chinese when to try again. Runs last: it locks the address."""
    import urllib.parse

    def login(password: str) -> int:
        data = urllib.parse.urlencode({"username": USER, "password": password}).encode()
        request = urllib.request.Request(protected["url"] + "login", data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code == 429:
                assert "登录失败次数过多" in error.read().decode("utf-8") and int(error.headers["Retry-After"]) > 0
            return error.code

    codes = [login("wrong-%d" % i) for i in range(12)]
    assert all(code >= 400 for code in codes) and codes[-1] == 429, codes
    assert codes.index(429) <= 10, codes
    assert login(PASSWORD) == 429
