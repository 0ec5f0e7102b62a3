"""Load: 20 staff asking at once through the /ask endpoint; every request answered, latency printed.

Run alone with `python -m pytest tests/ui/test_load.py -s` to see the p50/p95 line.
"""

from __future__ import annotations

import statistics
from pathlib import Path
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


def test_thirty_clients_while_one_sends_2000_character_questions(server, tmp_path):
    """Issue 9, item 1: one client's 2,000-character questions freeze nobody: 30 others are answered
    without error, and /gradio_api/info answers within 1 s throughout.

    The clients run in their own process at a lower priority (`nice`): on this 2-core machine, 31
    gradio_client threads in the measuring process would otherwise take the CPU the server needs,
    which is not what a server with remote clients sees.
    """
    import json
    import os
    import subprocess
    import sys
    import urllib.request

    from assistant.settings import Settings

    corpus_text = (Settings.from_env().corpus_dir / "2025-hunan-government-work-report.md").read_text(encoding="utf-8")
    long_question = "".join(corpus_text[6000:9000].split())[:2000]
    assert len(long_question) == 2000
    question_file = tmp_path / "long.txt"
    question_file.write_text(long_question, encoding="utf-8")
    script = Path(__file__).with_name("load_clients.py")
    process = subprocess.Popen(
        [sys.executable, str(script), server["url"], str(STAFF_WHILE_LONG), str(LONG_QUESTIONS), str(question_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        preexec_fn=lambda: os.nice(10),
    )
    assert process.stdout.readline().strip() == "ready"  # every client connected; the questions go now
    info_latencies: list[float] = []
    info_errors: list[str] = []
    deadline = time.monotonic() + 600  # bounded: the poll stops by itself
    while process.poll() is None and time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(server["url"] + "gradio_api/info", timeout=10) as response:
                response.read()
        except Exception as error:  # noqa: BLE001
            info_errors.append(repr(error))
        info_latencies.append(time.perf_counter() - began)
        time.sleep(0.2)
    out, err = process.communicate(timeout=60)
    result = json.loads(out.strip().splitlines()[-1])
    assert not result["errors"] and not info_errors, (result["errors"][:5], info_errors[:5], err[-500:])
    assert result["answered"] == STAFF_WHILE_LONG + LONG_QUESTIONS
    assert info_latencies and max(info_latencies) < 1.0, f"/gradio_api/info took up to {max(info_latencies):.2f} s"
    print(f"\n[load] {STAFF_WHILE_LONG} clients beside {LONG_QUESTIONS} 2,000-character questions: "
          f"/gradio_api/info max {max(info_latencies) * 1000:.0f} ms over {len(info_latencies)} polls")
