"""Text out of .docx (python-docx) and text-layer .pdf (pdfplumber) files.

What is extracted is the document of record: it is stored beside the original (`text_record.py`) and
every citation's offsets index it. A .docx gives one line per paragraph (its runs' text, tabs and breaks
kept) and one line per table row (cells separated by a tab), in body order; a .pdf gives each page's
text, pages joined by a newline, with the offset at which every page starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXTRACTED_SUFFIXES = (".docx", ".pdf")


class ExtractionError(ValueError):
    """The file cannot give a text: the message names it and says why, in Chinese and English."""


@dataclass(frozen=True)
class Extracted:
    text: str
    #: Offset in `text` at which each page starts (PDF only; empty for formats without pages).
    page_starts: tuple[int, ...] = ()


def extract(path: Path) -> Extracted:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        extracted = _docx(path)
    elif suffix == ".pdf":
        extracted = _pdf(path)
    else:
        raise ExtractionError(f"{path.name}：不支持的文件类型 {suffix or '（无扩展名）'} / unsupported file type")
    if not extracted.text.strip():
        raise ExtractionError(f"{path.name}：文件中没有文字 / the file holds no text")
    return extracted


def _docx(path: Path) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        lines = []
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(element, document).text)
            elif tag == "tbl":
                for row in Table(element, document).rows:
                    lines.append("\t".join(cell.text for cell in row.cells))
    except Exception as error:  # python-docx raises zip, XML and key errors alike for a damaged file
        raise ExtractionError(
            f"{path.name}：无法读取为 Word 文档（文件损坏或不是 .docx）/ cannot be read as a .docx "
            f"({error.__class__.__name__}: {error})"
        ) from error
    return Extracted("\n".join(lines))


def _pdf(path: Path) -> Extracted:
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as error:  # pdfminer raises syntax, type and value errors alike for a damaged file
        raise ExtractionError(
            f"{path.name}：无法读取为 PDF（文件损坏或不是 PDF）/ cannot be read as a PDF "
            f"({error.__class__.__name__}: {error})"
        ) from error
    if not pages:
        raise ExtractionError(f"{path.name}：PDF 没有页面 / the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise ExtractionError(
            f"{path.name}：PDF 没有文字层（可能是扫描件），无法提取文字；请先做文字识别（OCR）"
            f" / the PDF has no text layer (a scan?): run OCR on it first"
        )
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    return Extracted("\n".join(pages), tuple(starts))
