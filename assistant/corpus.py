"""The corpus: original document files, byte for byte, plus their metadata manifest."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Callable

MANIFEST_NAME = "manifest.json"
DOCUMENT_SUFFIXES = (".md", ".txt")
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
    text: str  # the original file decoded as UTF-8, never altered
    sha256: str
    #: The province (or "全国") the document speaks for: the manifest's covers.region, or a region the
    #: title names; "" when neither says.
    region: str = ""

    @property
    def year(self) -> int:
        return int(self.date[:4])


def load_corpus(corpus_dir: Path, log: Callable[[str], None] | None = None) -> tuple[Document, ...]:
    """Every document listed in the manifest, in manifest order, then the other document files.

    A document file in the folder without a manifest entry is still loaded, with metadata taken from
    its first heading, so that dropping a file into corpus/ is enough to index it. A file that cannot
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
            documents.append(_load_document(corpus_dir, entry))
        except CorpusError as error:
            skipped.append(str(error))
            log(f"skipped a corpus document: {error}")
    if not documents:
        reasons = f" (skipped: {'; '.join(skipped)})" if skipped else ""
        raise CorpusError(f"no documents in {corpus_dir}{reasons}")
    return tuple(documents)


#: Manifest entry fields: name -> (what it must be, check).
_FIELDS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "file": ("a relative path of a .md or .txt file inside the corpus folder", lambda v: isinstance(v, str) and _is_inside_path(v)),
    "title": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "issuer": ("a string", lambda v: isinstance(v, str)),
    "date": ("an ISO date YYYY-MM-DD, or null", lambda v: v is None or _is_date(v)),
    "kind": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "kind_label": ("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    "source_url": ("a string, or null", lambda v: v is None or isinstance(v, str)),
    "source_note": ("a string", lambda v: isinstance(v, str)),
    "covers": ("an object", lambda v: isinstance(v, dict)),
}


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


def _load_document(corpus_dir: Path, entry: dict) -> Document:
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
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{name} is not UTF-8 text (byte {error.start}): convert it to UTF-8") from error
    problem = _not_text(text)
    if problem:
        raise CorpusError(f"{name} is not a text document ({problem})")
    title = entry.get("title") or _first_heading(text) or path.stem
    return Document(
        doc=name,
        title=title,
        issuer=entry.get("issuer", ""),
        date=entry.get("date") or "",
        kind=entry.get("kind", "document"),
        kind_label=entry.get("kind_label", "文档"),
        source_url=entry.get("source_url"),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        region=_region(entry, title),
    )


def _region(entry: dict, title: str) -> str:
    covers = entry.get("covers") or {}
    if isinstance(covers, dict) and isinstance(covers.get("region"), str) and covers["region"]:
        return covers["region"]
    from .glossary import load_glossary

    glossary = load_glossary()
    for name in sorted((*glossary.provinces, *glossary.home), key=len, reverse=True):
        if name in title and name not in ("全省", "我省", "本省", "省级"):
            return name
    return ""


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


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:80]
    return None
