"""engine: what loading the query path imports, and set-up done at load rather than on the first question."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from assistant.settings import PROJECT_ROOT

#: Needed only to build an index (or to embed without an ONNX export): never on the query path.
INDEXING_ONLY = ("torch", "sentence_transformers", "transformers", "langchain_text_splitters", "langchain_core")

_PROBE = """
import json, sys
from assistant import Assistant
assistant = Assistant.from_settings()
answer = assistant.ask("2024年全省粮食总产是多少？")
print(json.dumps({"answer": answer.answer, "status": assistant.index.status,
                  "backend": assistant._model.backend_in_use,
                  "loaded": sorted(m for m in %r if m in sys.modules)}, ensure_ascii=False))
""" % (INDEXING_ONLY,)


def test_the_query_path_imports_neither_torch_nor_sentence_transformers_nor_langchain(real_assistant, assistant_settings):
    # real_assistant has built the session's index, so the probe loads a current one.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_INDEX_DIR=str(assistant_settings.index_dir), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-c", _PROBE], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["status"] == "loaded" and record["backend"] == "onnx"
    assert "615.6亿斤" in record["answer"]
    assert record["loaded"] == []


def test_the_query_encoder_is_loaded_and_warm_before_the_first_question(real_assistant):
    model = real_assistant._model
    assert model.backend_in_use == "onnx"
    assert model.query_threads in model._encoders  # loaded at load, not on first use
    assert model._loaded is None  # and sentence-transformers never was


def test_warming_up_does_not_change_answers(real_assistant, assistant_settings):
    question = "今年社零增长目标是多少？"
    before = real_assistant.ask(question).to_dict()
    real_assistant.warm()
    after = real_assistant.ask(question).to_dict()
    before.pop("timings_ms")
    after.pop("timings_ms")
    assert before == after
