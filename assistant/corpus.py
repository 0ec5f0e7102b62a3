"""The corpus: original document files, byte for byte, plus their metadata manifest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.json"
DOCUMENT_SUFFIXES = (".md", ".txt")


class CorpusError(ValueError):
    """The corpus folder or its manifest cannot be read as a corpus."""


@dataclass(frozen=True)
class Document:
    doc: str  # path relative to the corpus folder, the document's identity
    title: str
    issuer: str
    date: str  # ISO date of issue
    kind: str  # work_report, monthly_report, ...
    kind_label: str
    source_url: str | None
    text: str  # the original file decoded as UTF-8, never altered
    sha256: str

    @property
    def year(self) -> int:
        return int(self.date[:4])


def load_corpus(corpus_dir: Path) -> tuple[Document, ...]:
    """Every document listed in the manifest, in manifest order.

    A document file in the folder without a manifest entry is still loaded, with metadata taken from
    its first heading, so that dropping a file into corpus/ is enough to index it.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    entries = _read_manifest(corpus_dir / MANIFEST_NAME)
    listed = {entry["file"] for entry in entries}
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir).as_posix()
        if path.is_file() and path.suffix in DOCUMENT_SUFFIXES and relative not in listed:
            entries.append({"file": relative})
    documents = tuple(_load_document(corpus_dir, entry) for entry in entries)
    if not documents:
        raise CorpusError(f"no documents in {corpus_dir}")
    return documents


def _read_manifest(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = list(data["documents"])
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise CorpusError(f"{path} is not a valid corpus manifest: {error}") from error
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise CorpusError(f"{path}: every document entry needs a 'file' string")
    return entries


def _load_document(corpus_dir: Path, entry: dict) -> Document:
    path = corpus_dir / entry["file"]
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"cannot read corpus document {path}: {error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path} is not UTF-8 text") from error
    title = entry.get("title") or _first_heading(text) or path.stem
    return Document(
        doc=entry["file"],
        title=title,
        issuer=entry.get("issuer", ""),
        date=entry.get("date", ""),
        kind=entry.get("kind", "document"),
        kind_label=entry.get("kind_label", "文档"),
        source_url=entry.get("source_url"),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:80]
    return None
