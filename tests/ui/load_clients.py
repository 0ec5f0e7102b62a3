"""Clients for the load test, run as a separate (niced) process: N staff questions and a few
2,000-character questions against a chat server's /ask endpoint, all at once.

Usage: python tests/ui/load_clients.py URL STAFF LONG_QUESTIONS LONG_QUESTION_FILE
Prints one JSON object: {"errors": [...], "answered": n}.
"""

from __future__ import annotations

import json
import sys
import threading

from gradio_client import Client

from test_load import QUESTIONS  # the script's folder is on sys.path: the same questions as the test



def main(url: str, staff: int, long_questions: int, long_question: str) -> dict:
    errors: list[str] = []
    answered = 0
    lock = threading.Lock()
    clients = [Client(url, verbose=False) for _ in range(staff + 1)]
    start_together = threading.Barrier(staff + 1)
    print("ready", flush=True)

    def ask(client: Client, question: str, label: str) -> None:
        nonlocal answered
        try:
            result = client.predict(question, api_name="/ask")
            ok = result["question"] == question and isinstance(result["answer"], str) and result["answer"]
        except Exception as error:  # noqa: BLE001 - any failure is a failed request
            ok, result = False, repr(error)
        with lock:
            answered += bool(ok)
            if not ok:
                errors.append(f"{label}: {str(result)[:200]}")

    def long_sender() -> None:
        start_together.wait()
        for i in range(long_questions):
            ask(clients[-1], long_question, f"long question {i}")

    def one(n: int) -> None:
        start_together.wait()
        ask(clients[n], QUESTIONS[n % len(QUESTIONS)], f"client {n}")

    threads = [threading.Thread(target=long_sender)] + [threading.Thread(target=one, args=(n,)) for n in range(staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return {"errors": errors, "answered": answered}


if __name__ == "__main__":
    url, staff, long_questions, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    print(json.dumps(main(url, staff, long_questions, text), ensure_ascii=False), flush=True)
