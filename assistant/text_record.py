"""The text of record of a .docx or .pdf: the extracted text, stored beside the original.

For `corpus/report.pdf` the text is `corpus/.report.pdf.txt` (UTF-8, what citations' `start`/`end`
index) and `corpus/.report.pdf.json` says which original it was extracted from (its sha256), the text's
sha256 and, for a PDF, the offset at which every page starts. Both are hidden (never listed as documents
of their own) and written atomically. A record whose original changed is extracted again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .atomic import write_text_atomic
from .formats import Extracted, extract

FORMAT = 1


@dataclass(frozen=True)
class TextRecord:
    text: str
    page_starts: tuple[int, ...]
    sha256: str  # of the text, encoded as UTF-8


def text_path(original: Path) -> Path:
    return original.with_name(f".{original.name}.txt")


def info_path(original: Path) -> Path:
    return original.with_name(f".{original.name}.json")


def record_paths(original: Path) -> tuple[Path, Path]:
    return text_path(original), info_path(original)


def load_record(original: Path, raw: bytes, log: Callable[[str], None] = lambda message: None) -> TextRecord:
    """The stored record of `original` (whose bytes are `raw`) when it is current, else the text extracted
    now and stored. Raises formats.ExtractionError when the file gives no text."""
    source = hashlib.sha256(raw).hexdigest()
    stored = _stored(original, source)
    if stored is not None:
        return stored
    extracted = extract(original)
    try:
        return write_record(original, extracted, source)
    except OSError as error:
        log(f"the text of {original.name} could not be stored beside it ({error.strerror or error}); it is served from memory")
        return _record(extracted)


def write_record(original: Path, extracted: Extracted, source_sha256: str) -> TextRecord:
    record = _record(extracted)
    write_text_atomic(text_path(original), extracted.text)
    info = {"format": FORMAT, "source": original.name, "source_sha256": source_sha256, "text_sha256": record.sha256,
            "page_starts": list(extracted.page_starts)}
    write_text_atomic(info_path(original), json.dumps(info, ensure_ascii=False, indent=1) + "\n")
    return record


def remove_record(original: Path) -> None:
    for path in record_paths(original):
        path.unlink(missing_ok=True)


def _record(extracted: Extracted) -> TextRecord:
    return TextRecord(extracted.text, extracted.page_starts, hashlib.sha256(extracted.text.encode("utf-8")).hexdigest())


def _stored(original: Path, source_sha256: str) -> TextRecord | None:
    try:
        info = json.loads(info_path(original).read_text(encoding="utf-8"))
        data = text_path(original).read_bytes()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(info, dict) or info.get("format") != FORMAT or info.get("source_sha256") != source_sha256:
        return None
    digest = hashlib.sha256(data).hexdigest()
    starts = info.get("page_starts")
    if info.get("text_sha256") != digest or not isinstance(starts, list) or not all(isinstance(s, int) for s in starts):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TextRecord(text, tuple(starts), digest)
