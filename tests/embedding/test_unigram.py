"""The light Unigram tokenizer against `tokenizers` on the real model's vocabulary: the same ids for every
passage of the real corpus, every question of the evaluation sets and the awkward inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.embedding.unigram import UnigramTokenizer
from assistant.settings import PROJECT_ROOT

AWKWARD = [
    "",
    " ",
    "a  b\tc\n",
    "<s>前后</s>",
    "<unk>",
    "\x01\u200b控制字符",
    "😀😀 ✓ 𠀀𠀁",  # characters the vocabulary may lack: unknown pieces, fused
    "ＡＢＣ１２３，全角",
    "2025年GDP增长5.3%，CPI同比上涨0.2%",
    "长" * 3000,  # truncated to the window
]


@pytest.fixture(scope="module")
def tokenizers_pair(exported_model):
    from tokenizers import Tokenizer

    export = exported_model.onnx_export()
    library = Tokenizer.from_file(str(export.tokenizer))
    library.no_padding()
    library.enable_truncation(max_length=export.max_seq_length)
    return library, UnigramTokenizer(export.tokenizer, export.max_seq_length)


def _questions() -> list[str]:
    texts = []
    for path in sorted((PROJECT_ROOT / "evals").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append("query: " + json.loads(line)["question"])
    return texts


def test_the_same_ids_as_tokenizers_on_the_corpus_and_the_questions(tokenizers_pair, real_assistant):
    library, light = tokenizers_pair
    texts = ["passage: " + chunk.text for chunk in real_assistant.index.chunks] + _questions() + AWKWARD
    assert len(texts) > 1000
    expected = [encoding.ids for encoding in library.encode_batch(texts)]
    mismatched = [text[:40] for text, ids in zip(texts, expected) if light.encode(text) != ids]
    assert mismatched == []


def test_an_over_long_text_keeps_its_special_tokens(tokenizers_pair):
    _, light = tokenizers_pair
    ids = light.encode("长" * 3000)
    assert len(ids) == 512 and ids[0] == 0 and ids[-1] == 2


def test_a_vocabulary_of_another_kind_is_refused_with_a_message(tmp_path: Path):
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps({"model": {"type": "WordPiece", "vocab": {"a": 0}}}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a Unigram tokenizer"):
        UnigramTokenizer(path, 512)
