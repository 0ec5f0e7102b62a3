"""`python -m evals run --answers FILE` end to end, on a small dataset and answers built from real spans."""

import json
import subprocess
import sys

import pytest

from assistant.settings import PROJECT_ROOT
from eval_support import GROWTH, MEETING, MONTHLY, WORK_REPORT, make_answer
from evals.dataset import Evidence, Question, dump_questions

QUESTIONS = [
    Question("t-growth", "2024年湖南经济增长多少？", "figure", "全年增长4.8%，总量达5.3万亿元。", ("4.8%", "5.3万亿元"),
             (Evidence(WORK_REPORT, GROWTH),)),
    Question("t-meeting", "7月30日的调度会议由谁主持？", "entity", "常务副省长张迎春。", ("张迎春",),
             (Evidence(MONTHLY, MEETING),)),
    Question("t-none", "2025年湖南的房价是多少？", "unanswerable", "文件中没有相关内容。", (), ()),
]


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "questions.jsonl"
    dump_questions(QUESTIONS, path)
    return path


def write_answers(path, answers):
    path.write_text("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in answers), encoding="utf-8")
    return path


def run_evals(*args):
    return subprocess.run(
        [sys.executable, "-m", "evals", "run", *map(str, args)], cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def only_report(directory):
    (json_path,) = directory.glob("*.json")
    (md_path,) = directory.glob("*.md")
    return json.loads(json_path.read_text(encoding="utf-8")), md_path.read_text(encoding="utf-8")


def test_perfect_answers_score_full_marks_and_pass_the_gate(tmp_path, dataset, cite, span_of):
    growth, meeting = span_of(WORK_REPORT, GROWTH), span_of(MONTHLY, MEETING)
    answers = write_answers(
        tmp_path / "answers.jsonl",
        [
            make_answer(
                "全年增长4.8%，总量达5.3万亿元[1]。", citations=(cite(growth),), retrieved=(growth, meeting), id="t-growth"
            ),
            make_answer("由张迎春主持[1]。", citations=(cite(meeting),), retrieved=(growth, meeting), id="t-meeting"),
            make_answer("文件中未找到相关内容。", refused=True, retrieved=(growth,), id="t-none"),
        ],
    )
    reports = tmp_path / "reports"
    result = run_evals("--dataset", dataset, "--answers", answers, "--reports-dir", reports, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    data, markdown = only_report(reports)
    metrics = data["metrics"]
    for name in ("answer_accuracy", "refusal_accuracy", "citation_validity", "citation_precision", "citation_recall"):
        assert metrics[name] == 1.0, name
    assert (metrics["hit_at_1"], metrics["hit_at_3"], metrics["mrr"]) == (0.5, 1.0, 0.75)
    assert metrics["false_refusal_rate"] == 0.0
    assert set(data["by_type"]) == {"figure", "entity", "unanswerable"}
    assert "| **overall** | 3 |" in markdown
    assert "| **overall** | 3 |" in result.stdout


def test_failures_are_reported_and_break_the_gate(tmp_path, dataset, cite, span_of):
    growth, meeting = span_of(WORK_REPORT, GROWTH), span_of(MONTHLY, MEETING)
    answers = write_answers(
        tmp_path / "answers.jsonl",
        [
            make_answer("全年增长4.6%[1]。", citations=(cite(growth, quote="全年增长4.6%"),), id="t-growth"),
            make_answer("未找到。", refused=True, id="t-meeting"),
            make_answer("约每平方米一万元[1]。", citations=(cite(meeting),), id="t-none"),
        ],
    )
    reports = tmp_path / "reports"
    result = run_evals("--dataset", dataset, "--answers", answers, "--reports-dir", reports, "--check")
    assert result.returncode == 1
    assert "below threshold: answer_accuracy = 0" in result.stderr
    data, markdown = only_report(reports)
    assert data["metrics"]["answer_accuracy"] == 0.0
    assert data["metrics"]["citation_validity"] == 0.5
    assert data["metrics"]["false_refusal_rate"] == 0.5
    failures = {q["id"]: q["failures"] for q in data["questions"]}
    assert failures["t-none"][0] == "answered an unanswerable question"
    assert "refused an answerable question" in failures["t-meeting"]
    for text in ("2024年湖南经济增长多少？", "expected: 全年增长4.8%", "got: 全年增长4.6%", "cited [1]", "missing 4.8%、5.3万亿元"):
        assert text in result.stdout and text in markdown


def test_limit_and_a_missing_answer(tmp_path, dataset):
    answers = write_answers(tmp_path / "answers.jsonl", [make_answer("4.8%、5.3万亿元", id="t-growth")])
    reports = tmp_path / "reports"
    assert run_evals("--dataset", dataset, "--answers", answers, "--reports-dir", reports, "--limit", 1).returncode == 0
    data, _ = only_report(reports)
    assert data["metrics"]["questions"] == 1
    result = run_evals("--dataset", dataset, "--answers", answers, "--reports-dir", tmp_path / "other")
    assert result.returncode != 0
    assert "no answer with id 't-meeting'" in result.stderr


def test_endpoint_and_answers_are_exclusive(tmp_path):
    result = run_evals("--endpoint", "http://127.0.0.1:1", "--answers", tmp_path / "a.jsonl")
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
