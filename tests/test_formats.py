"""formats: the text of a .docx (checked on ../shared/newdocs/original-docx/) and of a text-layer .pdf
(made here from a seed); a damaged, scanned or empty file is an error naming the file and why."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from assistant.formats import ExtractionError, extract
from assistant.settings import PROJECT_ROOT
from pdf_maker import seed_pages, write_pdf, write_scanned_pdf

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
DOCX = sorted((NEWDOCS / "original-docx").glob("*.docx")) if (NEWDOCS / "original-docx").is_dir() else []


@pytest.fixture(scope="session")
def font_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fonts")


@pytest.mark.skipif(not DOCX, reason="../shared/newdocs/original-docx is not beside this checkout")
@pytest.mark.parametrize("path", DOCX or [None], ids=lambda p: p.stem.split("-government")[0] if p else "none")
def test_a_docx_gives_its_paragraphs_one_a_line_as_the_newdocs_text_files_hold_them(path):
    extracted = extract(path)
    assert extracted.text == (NEWDOCS / f"{path.stem}.txt").read_text(encoding="utf-8")
    assert extracted.page_starts == ()


def test_a_docx_table_is_one_line_a_row(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("2025年某某工作简报")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("指标", "增速"), ("社零", "5.5%")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("完。")
    document.save(tmp_path / "t.docx")
    assert extract(tmp_path / "t.docx").text == "2025年某某工作简报\n指标\t增速\n社零\t5.5%\n完。"


def test_a_pdf_gives_its_pages_text_and_where_each_page_starts(tmp_path, font_folder):
    pages = seed_pages()
    assert len(pages) >= 4
    extracted = extract(write_pdf(pages, tmp_path / "monthly.pdf", font_folder))
    assert len(extracted.page_starts) == len(pages) and extracted.page_starts[0] == 0
    texts = [extracted.text[a:b].rstrip("\n") for a, b in zip(extracted.page_starts, (*extracted.page_starts[1:], len(extracted.text)))]
    for page, text in zip(pages, texts):
        # The PDF wraps long lines: the same characters, with line breaks (not spaces) where it wrapped them.
        assert re.sub(r"\s", "", text) == re.sub(r"\s", "", page)
    assert "全省社会消费品零售总额同比增长" in extracted.text.replace("\n", "")


def _corrupt_docx(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this is not a whole zip file")
    return path


def _docx_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


def _empty_docx(path: Path) -> Path:
    import docx

    docx.Document().save(path)
    return path


def _truncated_pdf(path: Path, font_folder: Path) -> Path:
    write_pdf(["测试文档"], path, font_folder)
    path.write_bytes(path.read_bytes()[:300])
    return path


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p, f: _corrupt_docx(p / "bad.docx"), ["bad.docx", "无法读取为 Word 文档", "cannot be read as a .docx"]),
        (lambda p, f: _docx_without_document(p / "hollow.docx"), ["hollow.docx", "无法读取为 Word 文档"]),
        (lambda p, f: _empty_docx(p / "empty.docx"), ["empty.docx", "没有文字", "holds no text"]),
        (lambda p, f: (p / "bad.pdf").write_bytes(b"%PDF-1.4 nothing else") and p / "bad.pdf", ["bad.pdf", "无法读取为 PDF"]),
        (lambda p, f: _truncated_pdf(p / "cut.pdf", f), ["cut.pdf", "PDF"]),
        (lambda p, f: write_scanned_pdf(p / "scan.pdf"), ["scan.pdf", "没有文字层", "扫描件", "no text layer"]),
        (lambda p, f: write_pdf([""], p / "blank.pdf", f), ["blank.pdf", "没有文字层"]),
        (lambda p, f: (p / "notes.rtf").write_text("x") and p / "notes.rtf", ["notes.rtf", "不支持的文件类型 .rtf"]),
    ],
    ids=["corrupt-docx", "docx-without-body", "empty-docx", "corrupt-pdf", "truncated-pdf", "scanned-pdf", "blank-pdf", "rtf"],
)
def test_a_file_that_gives_no_text_is_an_error_naming_it_and_why(tmp_path, font_folder, make, words):
    path = make(tmp_path, font_folder)
    with pytest.raises(ExtractionError) as raised:
        extract(path)
    for word in words:
        assert word in str(raised.value)
