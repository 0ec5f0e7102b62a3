"""Text out of .docx (python-docx) and text-layer .pdf (pdfplumber) files.

What is extracted is the document of record: it is stored beside the original (`text_record.py`) and
every citation's offsets index it. A .docx gives one line per paragraph (its runs' text, tabs and breaks
kept) and one line per table row (cells separated by a tab), in body order, as the paragraph text of
a Word file is usually kept. A .pdf gives its pages' text with the offset at which every page starts: a
line the page wrapped (it reaches the right margin and does not end a sentence) is joined to the next,
and paragraphs and pages are separated by a blank line, as text extracted from a PDF is usually kept
(a sentence cut by a page break is re-joined by `structure.py`, as in ``增长\n\n12.0%``).
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
            pages = [_page_text(page) for page in pdf.pages]
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
        offset += len(page) + len(_BREAK)
    return Extracted(_BREAK.join(pages), tuple(starts))


#: Between two paragraphs, and between two pages, of a PDF's text.
_BREAK = "\n\n"
#: A line that ends with one of these ends its paragraph, wherever it stops on the page.
_PARAGRAPH_ENDS = ("。", "！", "？", "：", "；", "…", ".", "!", "?", ":")


def _page_text(page) -> str:  # type: ignore[no-untyped-def]
    lines = page.extract_text_lines(strip=True)
    if not lines:
        return ""
    right = max(line["x1"] for line in lines)
    parts = []
    for number, line in enumerate(lines):
        text = line["text"]
        parts.append(text)
        if number + 1 == len(lines):
            break
        char_width = (line["x1"] - line["x0"]) / max(1, len(text))
        wrapped = line["x1"] >= right - 1.5 * char_width and not text.endswith(_PARAGRAPH_ENDS)
        following = lines[number + 1]["text"]
        if not wrapped:
            parts.append(_BREAK)
        elif text[-1:].isascii() and following[:1].isascii() and text[-1:].isalnum() and following[:1].isalnum():
            parts.append(" ")  # a Latin word or a number ended the line: keep them apart
    return "".join(parts)
