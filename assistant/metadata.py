"""A document's metadata read from its opening lines: title, date, occasion, issuer, region, kind, years.

Only knowledge of the language is used: how a date, a people's congress session (第十四届…人民代表大会
第三次会议) and a head of government (省长, 市长, 主席, 总理, 代省长…) are written. Place names come from
the glossary's lists; no place, person or document is named here. The manifest stays the override:
`corpus.py` uses what is inferred only for the fields an entry does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

#: Lines read as the document's header: its opening, up to the salutation or the first body paragraph.
_HEADER_LINES = 8
_LONG_LINE = 120
_HEADER_END = re.compile(r"^(各位代表|同志们|[一二三四五六七八九十]+、|【)")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_TITLE_CUT = re.compile(r"\s*(?:——|－－|--+)")
_NUMERAL = r"[一二三四五六七八九十百零\d]+"
#: A people's congress session, with whoever it is of ("X省", "全国") before or inside it.
_SESSION = re.compile(
    rf"在\s*((?P<lead>[\u4e00-\u9fff]{{0,12}}?)第{_NUMERAL}届\s*(?P<inner>[\u4e00-\u9fff]{{0,6}}?)\s*人民代表大会\s*"
    rf"第{_NUMERAL}次(?:全体)?会议)"
)
#: The speaker's office, longest first (代理主席 before 主席).
_ROLES = ("代理主席", "代理省长", "代理市长", "代省长", "代市长", "代主席", "省长", "市长", "主席", "总理")
_ROLE = "|".join(_ROLES)
_NAME = r"[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,8}|[\u4e00-\u9fff]{2,4}?"
#: "省长 王伟中", "省长赵龙作政府工作报告", "代省长李殿勋作…": the name after the office.
_NAME_AFTER = re.compile(rf"(?P<role>{_ROLE})[\s\u3000]*(?P<name>{_NAME})(?=同志|作|在|的|[\s\u3000，。、]|$)")
#: "1月15日龚正市长在…": the name before the office, right after the date.
_NAME_BEFORE = re.compile(rf"日(?P<name>{_NAME})(?P<role>{_ROLE})(?=在|作|[\s\u3000]|$)")
#: A short header line naming the body that issues the document (…协调组, …办公室).
_BODY = re.compile(r"^[\u4e00-\u9fff“”\"（）()]{4,30}(?:组|办公室|委员会|人民政府|办公厅|厅|局|中心)$")
#: What follows a province-level name in its full form.
_ADMIN_SUFFIX = r"(?:[\u4e00-\u9fff]{0,4}?自治区|省|市|特别行政区)"
#: Words of the home list that are not places ("全省", "我省"…).
_NOT_PLACES = ("全省", "我省", "本省", "省级")
NATIONAL = "全国"
NATIONAL_GOVERNMENT = "国务院"
KINDS = {"work_report": "政府工作报告", "monthly_report": "工作月报", "document": "文档"}


@dataclass(frozen=True)
class Inferred:
    title: str
    date: str = ""  # ISO date of issue, "" when the header gives none
    occasion: str = ""  # the session it was delivered at, e.g. "X省第十四届人民代表大会第三次会议"
    issuer: str = ""  # e.g. "X省人民政府（X省省长 <name>）"
    region: str = ""  # e.g. "X省", "X壮族自治区", "全国"
    kind: str = "document"
    kind_label: str = "文档"
    covers_years: tuple[int, ...] = ()


def infer_metadata(text: str, places: tuple[str, ...] = ()) -> Inferred:
    """What the opening lines of `text` say about the document; `places` are the province-level names
    (short forms, e.g. from the glossary) a region is recognised by."""
    header = _header(text)
    if not header:
        return Inferred(title="")
    joined = "\n".join(header)
    title = _title(header[0])
    issued = _date(joined)
    occasion, session_of = _occasion(joined)
    kind = _kind(title)
    if kind == "monthly_report" and issued and not re.search(r"\d{1,2}月", title):
        month = next((m.group(1) for line in header[1:3] if (m := re.fullmatch(r"(\d{1,2})\s*月", line))), None)
        if month:
            title = f"{title}（{issued[:4]}年{int(month)}月）"
    role, name, prefix = _speaker(joined)
    region = _region(title, occasion, places)
    if not region and (role == "总理" or NATIONAL in session_of or NATIONAL_GOVERNMENT in prefix):
        region = NATIONAL
    return Inferred(
        title=title,
        date=issued,
        occasion=occasion,
        issuer=_issuer(role, name, prefix, region, header),
        region=region,
        kind=kind,
        kind_label=KINDS[kind],
        covers_years=_covers(kind, issued, title),
    )


def _header(text: str) -> list[str]:
    lines = []
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip().lstrip("#>").strip()
        if not line:
            continue
        if lines and (_HEADER_END.match(line) or len(line) > _LONG_LINE):
            break
        lines.append(line)
        if len(lines) == _HEADER_LINES:
            break
    return lines


def _title(line: str) -> str:
    title = _TITLE_CUT.split(line, maxsplit=1)[0].strip() or line.strip()
    # Spaces between Chinese characters are layout ("“七大攻坚” 工作月报"), not part of the title.
    title = re.sub(r"(?<=[\u4e00-\u9fff“”（）])[\s\u3000]+(?=[\u4e00-\u9fff“”（）])", "", title)
    return title[:80]


def _date(header: str) -> str:
    for match in _DATE.finditer(header):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        except ValueError:
            continue
    return ""


def _occasion(header: str) -> tuple[str, str]:
    """(the session, whoever it is of as written in it: "X省" or "全国"), or ("", "")."""
    match = _SESSION.search(header)
    if not match:
        return "", ""
    occasion = re.sub(r"[\s\u3000]+", "", match.group(1))
    return occasion, (match.group("lead") or "") + (match.group("inner") or "")


def _kind(title: str) -> str:
    if "政府工作报告" in title:
        return "work_report"
    if "月报" in title:
        return "monthly_report"
    return "document"


def _speaker(header: str) -> tuple[str, str, str]:
    """(office, name, what precedes the office on its line, e.g. "X省" or "国务院"), or empty strings."""
    for line in header.splitlines():
        match = _NAME_AFTER.search(line) or _NAME_BEFORE.search(line)
        if match and "在" not in match.group("name"):
            before = line[: match.start("role")] if match.re is _NAME_AFTER else ""
            prefix = re.split(r"会议上|日", before)[-1].strip()
            return match.group("role"), match.group("name"), prefix
    return "", "", ""


def _region(title: str, occasion: str, places: tuple[str, ...]) -> str:
    """The province-level place the session or the title names, in its full form when the text gives it."""
    names = sorted((p for p in places if p and p not in _NOT_PLACES), key=len, reverse=True)
    for text in (occasion, title):
        for name in names:
            if name in text:
                for source in (occasion, title):
                    full = re.search(re.escape(name) + _ADMIN_SUFFIX, source)
                    if full and not full.group(0).endswith("人民政府"):
                        return full.group(0)
                return name
    return ""


def _issuer(role: str, name: str, prefix: str, region: str, header: list[str]) -> str:
    if role and name:
        if role == "总理" or NATIONAL_GOVERNMENT in prefix:
            return f"{NATIONAL_GOVERNMENT}（{NATIONAL_GOVERNMENT}{role} {name}）"
        if region and region != NATIONAL:
            return f"{region}人民政府（{region}{role} {name}）"
        return f"{prefix}{role} {name}".strip()
    body = next((line for line in header[1:] if _BODY.match(line)), "")
    return body


def _covers(kind: str, issued: str, title: str) -> tuple[int, ...]:
    """A work report given in January–March reviews the previous year and plans its own; a work report
    titled with a year plans that year; anything else covers the year it was issued in."""
    if issued:
        year, month = int(issued[:4]), int(issued[5:7])
        if kind == "work_report" and month <= 3:
            return (year - 1, year)
        return (year,)
    titled = re.search(r"(20\d{2})年", title)
    if titled:
        year = int(titled.group(1))
        return (year - 1, year) if kind == "work_report" else (year,)
    return ()
