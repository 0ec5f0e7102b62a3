"""Load: 20 staff asking at once through the /ask endpoint; every request answered, latency printed.

Run alone with `python -m pytest tests/ui/test_load.py -s` to see the p50/p95 line.
"""

from __future__ import annotations

import statistics
import threading
import time

from gradio_client import Client

CLIENTS = 20
QUESTIONS_EACH = 5
QUESTIONS = [
    "2024年全省粮食总产是多少？",
    "今年提振消费有哪些举措？",
    "今年社零增长目标是多少？1-7月实际增长多少？",
    "2025年1-8月全省规工增加值增长多少？",
    "2024年地区生产总值增长多少？",
    "1-7月全省固定资产投资增长多少？",
    "今年全省经济增长的预期目标是多少？",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def test_twenty_concurrent_clients(server):
    latencies: list[float] = []
    errors: list[str] = []
    answers: dict[str, set[str]] = {}
    lock = threading.Lock()
    start_together = threading.Barrier(CLIENTS)

    def staff(n: int) -> None:
        try:
            client = Client(server["url"], verbose=False)
        except Exception as error:  # noqa: BLE001 - any failure is a failed request
            with lock:
                errors.append(f"client {n}: {error!r}")
            return
        start_together.wait()
        for i in range(QUESTIONS_EACH):
            question = QUESTIONS[(n + i) % len(QUESTIONS)]
            began = time.perf_counter()
            try:
                result = client.predict(question, api_name="/ask")
                ok = result["question"] == question and isinstance(result["answer"], str) and result["answer"]
            except Exception as error:  # noqa: BLE001
                with lock:
                    errors.append(f"client {n} question {i}: {error!r}")
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                answers.setdefault(question, set()).add(repr((result["answer"], result["citations"])))
                if not ok:
                    errors.append(f"client {n} question {i}: unexpected result {result!r:.200}")

    threads = [threading.Thread(target=staff, args=(n,)) for n in range(CLIENTS)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - wall

    assert not errors, errors[:5]
    assert len(latencies) == CLIENTS * QUESTIONS_EACH
    # Concurrency must not change answers: every client got the same answer to the same question.
    assert all(len(variants) == 1 for variants in answers.values()), {q: len(v) for q, v in answers.items()}
    print(
        f"\n[load] {CLIENTS} clients x {QUESTIONS_EACH} questions = {len(latencies)} requests in {wall:.1f}s: "
        f"p50 {percentile(latencies, 0.50):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms, mean {statistics.mean(latencies):.0f} ms"
    )


LONG_QUESTIONS = 3
STAFF_WHILE_LONG = 30


def test_thirty_clients_while_one_sends_2000_character_questions(server):
    """Issue 9, item 1: one client's 2,000-character questions freeze nobody: 30 others are answered
    without error, and /gradio_api/info answers within 1 s throughout."""
    import urllib.request

    from assistant.settings import Settings

    corpus_text = (Settings.from_env().corpus_dir / "2025-hunan-government-work-report.md").read_text(encoding="utf-8")
    long_question = "".join(corpus_text[6000:9000].split())[:2000]
    assert len(long_question) == 2000
    errors: list[str] = []
    info_latencies: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def record(message: str) -> None:
        with lock:
            errors.append(message)

    def long_sender() -> None:
        try:
            client = Client(server["url"], verbose=False)
            for i in range(LONG_QUESTIONS):
                result = client.predict(long_question, api_name="/ask")
                if not isinstance(result.get("answer"), str):
                    record(f"long question {i}: {result!r:.200}")
        except Exception as error:  # noqa: BLE001 - any failure is a failed request
            record(f"long sender: {error!r}")

    def staff(n: int) -> None:
        try:
            client = Client(server["url"], verbose=False)
            question = QUESTIONS[n % len(QUESTIONS)]
            result = client.predict(question, api_name="/ask")
            if result["question"] != question or not result["answer"]:
                record(f"client {n}: {result!r:.200}")
        except Exception as error:  # noqa: BLE001
            record(f"client {n}: {error!r}")

    def poll_info() -> None:
        deadline = time.monotonic() + 600  # bounded: the poller stops by itself
        while not done.is_set() and time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(server["url"] + "gradio_api/info", timeout=10) as response:
                    response.read()
            except Exception as error:  # noqa: BLE001
                record(f"/gradio_api/info: {error!r}")
            with lock:
                info_latencies.append(time.perf_counter() - began)
            time.sleep(0.2)

    poller = threading.Thread(target=poll_info)
    poller.start()
    threads = [threading.Thread(target=long_sender)] + [threading.Thread(target=staff, args=(n,)) for n in range(STAFF_WHILE_LONG)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    done.set()
    poller.join(timeout=30)

    assert not errors, errors[:5]
    assert info_latencies and max(info_latencies) < 1.0, f"/gradio_api/info took up to {max(info_latencies):.2f} s"
    print(f"\n[load] {STAFF_WHILE_LONG} clients beside {LONG_QUESTIONS} 2,000-character questions: "
          f"/gradio_api/info max {max(info_latencies) * 1000:.0f} ms over {len(info_latencies)} polls")
