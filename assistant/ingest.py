"""Adding documents to the corpus folder and removing them, all or nothing.

`prepare` reads and checks every file first (it exists, its type is supported, it is not in the corpus
yet, it gives a text) and infers its metadata, changing nothing; `add` then copies the files in, stores
the text of record of a .docx/.pdf beside it, and records the entries in the manifest last, each file
written atomically; if any step fails, what was written is taken back. `remove` takes a document out
of the folder and the manifest. Messages are in Chinese, for staff (IngestError).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_atomic, write_text_atomic
from .corpus import (
    DOCUMENT_SUFFIXES, MANIFEST_NAME, TEXT_SUFFIXES, CorpusError, Document, decode_text, load_corpus, manifest_entries,
)
from .formats import ExtractionError, Extracted, extract
from .metadata import KINDS, infer_metadata
from .text_record import record_paths, write_record


class IngestError(ValueError):
    """A file cannot be added (or a document removed); the message says which and why, in Chinese."""


@dataclass(frozen=True)
class Prepared:
    source: Path
    name: str  # its file name in the corpus folder
    raw: bytes
    extracted: Extracted | None  # the text of a .docx/.pdf; None for .md/.txt
    entry: dict  # its manifest entry

    @property
    def text(self) -> str:
        return self.extracted.text if self.extracted is not None else self.raw.decode("utf-8")


def prepare(corpus_dir: Path, files: list[Path]) -> list[Prepared]:
    """Every file read, checked and described, or an IngestError listing every problem; nothing changes."""
    corpus_dir = Path(corpus_dir)
    existing = _existing(corpus_dir)
    try:
        listed = {entry["file"] for entry in manifest_entries(corpus_dir)}
    except CorpusError as error:
        raise IngestError(f"语料库清单有误，请先修正：{error}") from error
    prepared, problems, names = [], [], set()
    for source in map(Path, files):
        if source.name in names:
            problems.append(f"{source}：同名文件 {source.name} 在本次添加中出现了两次")
            continue
        try:
            item = _prepare_one(corpus_dir, source, existing, listed)
        except IngestError as error:
            problems.append(str(error))
            continue
        names.add(item.name)
        digest = hashlib.sha256(item.raw).hexdigest()
        existing[digest] = f"本次添加的 {item.name}"
        prepared.append(item)
    if problems:
        raise IngestError("\n".join(problems))
    if not prepared:
        raise IngestError("没有要添加的文件")
    return prepared


def add(corpus_dir: Path, items: list[Prepared]) -> None:
    """Copy the prepared files in and record them in the manifest; on any failure nothing is left changed."""
    corpus_dir = Path(corpus_dir)
    manifest_path = corpus_dir / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    written: list[Path] = []
    try:
        for item in items:
            target = corpus_dir / item.name
            write_atomic(target, lambda path, raw=item.raw: path.write_bytes(raw))
            written.append(target)
            if item.extracted is not None:
                written.extend(record_paths(target))
                write_record(target, item.extracted, hashlib.sha256(item.raw).hexdigest())
        manifest["documents"].extend(item.entry for item in items)
        _write_manifest(manifest_path, manifest)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def remove(corpus_dir: Path, doc: str) -> Document:
    """Take `doc` (its corpus path, or a path to the file) out of the folder and the manifest."""
    corpus_dir = Path(corpus_dir)
    documents = load_corpus(corpus_dir, lambda message: None)
    document = _find(corpus_dir, documents, doc)
    if len(documents) == 1:
        raise IngestError(f"{document.doc} 是语料库中唯一的文件，不能删除（语料库至少要有一份文件）")
    manifest_path = corpus_dir / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    manifest["documents"] = [e for e in manifest["documents"] if not (isinstance(e, dict) and e.get("file") == document.doc)]
    path = corpus_dir / document.doc
    aside = path.with_name(f".{path.name}.removing")
    path.replace(aside)  # one rename: the folder no longer lists it, and it can be put back
    try:
        _write_manifest(manifest_path, manifest)
    except BaseException:
        aside.replace(path)
        raise
    aside.unlink()
    for record in record_paths(path):
        record.unlink(missing_ok=True)
    return document


def _prepare_one(corpus_dir: Path, source: Path, existing: dict[str, str], listed: set) -> Prepared:
    if not source.exists():
        raise IngestError(f"{source}：找不到这个文件")
    if not source.is_file():
        raise IngestError(f"{source}：不是文件（是文件夹或其他）")
    if source.suffix not in DOCUMENT_SUFFIXES:
        raise IngestError(f"{source}：不支持的文件类型 {source.suffix or '（无扩展名）'}（支持 {'、'.join(DOCUMENT_SUFFIXES)}）")
    name = source.name
    if name.startswith("."):
        raise IngestError(f"{source}：文件名以“.”开头，会被当作隐藏文件，请先改名")
    if (corpus_dir / name).exists() or name in existing.values() or name in listed:
        raise IngestError(f"{source}：语料库中已有同名文件 {name}")
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise IngestError(f"{source}：无法读取（{error.strerror or error}）") from error
    digest = hashlib.sha256(raw).hexdigest()
    if digest in existing:
        raise IngestError(f"{source}：内容与语料库中的 {existing[digest]} 完全相同，已在语料库中")
    extracted = None
    if source.suffix in TEXT_SUFFIXES:
        if not raw.strip():
            raise IngestError(f"{source}：文件是空的")
        try:
            text = decode_text(name, raw)
        except CorpusError as error:
            if isinstance(error.__cause__, UnicodeDecodeError):
                raise IngestError(
                    f"{source}：不是 UTF-8 编码的文本（第{error.__cause__.start + 1}个字节），请先转换为 UTF-8 再添加"
                ) from error
            raise IngestError(f"{source}：不是文本文件（{error}）") from error
    else:
        try:
            extracted = extract(source)
        except ExtractionError as error:
            raise IngestError(f"{source}：无法提取文字。{error}") from error
        text = extracted.text
    return Prepared(source, name, raw, extracted, _entry(name, text, source.suffix))


def _entry(name: str, text: str, suffix: str) -> dict:
    from .glossary import load_glossary

    glossary = load_glossary()
    inferred = infer_metadata(text, (*glossary.provinces, *glossary.home))
    entry: dict = {
        "file": name,
        "title": inferred.title or Path(name).stem,
        "issuer": inferred.issuer,
        "date": inferred.date or None,
        "kind": inferred.kind,
        "kind_label": KINDS[inferred.kind],
    }
    if inferred.occasion:
        entry["occasion"] = inferred.occasion
    covers: dict = {}
    if inferred.covers_years:
        covers["years"] = list(inferred.covers_years)
    if inferred.region:
        covers["region"] = inferred.region
    if covers:
        entry["covers"] = covers
    note = "Added with `python -m assistant add`; title, issuer, date, kind, years and region read from its opening lines."
    if suffix not in TEXT_SUFFIXES:
        note += f" Its text of record (what citations index) is .{name}.txt beside it."
    entry["source_note"] = note
    return entry


def _existing(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every document file in the folder -> its name (the names are what is taken)."""
    if not corpus_dir.is_dir():
        raise IngestError(f"找不到语料库文件夹：{corpus_dir}")
    found = {}
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and path.suffix in DOCUMENT_SUFFIXES:
            try:
                found[hashlib.sha256(path.read_bytes()).hexdigest()] = path.relative_to(corpus_dir).as_posix()
            except OSError:
                continue
    return found


def _find(corpus_dir: Path, documents: tuple[Document, ...], doc: str) -> Document:
    by_doc = {d.doc: d for d in documents}
    if doc in by_doc:
        return by_doc[doc]
    given = Path(doc)
    for candidate in (given, Path.cwd() / given):
        try:
            relative = candidate.resolve().relative_to(Path(corpus_dir).resolve()).as_posix()
        except (ValueError, OSError):
            continue
        if relative in by_doc:
            return by_doc[relative]
    named = [d for d in documents if Path(d.doc).name == given.name]
    if len(named) == 1:
        return named[0]
    listed = "、".join(by_doc) or "无"
    raise IngestError(f"语料库中没有文件 {doc}（现有：{listed}）")


def _read_manifest(path: Path) -> dict:
    if not path.exists():
        return {"documents": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IngestError(f"语料库清单 {path} 无法读取（{error}），未做任何改动") from error
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise IngestError(f"语料库清单 {path} 缺少 documents 列表，未做任何改动")
    return data


def _write_manifest(path: Path, manifest: dict) -> None:
    write_text_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
