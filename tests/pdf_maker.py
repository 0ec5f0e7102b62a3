"""Text-layer PDFs made inside the tests from the seed texts (none is committed).

The machine's CJK font (Noto Sans CJK, from fonts-noto-cjk) is a CFF collection, which fpdf2 embeds with
an encoding pdfminer (and so pdfplumber) cannot read back; the font is therefore subset to the characters
the tests write and converted to TrueType outlines once, then used by fpdf2.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from assistant.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "corpus"


def cjk_font_file() -> Path | None:
    """A CJK font of the machine (fc-list :lang=zh), or None."""
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted({line.split(":")[0].strip() for line in listing.splitlines() if line.strip()})
    preferred = [f for f in files if "Sans" in f and "Regular" in f] or files
    return Path(preferred[0]) if preferred else None


@lru_cache(maxsize=1)
def truetype_font(folder: str) -> Path:
    """The CJK font subset to every character of the seeds (and ASCII), with TrueType outlines."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable
    from fontTools.ttLib.tables._g_l_y_f import table__g_l_y_f

    source = cjk_font_file()
    assert source is not None, "no CJK font (fc-list :lang=zh): install fonts-noto-cjk"
    characters = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.*")) if p.suffix in (".md", ".txt"))
    characters += "".join(chr(c) for c in range(32, 127)) + "第页扫描件空白测试文档"
    font = TTFont(str(source), fontNumber=_simplified_chinese_number(source))
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    if "CFF " in font:
        glyphs = font.getGlyphSet()
        glyf = table__g_l_y_f()
        glyf.glyphOrder = font.getGlyphOrder()
        glyf.glyphs = {}
        for name in glyf.glyphOrder:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["glyf"] = glyf
        font["loca"] = newTable("loca")
        del font["CFF "]
        if "VORG" in font:
            del font["VORG"]
        font.sfntVersion = "\x00\x01\x00\x00"
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for attribute in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                          "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
            setattr(maxp, attribute, 0)
        maxp.maxZones = 1
        font["post"].formatType = 3.0
        font["head"].indexToLocFormat = 0
        font["head"].glyphDataFormat = 0
    path = Path(folder) / "cjk-subset.ttf"
    font.save(str(path))
    return path


def _simplified_chinese_number(path: Path) -> int:
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for number, font in enumerate(collection.fonts):
        if "SC" in (font["name"].getDebugName(1) or ""):
            return number
    return 0


def write_pdf(pages: list[str], path: Path, font_folder: Path) -> Path:
    """A PDF with one page per string of `pages` (text that overflows a page continues on the next)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=str(truetype_font(str(font_folder))))
    pdf.set_font("cjk", size=10)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return Path(path)


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only a picture (a scan without a text layer)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return Path(path)


def seed_pages(size: int = 1400) -> list[str]:
    """The monthly seed (itself a PDF's text) in pieces of about `size` characters, cut at line ends."""
    text = (SEEDS / "2025-08-qida-gongjian-monthly-report.txt").read_text(encoding="utf-8")
    pages, current = [], ""
    for line in text.splitlines(keepends=True):
        if len(current) + len(line) > size and current:
            pages.append(current.rstrip("\n"))
            current = ""
        current += line
    pages.append(current.rstrip("\n"))
    return [p for p in pages if p.strip()]
