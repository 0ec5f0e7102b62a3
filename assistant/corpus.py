"""The corpus: original document files, byte for byte, plus their metadata manifest.

A .md or .txt file is its own text. A .docx or .pdf is kept as received and its extracted text, stored
beside it (`text_record.py`), is the document's text: what is indexed, cited and shown. Metadata the
manifest does not give is read from the document's opening lines (`metadata.py`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Callable

from .metadata import KINDS, Inferred, infer_metadata

MANIFEST_NAME = "manifest.json"
TEXT_SUFFIXES = (".md", ".txt")
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
#: Control characters a text document does not hold (tab, line breaks and form feed are text).
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_log = logging.getLogger(__name__)


class CorpusError(ValueError):
    """The corpus folder or its manifest cannot be read as a corpus."""


@dataclass(frozen=True)
class Document:
    doc: str  # path relative to the corpus folder, the document's identity
    title: str
    issuer: str
    date: str  # ISO date of issue, "" when unknown
    kind: str  # work_report, monthly_report, ...
    kind_label: str
    source_url: str | None
    #: The text of record: a .md/.txt file decoded as UTF-8, never altered; for a .docx/.pdf the text
    #: extracted from it and stored beside it (text_record.py). Citations' offsets index this.
    text: str
    sha256: str  # of the text of record's bytes (for .md/.txt: of the file)
    #: The province (or "全国") the document speaks for: the manifest's covers.region, else the region its
    #: opening lines name; "" when neither says.
    region: str = ""
    #: The session it was delivered at ("…第十四届人民代表大会第三次会议"): the manifest's, else inferred.
    occasion: str = ""
    #: The years it speaks of (a January report reviews the last year and plans its own).
    covers_years: tuple[int, ...] = ()
    #: Offset in `text` at which each page starts (a PDF); empty when the format has no pages.
    page_starts: tuple[int, ...] = ()

    @property
    def year(self) -> int:
        return int(self.date[:4])

    def page_at(self, offset: int) -> int | None:
        """The 1-based page of a PDF that holds the character at `offset`; None for formats without pages."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset) or 1


def load_corpus(corpus_dir: Path, log: Callable[[str], None] | None = None) -> tuple[Document, ...]:
    """Every document listed in the manifest, in manifest order, then the other document files.

    A document file in the folder without a manifest entry is still loaded, with metadata read from
    its opening lines, so that dropping a file into corpus/ is enough to index it. A file that cannot
    be served (not UTF-8, not text, a link leading out of the folder, missing) is skipped and named
    through `log`; the rest are served. A manifest that does not follow the schema is a CorpusError
    listing every problem.
    """
    log = log or _log.warning
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    entries = _read_manifest(corpus_dir / MANIFEST_NAME)
    listed = {entry["file"] for entry in entries}
    for relative in _document_files(corpus_dir):
        if relative not in listed:
            entries.append({"file": relative})
    documents, skipped = [], []
    for entry in entries:
        try:
            documents.append(_load_document(corpus_dir, entry, log))
        except CorpusError as error:
            skipped.append(str(error))
            log(f"skipped a corpus document: {error}")
    if not documents:
        reasons = f" (skipped: {'; '.join(skipped)})" if skipped else ""
        raise CorpusError(f"no documents in {corpus_dir}{reasons}")
    return tuple(documents)


#: Manifest entry fields: name -> (what it must be, check).
_FIELDS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "file": ("a relative path of a .md, .txt, .docx or .pdf file inside the corpus folder", lambda v: isinstance(v, str) and _is_inside_path(v)),
    "title": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "issuer": ("a string", lambda v: isinstance(v, str)),
    "date": ("an ISO date YYYY-MM-DD, or null", lambda v: v is None or _is_date(v)),
    "occasion": ("a string", lambda v: isinstance(v, str)),
    "kind": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "kind_label": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "source_url": ("a string, or null", lambda v: v is None or isinstance(v, str)),
    "source_note": ("a string", lambda v: isinstance(v, str)),
    "covers": ("an object", lambda v: isinstance(v, dict)),
}


def manifest_entries(corpus_dir: Path) -> list[dict]:
    """The entries of the folder's manifest (none when it has no manifest); a CorpusError listing every
    problem when it does not follow the schema."""
    return _read_manifest(Path(corpus_dir) / MANIFEST_NAME)


def _read_manifest(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorpusError(f"{path} is not a valid corpus manifest: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CorpusError(f"{path} is not a valid corpus manifest: it needs a \"documents\" list")
    problems = []
    seen: set[str] = set()
    for number, entry in enumerate(data["documents"]):
        where = f"documents[{number}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} must be an object, not {json.dumps(entry, ensure_ascii=False)[:40]}")
            continue
        if isinstance(entry.get("file"), str):
            where += f" ({entry['file']})"
        if "file" not in entry:
            problems.append(f"{where}: 'file' is missing")
        for name, value in entry.items():
            if name not in _FIELDS:
                problems.append(f"{where}: unknown field {name!r} (known: {', '.join(_FIELDS)})")
            elif not _FIELDS[name][1](value):
                problems.append(f"{where}: {name} must be {_FIELDS[name][0]}, not {json.dumps(value, ensure_ascii=False)[:60]}")
        if isinstance(entry.get("file"), str):
            if entry["file"] in seen:
                problems.append(f"{where}: listed twice")
            seen.add(entry["file"])
    if problems:
        raise CorpusError(f"{path} does not follow the manifest schema:\n  " + "\n  ".join(problems))
    return [dict(entry) for entry in data["documents"]]


def _is_inside_path(value: str) -> bool:
    path = PurePosixPath(value)
    return bool(value) and not path.is_absolute() and ".." not in path.parts and "\\" not in value and path.suffix in DOCUMENT_SUFFIXES


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _load_document(corpus_dir: Path, entry: dict, log: Callable[[str], None]) -> Document:
    path = corpus_dir / entry["file"]
    name = entry["file"]
    target = path.resolve()
    if not target.is_relative_to(corpus_dir.resolve()):
        raise CorpusError(f"{name} leads to {target}, outside the corpus folder (a link?): refused")
    if not path.is_file():
        raise CorpusError(f"{name} is listed in the manifest but is not a file in {corpus_dir}")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{name} cannot be read: {error.strerror or error}") from error
    page_starts: tuple[int, ...] = ()
    if path.suffix in TEXT_SUFFIXES:
        text, sha256 = decode_text(name, raw), hashlib.sha256(raw).hexdigest()
    else:
        from .formats import ExtractionError
        from .text_record import load_record

        try:
            record = load_record(path, raw, log)
        except ExtractionError as error:
            raise CorpusError(str(error)) from error
        text, sha256, page_starts = record.text, record.sha256, record.page_starts
    inferred = _inferred(text)
    title = entry.get("title") or inferred.title or path.stem
    covers = entry.get("covers") if isinstance(entry.get("covers"), dict) else {}
    years = covers.get("years")
    kind = entry.get("kind", inferred.kind)
    return Document(
        doc=name,
        title=title,
        issuer=entry.get("issuer", inferred.issuer),
        date=entry.get("date", inferred.date) or "",
        kind=kind,
        kind_label=entry.get("kind_label") or KINDS.get(kind, KINDS["document"]),
        source_url=entry.get("source_url"),
        text=text,
        sha256=sha256,
        region=covers.get("region") if isinstance(covers.get("region"), str) and covers.get("region") else inferred.region,
        occasion=entry.get("occasion", inferred.occasion),
        covers_years=tuple(years) if isinstance(years, list) and all(isinstance(y, int) for y in years) else inferred.covers_years,
        page_starts=page_starts,
    )


def decode_text(name: str, raw: bytes) -> str:
    """The bytes of a .md/.txt document as text, or a CorpusError saying why they are not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{name} is not UTF-8 text (byte {error.start}): convert it to UTF-8") from error
    problem = _not_text(text)
    if problem:
        raise CorpusError(f"{name} is not a text document ({problem})")
    return text


def _inferred(text: str) -> Inferred:
    from .glossary import load_glossary

    glossary = load_glossary()
    return infer_metadata(text, (*glossary.provinces, *glossary.home))


def _document_files(corpus_dir: Path) -> list[str]:
    """Paths (relative, POSIX) of the .md and .txt files under the folder; linked folders are not
    entered (a link may loop or lead out of the corpus), linked files are listed and checked later."""
    found = []
    for folder, subfolders, files in os.walk(corpus_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix in DOCUMENT_SUFFIXES:
                found.append((Path(folder) / name).relative_to(corpus_dir).as_posix())
    return sorted(found)


def _not_text(text: str) -> str | None:
    """Why a decoded file is not a text document (NUL or many control characters), or None."""
    if "\x00" in text:
        return "it contains NUL characters"
    controls = len(_CONTROL.findall(text))
    if controls > len(text) // 1000:
        return f"{controls} control characters"
    if not text.strip():
        return "it is empty"
    return None


