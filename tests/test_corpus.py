"""The corpus: originals byte for byte, with their manifest; a new file dropped in is picked up."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from assistant.corpus import CorpusError, load_corpus
from assistant.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def test_documents_are_the_originals_with_their_metadata():
    documents = load_corpus(CORPUS)
    assert [d.doc for d in documents] == ["2025-hunan-government-work-report.md", "2025-08-qida-gongjian-monthly-report.txt"]
    for document in documents:
        raw = (CORPUS / document.doc).read_bytes()
        assert document.text == raw.decode("utf-8") and document.sha256 == hashlib.sha256(raw).hexdigest()
        assert document.title and document.issuer and document.date and document.kind_label


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed folder is not beside this checkout")
def test_corpus_files_are_the_seeds_byte_for_byte():
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.iterdir() if p.is_file()}
    assert {d.sha256 for d in load_corpus(CORPUS)} == seeds


def test_a_file_without_a_manifest_entry_is_loaded_with_its_heading_as_title(tmp_path: Path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    (tmp_path / "corpus" / "extra.md").write_text("# 某市工作简报\n\n正文。\n", encoding="utf-8")
    extra = next(d for d in load_corpus(tmp_path / "corpus") if d.doc == "extra.md")
    assert extra.title == "某市工作简报"


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda folder: (folder / "manifest.json").write_text("{not json", encoding="utf-8"), "manifest"),
        (lambda folder: (folder / "manifest.json").write_text(json.dumps({"documents": [{"file": "missing.md"}]}), encoding="utf-8"), "missing.md"),
        (lambda folder: (folder / "latin1.txt").write_bytes("正文".encode("gb18030")), "UTF-8"),
    ],
)
def test_a_broken_corpus_is_a_clear_error(tmp_path: Path, setup, message):
    folder = tmp_path / "corpus"
    folder.mkdir()
    setup(folder)
    with pytest.raises(CorpusError, match=message):
        load_corpus(folder)


def test_a_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nowhere")
