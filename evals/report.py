"""Render a run as Markdown and JSON, write both to evals/reports/, and the console summary."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from evals.aggregate import HEADLINE, Metrics
from evals.harness import EvalRun, Outcome

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
QUOTE_CHARS = 160
ANSWER_CHARS = 400


def timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


#: The settings that change what the assistant answers, in the order reports list them.
SETTINGS_SHOWN = (
    "retrieval_mode",
    "lexical_tokenizer",
    "chunking",
    "chunk_size",
    "chunk_overlap",
    "index_section_paths",
    "top_k",
    "model",
)


def describe_settings(settings: Any, names: Sequence[str] = SETTINGS_SHOWN) -> str:
    return ", ".join(f"{name}={getattr(settings, name)}" for name in names)


def format_value(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{value:.3f}"
    if kind == "chars":
        return f"{value:.0f}"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def metrics_cells(metrics: Metrics, names: Sequence[str] | None = None) -> list[str]:
    """Formatted headline metrics (all, or the named ones in HEADLINE order)."""
    return [format_value(getattr(metrics, n), kind) for n, _, kind in HEADLINE if names is None or n in names]


def metrics_labels(names: Sequence[str] | None = None) -> list[str]:
    return [label for n, label, _ in HEADLINE if names is None or n in names]


def metrics_table(rows: Sequence[tuple[str, Metrics]], first_column: str = "") -> str:
    """A Markdown table: one row per (label, metrics), the headline metrics as columns."""
    header = [first_column, "n", *metrics_labels()]
    return markdown_table(header, [[label, str(m.questions), *metrics_cells(m)] for label, m in rows])


def run_table(run: EvalRun) -> str:
    """Overall first, then one row per question type."""
    return metrics_table([("**overall**", run.metrics), *run.by_type.items()], "type")


def document_table(run: EvalRun) -> str:
    """The headline metrics per document, when the questions are about more than one."""
    if len(run.by_document) < 2:
        return ""
    names = ("answer_accuracy", "refusal_accuracy", "false_refusal_rate", "citation_precision", "citation_recall", "hit_at_5")
    rows = [[doc, str(m.questions), *metrics_cells(m, names)] for doc, m in run.by_document.items()]
    return markdown_table(["document", "n", *metrics_labels(names)], rows)


def worst_failures(run: EvalRun, count: int) -> list[Outcome]:
    """Failed questions, wrong answers before citation and retrieval misses, most failed checks first."""
    failed = [o for o in run.outcomes if o.score.failures]

    def severity(outcome: Outcome) -> tuple[bool, int, str]:
        s = outcome.score
        return (not (s.answer_correct is False or s.refusal_correct is False), -len(s.failures), s.id)

    return sorted(failed, key=severity)[:count]


def failure_markdown(outcome: Outcome, originals: Mapping[str, str]) -> str:
    e, a, s = outcome.expected, outcome.answer, outcome.score
    expected = _clip(e.answer if e.answerable else "(a refusal)", ANSWER_CHARS)
    keys = f" — keys: {', '.join(e.answer_keys)}" if e.answer_keys else ""
    lines = [f"#### {e.id} ({e.type}): {e.question}", f"- failed: {'; '.join(s.failures)}"]
    lines.append(f"- expected: {expected}{keys}")
    for gold in e.gold:
        text = originals.get(gold.doc, "")[gold.start : gold.end]
        lines.append(f"- evidence `{gold.doc}` {gold.start}–{gold.end}: {_clip(text, QUOTE_CHARS)}")
    lines.append(f"- got{' (refused)' if a.refused else ''}: {_clip(a.answer, ANSWER_CHARS)}")
    for c in a.citations:
        lines.append(f"- cited [{c.id}] `{c.doc}` {c.start}–{c.end}: {_clip(c.quote, QUOTE_CHARS)}")
    return "\n".join(lines)


def render_markdown(
    run: EvalRun, originals: Mapping[str, str], meta: Mapping[str, Any] | None = None, worst: int = 10
) -> str:
    parts = [f"# Evaluation {meta.get('created', '') if meta else ''}".rstrip(), ""]
    parts += [f"- source: {run.source}", f"- dataset: {run.dataset} ({run.metrics.questions} questions)"]
    parts += [f"- {key}: {value}" for key, value in (meta or {}).items() if key != "created"]
    parts += ["", "## Headline", "", run_table(run), ""]
    if document_table(run):
        parts += ["## By document", "", document_table(run), ""]
    if run.metrics.wall_median_ms is not None:
        parts += [
            f"Wall clock per question: median {format_value(run.metrics.wall_median_ms, 'ms')} ms, "
            f"p95 {format_value(run.metrics.wall_p95_ms, 'ms')} ms.",
            "",
        ]
    failures = worst_failures(run, worst)
    total_failed = sum(1 for o in run.outcomes if o.score.failures)
    parts += [f"## Worst failures ({len(failures)} of {total_failed} questions with a failed check)", ""]
    parts += [failure_markdown(o, originals) + "\n" for o in failures]
    return "\n".join(parts).rstrip() + "\n"


def run_to_json(run: EvalRun, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "meta": dict(meta or {}),
        "source": run.source,
        "dataset": run.dataset,
        "metrics": run.metrics.to_dict(),
        "by_type": {kind: m.to_dict() for kind, m in run.by_type.items()},
        "by_document": {doc: m.to_dict() for doc, m in run.by_document.items()},
        "questions": [
            {
                "id": o.expected.id,
                "type": o.expected.type,
                "question": o.expected.question,
                "expected": o.expected.answer,
                "failures": list(o.score.failures),
                "score": asdict(o.score),
                "answer": {**o.answer.to_dict(), "id": o.expected.id},
            }
            for o in run.outcomes
        ],
    }


def write_report(
    markdown: str, data: Mapping[str, Any], directory: Path = REPORTS_DIR, name: str | None = None
) -> tuple[Path, Path]:
    """Write `<name>.md` and `<name>.json` (name defaults to a timestamp); returns both paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = name or timestamp()
    md_path, json_path = directory / f"{name}.md", directory / f"{name}.json"
    md_path.write_text(markdown, encoding="utf-8")
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return md_path, json_path


def console_summary(run: EvalRun, originals: Mapping[str, str], worst: int = 5) -> str:
    lines = [f"{run.source} on {run.dataset}: {run.metrics.questions} questions", "", run_table(run)]
    if document_table(run):
        lines += ["", document_table(run)]
    if run.metrics.wall_median_ms is not None:
        lines.append(
            f"\nwall clock: median {format_value(run.metrics.wall_median_ms, 'ms')} ms, "
            f"p95 {format_value(run.metrics.wall_p95_ms, 'ms')} ms"
        )
    failures = worst_failures(run, worst)
    if failures:
        lines += ["", f"Worst {len(failures)} failures:", ""]
        lines += [failure_markdown(o, originals) + "\n" for o in failures]
    return "\n".join(lines).rstrip()


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
