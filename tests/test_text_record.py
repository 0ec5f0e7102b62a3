"""text_record: the extracted text of a .docx/.pdf, stored beside it, reused while the original is unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from assistant import text_record
from assistant.settings import PROJECT_ROOT
from assistant.text_record import info_path, load_record, remove_record, text_path

NEWDOCS_DOCX = PROJECT_ROOT.parent / "shared" / "newdocs" / "original-docx"
pytestmark = pytest.mark.skipif(not NEWDOCS_DOCX.is_dir(), reason="../shared/newdocs/original-docx is not beside this checkout")


@pytest.fixture
def original(tmp_path) -> Path:
    path = tmp_path / "hebei.docx"
    shutil.copy(NEWDOCS_DOCX / "2025-hebei-government-work-report.docx", path)
    return path


def test_the_record_is_a_hidden_text_file_beside_the_original(original):
    record = load_record(original, original.read_bytes())
    assert text_path(original).name == ".hebei.docx.txt" and info_path(original).name == ".hebei.docx.json"
    stored = text_path(original).read_bytes()
    assert stored.decode("utf-8") == record.text and record.sha256 == hashlib.sha256(stored).hexdigest()
    info = json.loads(info_path(original).read_text(encoding="utf-8"))
    assert info["source_sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
    assert info["text_sha256"] == record.sha256 and info["page_starts"] == []
    assert not list(original.parent.glob(".*.tmp"))


def test_a_current_record_is_read_not_extracted_again(original, monkeypatch):
    first = load_record(original, original.read_bytes())
    monkeypatch.setattr(text_record, "extract", lambda path: pytest.fail("extracted again"))
    assert load_record(original, original.read_bytes()) == first


@pytest.mark.parametrize("spoil", ["original", "text", "info"])
def test_a_record_that_does_not_match_is_extracted_again(original, spoil):
    first = load_record(original, original.read_bytes())
    if spoil == "original":
        shutil.copy(NEWDOCS_DOCX / "2025-jilin-government-work-report.docx", original)
    elif spoil == "text":
        text_path(original).write_text("篡改的文本", encoding="utf-8")
    else:
        info_path(original).write_text("{not json", encoding="utf-8")
    again = load_record(original, original.read_bytes())
    assert text_path(original).read_text(encoding="utf-8") == again.text
    assert (again == first) == (spoil != "original")
    assert ("吉林" in again.text) == (spoil == "original")


def test_a_folder_that_cannot_be_written_serves_the_text_from_memory(original, monkeypatch):
    def refuse(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(text_record, "write_text_atomic", refuse)
    said: list[str] = []
    record = load_record(original, original.read_bytes(), said.append)
    assert record.text.startswith("2025年河北省政府工作报告") and not text_path(original).exists()
    assert "could not be stored" in said[0] and "hebei.docx" in said[0]


def test_remove_record_removes_both_files(original):
    load_record(original, original.read_bytes())
    remove_record(original)
    assert not text_path(original).exists() and not info_path(original).exists()
