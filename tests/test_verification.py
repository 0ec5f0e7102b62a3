"""verification (issue 9, item 10): a passage that is not the original text at its offsets is caught at
index load (real index files, consistently re-hashed, are rebuilt), and an answer whose figure is not in
the span it cites is never served (a real Assistant over a passage forged in memory)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.answer import Citation
from assistant.corpus import load_corpus
from assistant.embedding.model import EmbeddingModel
from assistant.engine import WITHHELD, Assistant, ensure_index
from assistant.index_store import CHUNKS, MANIFEST
from assistant.verification import PassageMismatch, check_passages, unsupported_claim

GRAIN = "2024年全省粮食总产是多少？"


@pytest.fixture
def settings(tmp_path: Path, assistant_settings, real_assistant):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(assistant_settings.model_cache_dir.resolve(), target_is_directory=True)
    shutil.copytree(assistant_settings.embedding_cache_dir, cache / "embeddings")
    return assistant_settings.with_overrides(index_dir=tmp_path / "index", cache_dir=cache)


def test_the_real_index_passes(corpus_chunks, corpus_documents):
    check_passages(corpus_chunks, corpus_documents)


@pytest.mark.parametrize(
    "forge, words",
    [
        (lambda c: replace(c, text=c.text.replace("615.6", "999.9")), "not the original text"),
        (lambda c: replace(c, offsets=(c.offsets[0] + 1,) + c.offsets[1:]), "does not match its offsets"),
        (lambda c: replace(c, doc="elsewhere.md"), "not in the corpus"),
        (lambda c: replace(c, title="另一份文件"), "carries the title"),
        (lambda c: replace(c, text=c.text[:-1]), "offsets"),
    ],
)
def test_a_forged_passage_is_named(corpus_chunks, corpus_documents, forge, words):
    chunks = list(corpus_chunks)
    position = next(i for i, c in enumerate(chunks) if "615.6" in c.text)
    chunks[position] = forge(chunks[position])
    with pytest.raises(PassageMismatch, match=words):
        check_passages(chunks, corpus_documents)


def test_a_rehashed_forged_index_is_rebuilt_at_load_and_answers_from_the_original(settings):
    """The probe's attack: chunks.json edited to say 999.9亿斤 and the manifest re-hashed to match."""
    s = settings
    model = EmbeddingModel(s.model, s.model_cache_dir, s.query_prompt, s.passage_prompt)
    documents = load_corpus(s.corpus_dir)
    ensure_index(s, documents, model)
    path = s.index_dir / CHUNKS
    path.write_text(path.read_text(encoding="utf-8").replace("615.6亿斤", "999.9亿斤"), encoding="utf-8")
    manifest = json.loads((s.index_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest["artefacts"][CHUNKS] = hashlib.sha256(path.read_bytes()).hexdigest()
    (s.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    log: list[str] = []
    index = ensure_index(s, documents, model, log=log.append)
    assert index.status.startswith("built (the index could not be read (passage ") and "not the original text" in index.status
    assert not any("999.9" in c.text for c in index.chunks)
    assert "999.9" not in (s.index_dir / CHUNKS).read_text(encoding="utf-8")
    answer = Assistant(s, documents, index, model).ask(GRAIN)
    assert "615.6亿斤" in answer.answer and "999.9" not in answer.answer


def test_an_answer_whose_figure_is_not_in_its_citation_is_withheld(real_assistant):
    """Independent of how answers are composed: a passage forged in memory (past the load check)
    makes the answer quote 999.9 while its citation, read from the original, says 615.6."""
    a = real_assistant
    forged_chunks = tuple(replace(c, text=c.text.replace("615.6", "999.9")) for c in a.index.chunks)
    assert forged_chunks != a.index.chunks
    forged = Assistant(a.settings, a.documents, replace(a.index, chunks=forged_chunks), a._model)
    answer = forged.ask(GRAIN)
    assert answer.refused and answer.answer == WITHHELD and answer.citations == ()
    assert "999.9" not in json.dumps(answer.to_dict(), ensure_ascii=False)
    # The same question over the real index is answered, and passes the same check.
    real = a.ask(GRAIN)
    assert not real.refused and "615.6亿斤" in real.answer


def _citation(document, quote: str, cid: int = 1) -> Citation:
    start = document.text.index(quote)
    return Citation(cid, document.doc, document.title, document.title, start, start + len(quote), quote)


def test_the_claim_check(work_report_doc):
    docs = {work_report_doc.doc: work_report_doc}
    grain = _citation(work_report_doc, "粮食总产达615.6亿斤")
    assert unsupported_claim("2024年，粮食总产达615.6亿斤[1]。", [grain], docs, [GRAIN]) is None
    assert "999.9" in unsupported_claim("2024年，粮食总产达999.9亿斤[1]。", [grain], docs, [GRAIN])
    assert "615" in unsupported_claim("粮食总产达615亿斤[1]。", [grain], docs, [GRAIN])  # not a prefix of 615.6
    # A year the cited document never names is not a time word it can have given.
    assert "1987" in unsupported_claim("1987年，粮食总产达615.6亿斤[1]。", [grain], docs, [GRAIN])
    # A refusal may repeat the question's own year.
    refusal = "文档中没有2023年的这项数据。文档中最接近的内容是：2024年，粮食总产达615.6亿斤[1]。"
    assert unsupported_claim(refusal, [grain], docs, ["2023年全省粮食总产是多少？"]) is None
    assert "marker [2]" in unsupported_claim("粮食总产达615.6亿斤[2]。", [grain], docs, [GRAIN])
    assert "not in any cited span" in unsupported_claim("粮食总产达615.6亿斤。", [], docs, [GRAIN])
    moved = replace(grain, start=grain.start + 1)
    assert "does not quote the original" in unsupported_claim("粮食总产达615.6亿斤[1]。", [moved], docs, [GRAIN])


def test_a_time_word_the_question_was_read_as_may_be_said():
    # "截至7月" is read as 1-7月: an answer saying what it lacks for 1-7月 uses only the question's time.
    said = "文档中没有1-7月的对应数据。"
    assert unsupported_claim(said, [], {}, ("截至7月固投增长多少？",)) is not None
    assert unsupported_claim(said, [], {}, ("截至7月固投增长多少？", "1-7月")) is None


@given(
    text=st.text(alphabet="0123456789.%年月 ５", max_size=14),
    number=st.text(alphabet="0123456789.", min_size=1, max_size=4),
)
def test_a_number_is_found_whole_as_the_regular_expression_would(text: str, number: str):
    import re

    from assistant.verification import _contains

    whole = re.search(rf"(?<![\d.]){re.escape(number)}(?!\d|\.\d)", text) is not None
    assert _contains(text, number) == whole


def test_a_number_inside_a_longer_one_is_not_found():
    from assistant.verification import _contains

    assert _contains("增长5.3%", "5.3") and not _contains("增长15.3%", "5.3") and not _contains("增长5.31%", "5.3")
    assert _contains("第5.", "5") and not _contains("第5.2", "5")
