"""metadata: title, date, occasion, issuer, region, kind and years read from a document's opening lines.

Checked on the 31 reports of ../shared/newdocs/ against the table of its README (skipped when the folder is
absent) and on the two seeds against their manifest entries.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.glossary import load_glossary
from assistant.metadata import infer_metadata
from assistant.settings import PROJECT_ROOT

NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
CORPUS = PROJECT_ROOT / "corpus"
needs_newdocs = pytest.mark.skipif(not (NEWDOCS / "README.md").is_file(), reason="../shared/newdocs is not beside this checkout")


def _places() -> tuple[str, ...]:
    glossary = load_glossary()
    return (*glossary.provinces, *glossary.home)


def _table() -> list[dict[str, str]]:
    """The README's rows: file, title, issuer / speaker, date and occasion."""
    if not (NEWDOCS / "README.md").is_file():
        return []
    rows = []
    for line in (NEWDOCS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].endswith(".txt"):
            rows.append({"file": cells[0], "title": cells[1], "issuer": cells[2], "when": cells[3]})
    return rows


def _expected(row: dict[str, str]) -> dict[str, object]:
    """What the README's words mean in the Document's terms."""
    day, occasion = (part.strip() for part in row["when"].split(",", 1))
    y, m, d = (int(n) for n in re.findall(r"\d+", day))
    occasion = re.sub(r"\s+", "", occasion)
    government, speaker = (part.strip() for part in row["issuer"].split("/"))
    lead = occasion.split("第", 1)[0]
    region = lead or "全国"
    office = government.removesuffix("人民政府")
    role, name = re.match(r"(.*?(?:代理主席|代省长|省长|市长|主席|总理))(.+)", speaker).groups()
    if not role.startswith(office):
        role = office + role
    return {
        "title": row["title"].split("——")[0].strip(),
        "date": f"{y:04d}-{m:02d}-{d:02d}",
        "occasion": occasion,
        "issuer": f"{government}（{role} {name}）",
        "region": region,
        "kind": "work_report",
        "covers_years": (y - 1, y),
    }


@needs_newdocs
def test_the_readme_table_lists_all_31_reports():
    assert len(_table()) == 31
    assert {row["file"] for row in _table()} == {p.name for p in NEWDOCS.glob("*.txt")}


@needs_newdocs
@pytest.mark.parametrize("row", _table() or [None], ids=lambda row: row["file"].split("-government")[0] if row else "none")
def test_each_report_s_metadata_is_read_from_its_opening_lines(row):
    inferred = infer_metadata((NEWDOCS / row["file"]).read_text(encoding="utf-8"), _places())
    expected = _expected(row)
    got = {key: getattr(inferred, key) for key in expected}
    assert got == expected
    assert inferred.kind_label == "政府工作报告"


@needs_newdocs
def test_the_national_report_is_the_state_council_s_for_the_whole_country():
    inferred = infer_metadata((NEWDOCS / "2024-national-government-work-report.txt").read_text(encoding="utf-8"), _places())
    assert inferred.title == "政府工作报告"
    assert inferred.issuer == "国务院（国务院总理 李强）"
    assert inferred.region == "全国" and inferred.date == "2024-03-05" and inferred.covers_years == (2023, 2024)


@needs_newdocs
def test_loaded_without_a_manifest_every_report_has_a_region(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in NEWDOCS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    documents = load_corpus(folder)
    assert len(documents) == 31
    assert all(d.region and d.date and d.issuer and d.occasion and d.covers_years for d in documents)
    guangxi = next(d for d in documents if "guangxi" in d.doc)
    assert guangxi.region == "广西壮族自治区" and guangxi.title == "2025年广西政府工作报告"


def test_the_seeds_without_their_manifest_read_as_the_manifest_says(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").unlink()
    documents = {d.doc: d for d in load_corpus(folder)}
    for entry in manifest["documents"]:
        document = documents[entry["file"]]
        assert document.title == entry["title"]
        assert document.issuer == entry["issuer"]
        assert document.date == entry["date"]
        assert (document.kind, document.kind_label) == (entry["kind"], entry["kind_label"])
        assert document.region == entry["covers"]["region"]
        assert list(document.covers_years) == entry["covers"]["years"]


def test_the_manifest_overrides_what_is_inferred_field_by_field(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    manifest = {"documents": [{"file": "2025-hunan-government-work-report.md", "title": "另一个标题", "covers": {"years": [2025]}}]}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    report = load_corpus(folder)[0]
    assert report.title == "另一个标题" and report.covers_years == (2025,)
    assert report.date == "2025-01-14" and report.region == "湖南省" and report.issuer.endswith("毛伟明）")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("某市工作简报\n\n正文。", {"title": "某市工作简报", "date": "", "region": "", "kind": "document", "kind_label": "文档", "covers_years": ()}),
        ("2026年某某省政府工作报告\n正文。", {"kind": "work_report", "covers_years": (2025, 2026), "date": ""}),
        ("关于开展检查的通知\n2025年6月30日\n正文。", {"date": "2025-06-30", "covers_years": (2025,), "kind": "document"}),
        ("通知\n2025年2月30日\n", {"date": ""}),  # not a day of the calendar
        ("", {"title": ""}),
    ],
    ids=["plain", "titled-year", "dated-notice", "bad-date", "empty"],
)
def test_what_a_header_without_a_session_gives(text, expected):
    inferred = infer_metadata(text, _places())
    assert {key: getattr(inferred, key) for key in expected} == expected


def test_a_speaker_named_before_the_office_and_a_title_cut_at_the_dash():
    text = "2025年某某市政府工作报告\n----2025年1月15日张三市长在某某市第十六届人民代表大会第三次会议的政府工作报告\n各位代表：\n"
    inferred = infer_metadata(text, ("某某",))
    assert inferred.issuer == "某某市人民政府（某某市市长 张三）"
    assert inferred.region == "某某市" and inferred.occasion == "某某市第十六届人民代表大会第三次会议"


def test_the_body_is_not_read_as_the_header():
    text = "工作月报\n8月\n某某协调组\n2025年8月27日\n【工作部署】\n7月30日，常务副省长李四主持召开会议。\n"
    inferred = infer_metadata(text, ())
    assert inferred.issuer == "某某协调组" and inferred.title == "工作月报（2025年8月）" and inferred.kind == "monthly_report"


def test_any_text_gives_metadata_without_an_error():
    from datetime import date

    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["2025年", "1月", "15日", "——", "在", "第十四届", "人民代表大会", "第三次会议", "上", "省长", " ",
                              "王伟中", "\n", "政府工作报告", "月报", "各位代表：", "某某省", "·", "#", "> "])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.one_of(pieces, st.text(max_size=5)), max_size=30))
    def check(parts):
        inferred = infer_metadata("".join(parts), ("某某",))
        assert inferred.date == "" or date.fromisoformat(inferred.date)
        assert inferred.kind in ("work_report", "monthly_report", "document")

    check()


@pytest.mark.parametrize("where", ["provinces", "home", "both"])
def test_the_home_province_is_found_whichever_glossary_list_names_it(where):
    glossary = load_glossary()
    home = tuple(p for p in glossary.home if p not in ("湖南", "湖南省"))
    provinces = tuple(p for p in glossary.provinces if p != "湖南")
    places = {"provinces": (*provinces, "湖南", *home), "home": (*provinces, *home, "湖南", "湖南省"),
              "both": (*provinces, "湖南", *home, "湖南", "湖南省")}[where]
    text = (CORPUS / "2025-hunan-government-work-report.md").read_text(encoding="utf-8")
    assert infer_metadata(text, places).region == "湖南省"
