"""`python -m assistant add|remove|docs` (assistant/ingest.py and cli.py), run as real subprocesses on a
temporary corpus made of the seeds plus reports of ../shared/newdocs/ (a .txt and a .docx) and a PDF made
from the monthly seed, with the real model and index (embeddings come from the real cache)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import ingest
from assistant.corpus import load_corpus
from assistant.settings import PROJECT_ROOT
from pdf_maker import seed_pages, write_pdf, write_scanned_pdf

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
HEBEI = NEWDOCS / "2025-hebei-government-work-report.txt"
JILIN = NEWDOCS / "original-docx" / "2025-jilin-government-work-report.docx"
MONTHLY = "2025-08-qida-gongjian-monthly-report.txt"
needs_newdocs = pytest.mark.skipif(not (HEBEI.is_file() and JILIN.is_file()), reason="../shared/newdocs is not beside this checkout")


def _run(args: list[str], folder: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_CORPUS_DIR=str(folder / "corpus"), ASSISTANT_INDEX_DIR=str(folder / "index"), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder (hidden ones too) and its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fonts(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fonts")


@pytest.fixture(scope="module")
def incoming(tmp_path_factory, fonts) -> Path:
    """Files to add, outside the corpus: the PDF edition of the monthly seed, and bad files."""
    folder = tmp_path_factory.mktemp("incoming")
    write_pdf(seed_pages(), folder / "2025-08-monthly.pdf", fonts)
    write_scanned_pdf(folder / "scan.pdf")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a whole zip")
    (folder / "gbk.txt").write_bytes("关于开展检查的通知".encode("gb18030"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.rtf").write_text("{\\rtf1 x}", encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "corpus" / MONTHLY, folder / "renamed-copy.txt")
    return folder


@pytest.fixture(scope="module")
def work(tmp_path_factory, assistant_settings, exported_model) -> Path:
    """A temporary corpus of the two seeds with its index built (the repo's corpus/ and index/ are never touched)."""
    folder = tmp_path_factory.mktemp("work")
    shutil.copytree(PROJECT_ROOT / "corpus", folder / "corpus")
    built = _run(["index"], folder)
    assert built.returncode == 0, built.stderr
    return folder


@pytest.fixture(scope="module")
def added(work, incoming) -> subprocess.CompletedProcess:
    if not (HEBEI.is_file() and JILIN.is_file()):
        pytest.skip("../shared/newdocs is not beside this checkout")
    return _run(["add", str(HEBEI), str(JILIN), str(incoming / "2025-08-monthly.pdf")], work)


@needs_newdocs
def test_add_copies_the_files_shows_what_it_inferred_and_indexes_only_the_new_passages(work, added):
    assert added.returncode == 0, added.stderr
    out = added.stdout
    for line in ("已添加 2025-hebei-government-work-report.txt", "  标题：2025年河北省政府工作报告",
                 "  发布：河北省人民政府（河北省省长 王正谱）", "  地区：河北省", "  日期：2025-01-13",
                 "  类型：政府工作报告（work_report）", "  年份：2024、2025",
                 "已添加 2025-jilin-government-work-report.docx", "  地区：吉林省", "  日期：2025-01-14",
                 "已添加 2025-08-monthly.pdf", "  类型：工作月报（monthly_report）", "  年份：2025"):
        assert line in out.splitlines(), out
    corpus = work / "corpus"
    assert (corpus / HEBEI.name).read_bytes() == HEBEI.read_bytes()
    assert (corpus / JILIN.name).read_bytes() == JILIN.read_bytes()
    assert (corpus / f".{JILIN.name}.txt").read_text(encoding="utf-8") == (NEWDOCS / "2025-jilin-government-work-report.txt").read_text(encoding="utf-8")
    assert (corpus / ".2025-08-monthly.pdf.txt").is_file() and (corpus / ".2025-08-monthly.pdf.json").is_file()
    entries = {e["file"]: e for e in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    assert entries[HEBEI.name]["covers"] == {"years": [2024, 2025], "region": "河北省"}
    assert entries[HEBEI.name]["occasion"] == "河北省第十四届人民代表大会第三次会议"
    assert entries[JILIN.name]["issuer"] == "吉林省人民政府（吉林省省长 胡玉亭）"
    assert list(entries)[:2] == ["2025-hunan-government-work-report.md", MONTHLY]  # the seeds' entries are kept
    # Only the new documents' passages are embedded: the seeds' come from the index's embedding cache.
    assert "corpus changed (added: " in added.stderr
    new = sum(int(line.split("：")[1].split(" ")[0]) for line in out.splitlines() if "个段落已编入索引" in line)
    summary = next(line for line in out.splitlines() if line.startswith("索引已更新"))
    assert "共 5 份文件" in summary and f"新计算向量" in summary
    embedded = int(summary.split("新计算向量 ")[1].split(" ")[0])
    assert 0 <= embedded <= new
    assert not list(corpus.glob(".*.tmp"))


@needs_newdocs
def test_docs_lists_file_title_region_date_kind_and_passages(work, added):
    listed = _run(["docs"], work)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["文件", "标题", "地区", "日期", "类型", "段落"]
    rows = {line.split()[0]: line.split() for line in lines[1:-1]}
    assert rows[HEBEI.name][1:5] == ["2025年河北省政府工作报告", "河北省", "2025-01-13", "政府工作报告"]
    assert rows[JILIN.name][2] == "吉林省" and rows["2025-08-monthly.pdf"][2] == "湖南省"
    assert all(int(row[-1]) > 0 for row in rows.values())
    assert lines[-1].startswith("共 5 份文件") and "索引不是最新的" not in lines[-1]


@needs_newdocs
def test_a_pdf_citation_carries_its_page_and_quotes_the_text_of_record(work, added):
    removed = _run(["remove", MONTHLY], work)
    assert removed.returncode == 0, removed.stderr
    assert f"已删除 {MONTHLY}" in removed.stdout and "corpus changed (removed: " in removed.stderr
    assert not (work / "corpus" / MONTHLY).exists()
    asked = _run(["ask", "--json", "1-7月全省社会消费品零售总额同比增长多少？"], work)
    assert asked.returncode == 0, asked.stderr
    record = json.loads(asked.stdout)
    assert not record["refused"] and "6.2%" in record["answer"], record["answer"]
    documents = {d.doc: d for d in load_corpus(work / "corpus")}
    pdf = documents["2025-08-monthly.pdf"]
    cited = [c for c in record["citations"] if c["doc"] == "2025-08-monthly.pdf"]
    assert cited
    for citation in record["citations"]:
        text = documents[citation["doc"]].text
        assert text[citation["start"] : citation["end"]] == citation["quote"]
    for citation in cited:
        record_text = (work / "corpus" / ".2025-08-monthly.pdf.txt").read_text(encoding="utf-8")
        assert record_text[citation["start"] : citation["end"]] == citation["quote"]
        assert citation["page"] == pdf.page_at(citation["start"]) and 1 <= citation["page"] <= len(pdf.page_starts)
    assert all("page" not in c for c in record["citations"] if c["doc"] != "2025-08-monthly.pdf")
    text = _run(["ask", "1-7月全省社会消费品零售总额同比增长多少？"], work)
    assert f"（第{cited[0]['page']}页）" in text.stdout


@needs_newdocs
def test_remove_takes_a_document_out_of_folder_manifest_and_index(work, added):
    removed = _run(["remove", str(work / "corpus" / JILIN.name)], work)  # a path works as well as the name
    assert removed.returncode == 0, removed.stderr
    corpus = work / "corpus"
    assert not (corpus / JILIN.name).exists() and not (corpus / f".{JILIN.name}.txt").exists()
    assert JILIN.name not in (corpus / "manifest.json").read_text(encoding="utf-8")
    assert "新计算向量 0 个" in removed.stdout
    index_chunks = json.loads((work / "index" / "chunks.json").read_text(encoding="utf-8"))
    assert JILIN.name not in {c["doc"] for c in index_chunks}


@pytest.mark.parametrize(
    "files, words",
    [
        (["{incoming}/missing.txt"], ["missing.txt：找不到这个文件"]),
        (["{incoming}/notes.rtf"], ["notes.rtf：不支持的文件类型 .rtf"]),
        (["{incoming}/gbk.txt"], ["gbk.txt：不是 UTF-8 编码的文本", "转换为 UTF-8"]),
        (["{incoming}/empty.txt"], ["empty.txt：文件是空的"]),
        (["{incoming}/scan.pdf"], ["scan.pdf：无法提取文字", "没有文字层", "扫描件"]),
        (["{incoming}/broken.docx"], ["broken.docx：无法提取文字", "Word"]),
        (["{corpus}/" + MONTHLY], ["语料库中已有同名文件 " + MONTHLY]),
        (["{incoming}/renamed-copy.txt"], ["内容与语料库中的 " + MONTHLY + " 完全相同"]),
        ([str(HEBEI), "{incoming}/missing.txt"], ["missing.txt：找不到这个文件"]),  # one bad file: none is added
        ([str(HEBEI), str(HEBEI)], ["在本次添加中出现了两次"]),
    ],
    ids=["missing", "unsupported", "not-utf8", "empty", "scanned-pdf", "corrupt-docx", "same-name", "same-content",
         "one-bad-of-two", "twice"],
)
def test_bad_input_is_a_chinese_message_exit_2_and_changes_nothing(tmp_path, incoming, files, words):
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    before = _snapshot(tmp_path)
    args = [f.format(incoming=incoming, corpus=tmp_path / "corpus") for f in files]
    if any(str(HEBEI) == a for a in args) and not HEBEI.is_file():
        pytest.skip("../shared/newdocs is not beside this checkout")
    result = _run(["add", *args], tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "未添加任何文件，语料库没有改动" in result.stderr and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert result.stdout == ""
    assert _snapshot(tmp_path) == before  # no copied file, no record, no manifest change, no index


def test_remove_of_an_unknown_or_the_last_document_is_refused(tmp_path):
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    before = _snapshot(tmp_path)
    unknown = _run(["remove", "nothing.txt"], tmp_path)
    assert unknown.returncode == 2 and "语料库中没有文件 nothing.txt" in unknown.stderr and MONTHLY in unknown.stderr
    (tmp_path / "corpus" / MONTHLY).unlink()
    manifest = tmp_path / "corpus" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["documents"] = data["documents"][:1]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = _snapshot(tmp_path)
    last = _run(["remove", "2025-hunan-government-work-report.md"], tmp_path)
    assert last.returncode == 2 and "唯一的文件" in last.stderr
    assert _snapshot(tmp_path) == before


def test_a_manifest_that_cannot_be_written_takes_the_copied_files_back(tmp_path, monkeypatch):
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    source = tmp_path / "notice.txt"
    source.write_text("关于开展安全检查的通知\n2025年6月30日\n各单位：请于7月底前完成检查。\n", encoding="utf-8")
    before = _snapshot(tmp_path / "corpus")
    items = ingest.prepare(tmp_path / "corpus", [source])
    assert items[0].entry["date"] == "2025-06-30" and items[0].entry["kind"] == "document"

    def fail(path, manifest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest, "_write_manifest", fail)
    with pytest.raises(OSError):
        ingest.add(tmp_path / "corpus", items)
    assert _snapshot(tmp_path / "corpus") == before


def test_help_of_the_new_commands_is_in_chinese(tmp_path):
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    top = _run(["--help"], tmp_path)
    assert "{model,index,ask,add,remove,docs}" in top.stdout and "把文件加入语料库" in top.stdout
    for command, words in (("add", ["用法：", "要添加的文件", ".docx"]), ("remove", ["文件名"]), ("docs", ["段落数"])):
        result = _run([command, "--help"], tmp_path)
        assert result.returncode == 0
        for word in words:
            assert word in result.stdout
    missing = _run(["add"], tmp_path)
    assert missing.returncode == 2 and "缺少必需的参数" in missing.stderr


def test_a_manifest_off_the_schema_is_reported_before_anything_is_added(tmp_path):
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    manifest = tmp_path / "corpus" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["documents"][0]["date"] = "unknown"
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    source = tmp_path / "notice.txt"
    source.write_text("关于开展安全检查的通知\n正文。\n", encoding="utf-8")
    before = _snapshot(tmp_path / "corpus")
    result = _run(["add", str(source)], tmp_path)
    assert result.returncode == 2 and "语料库清单有误" in result.stderr and "date must be an ISO date" in result.stderr
    assert _snapshot(tmp_path / "corpus") == before
