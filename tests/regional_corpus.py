"""The reports of ../shared/newdocs that the regional corpus of the tests puts beside the seeds."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NEWDOCS = PROJECT_ROOT.parent / "shared" / "newdocs"
REGIONAL_REPORTS = (
    "2025-guangdong-government-work-report.txt",
    "2025-gansu-government-work-report.txt",
    "2025-fujian-government-work-report.txt",  # its parts' headings name no year
    "2025-heilongjiang-government-work-report.txt",  # "（一）…。" parts over sub-sections led by a sentence
    "2025-guangxi-government-work-report.txt",  # paragraphs that open with their point ("开展“广西旅游年”活动。")
    "2025-guizhou-government-work-report.txt",
    "2025-anhui-government-work-report.txt",  # "“三地一区”是引领…。围绕打造科技创新策源地，…" and three more
    "2025-chongqing-government-work-report.txt",
)
