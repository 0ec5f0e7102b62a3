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


# ---------------------------------------------------------------------- issue 9, items 6 and 9: the manifest
# schema, and documents that cannot be served are skipped by name while the rest are served.

WORK_REPORT = "2025-hunan-government-work-report.md"
MONTHLY = "2025-08-qida-gongjian-monthly-report.txt"


def _corpus_with(tmp_path: Path, edit=None) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    if edit is not None:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        edit(manifest["documents"])
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda d: d[0].update(date="unknown"), [f"documents[0] ({WORK_REPORT}): date must be an ISO date", '"unknown"']),
        (lambda d: d[0].update(date=2025), ["date must be an ISO date", "not 2025"]),
        (lambda d: d[1].update(date="2025-02-30"), [f"documents[1] ({MONTHLY}): date", "2025-02-30"]),
        (lambda d: d[0].update(title=2025), ["title must be a non-empty string, not 2025"]),
        (lambda d: d[0].update(title=""), ["title must be a non-empty string"]),
        (lambda d: d[0].update(titel="x"), ["unknown field 'titel'"]),
        (lambda d: d[0].update(file="../outside.md"), ["file must be a relative path"]),
        (lambda d: d[0].update(file="/etc/passwd"), ["file must be a relative path"]),
        (lambda d: d[0].update(source_url=5), ["source_url must be a string, or null"]),
        (lambda d: d.append(dict(d[0])), ["listed twice"]),
        (lambda d: d.append("a string"), ["documents[2] must be an object"]),
        (lambda d: d.append({"title": "无文件"}), ["'file' is missing"]),
    ],
)
def test_a_manifest_off_the_schema_is_a_clear_error_naming_the_field(tmp_path, edit, words):
    with pytest.raises(CorpusError) as raised:
        load_corpus(_corpus_with(tmp_path, edit))
    for word in words:
        assert word in str(raised.value)


def test_every_schema_problem_is_listed_at_once(tmp_path):
    def edit(documents):
        documents[0].update(date="unknown", title=7)
        documents[1].update(kind=None)

    with pytest.raises(CorpusError) as raised:
        load_corpus(_corpus_with(tmp_path, edit))
    assert str(raised.value).count("\n  ") == 3


def test_a_null_date_is_no_date(tmp_path):
    documents = load_corpus(_corpus_with(tmp_path, lambda d: d[1].update(date=None)))
    assert [d.date for d in documents] == ["2025-01-14", ""]


def _skipped(folder: Path) -> tuple[tuple[str, ...], list[str]]:
    log: list[str] = []
    documents = load_corpus(folder, log.append)
    return tuple(d.doc for d in documents), log


def test_a_non_utf8_file_is_skipped_by_name_and_the_rest_served(tmp_path):
    folder = _corpus_with(tmp_path)
    (folder / "gbk-notice.txt").write_bytes("关于开展检查的通知".encode("gb18030"))
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY)
    assert len(log) == 1 and "gbk-notice.txt is not UTF-8 text" in log[0]


@pytest.mark.parametrize(
    "content, words",
    [
        ("正文\x00\x00\x00".encode("utf-8") + bytes(range(1, 9)) * 50, "NUL"),
        (("\x01\x02\x03\x04正文" * 200).encode("utf-8"), "control characters"),
        (b"", "empty"),
    ],
    ids=["nul", "controls", "empty"],
)
def test_a_file_that_is_not_text_is_refused(tmp_path, content, words):
    folder = _corpus_with(tmp_path)
    (folder / "binary.md").write_bytes(content)
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY)
    assert "binary.md is not a text document" in log[0] and words in log[0]


def test_a_form_feed_or_a_stray_control_character_is_still_text(tmp_path):
    folder = _corpus_with(tmp_path)
    (folder / "note.txt").write_text("# 通知\n\n第一页。\f第二页。\x1b" + "正文。" * 400, encoding="utf-8")
    docs, log = _skipped(folder)
    assert "note.txt" in docs and log == []


def test_a_link_leading_out_of_the_corpus_is_refused(tmp_path):
    folder = _corpus_with(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("机密内容，不应被索引。", encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.md").symlink_to(outside)
    (folder / "inside.md").symlink_to(folder / WORK_REPORT)  # a link within the folder is fine
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # never entered
    (folder / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY, "inside.md")
    assert sorted(line.split(": ", 1)[1].split(" ")[0] for line in log) == ["passwd.txt", "secret.md"]
    assert all("outside the corpus folder" in line for line in log)


def test_a_manifest_entry_linking_out_is_refused(tmp_path):
    folder = _corpus_with(tmp_path, lambda d: d.append({"file": "evil.md", "title": "外部"}))
    (folder / "evil.md").symlink_to("/etc/hostname")
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY) and "evil.md leads to" in log[0]


def test_with_no_document_dated_relative_years_are_said_to_come_from_the_clock(tmp_path, assistant_settings, real_assistant):
    import time

    from assistant.engine import Assistant

    def undate(documents):
        for document in documents:
            document["date"] = None  # null: no date (a missing field would be read from the text)

    folder = _corpus_with(tmp_path, undate)
    settings = assistant_settings.with_overrides(corpus_dir=folder, index_dir=tmp_path / "index")
    log: list[str] = []
    assistant = Assistant.from_settings(settings, log=log.append)
    year = time.localtime().tm_year
    assert any("no document of the corpus has a date" in line and str(year) in line for line in log)
    relative = assistant.ask("今年社零增长目标是多少？")
    assert relative.answer.startswith(f"（文档均未注明日期，“今年”等按当前年份{year}年理解。）")
    absolute = assistant.ask("2024年全省粮食总产是多少？")
    assert "当前年份" not in absolute.answer and "615.6亿斤" in absolute.answer
    assert real_assistant.reference_year_note == ""


# ---------------------------------------------------------------------- issue 8: .docx and text-layer .pdf
# documents; their extracted text, stored beside them, is what is cited.

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"


@pytest.fixture(scope="module")
def font_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fonts")


@pytest.mark.skipif(not (NEWDOCS / "original-docx").is_dir(), reason="../shared/newdocs is not beside this checkout")
def test_a_docx_is_served_with_its_extracted_text_and_inferred_metadata(tmp_path):
    folder = _corpus_with(tmp_path)
    shutil.copy(NEWDOCS / "original-docx" / "2025-hebei-government-work-report.docx", folder / "hebei.docx")
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY, "hebei.docx") and log == []
    hebei = load_corpus(folder)[2]
    record = (folder / ".hebei.docx.txt").read_bytes()
    assert hebei.text == record.decode("utf-8") == (NEWDOCS / "2025-hebei-government-work-report.txt").read_text(encoding="utf-8")
    assert hebei.sha256 == hashlib.sha256(record).hexdigest()
    assert (hebei.title, hebei.region, hebei.date, hebei.kind) == ("2025年河北省政府工作报告", "河北省", "2025-01-13", "work_report")
    assert hebei.page_starts == () and hebei.page_at(100) is None


def test_a_pdf_is_served_with_its_text_and_pages(tmp_path, font_folder):
    from pdf_maker import seed_pages, write_pdf

    folder = _corpus_with(tmp_path)
    pages = seed_pages()
    write_pdf(pages, folder / "monthly.pdf", font_folder)
    pdf = next(d for d in load_corpus(folder) if d.doc == "monthly.pdf")
    assert pdf.text == (folder / ".monthly.pdf.txt").read_text(encoding="utf-8")
    assert len(pdf.page_starts) == len(pages)
    assert pdf.kind == "monthly_report" and pdf.region == "湖南省" and pdf.date == "2025-08-27"
    last_page_words = pages[-1].splitlines()[-1][:8]
    assert pdf.page_at(pdf.text.index(last_page_words)) == len(pages)
    assert pdf.page_at(0) == 1 and pdf.page_at(pdf.page_starts[1]) == 2 and pdf.page_at(pdf.page_starts[1] - 1) == 1


def test_a_pdf_without_a_text_layer_or_a_damaged_docx_is_skipped_by_name(tmp_path):
    from pdf_maker import write_scanned_pdf

    folder = _corpus_with(tmp_path)
    write_scanned_pdf(folder / "scan.pdf")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    before = sorted(p.name for p in folder.iterdir())
    docs, log = _skipped(folder)
    assert docs == (WORK_REPORT, MONTHLY)
    assert any("scan.pdf" in line and "没有文字层" in line for line in log)
    assert any("broken.docx" in line and "Word" in line for line in log)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written for a file that gives no text
