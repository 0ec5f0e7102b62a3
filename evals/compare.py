"""Ablations: the same questions through several configurations, one table.

Each variant is the base settings plus a few overrides, with its own fresh index folder; the embedding
cache (settings.cache_dir) is shared, so a chunk embedded once is never embedded again.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from assistant.settings import Settings

from evals.harness import EvalRun, Outcome, evaluate
from evals.report import markdown_table, metrics_cells, metrics_labels
from evals.scoring import Expectation
from evals.sources import InProcessSource

#: The metrics the comparison table shows (validity and false refusals are in each variant's JSON).
COLUMNS = (
    "answer_accuracy",
    "refusal_accuracy",
    "citation_precision",
    "citation_recall",
    "hit_at_1",
    "hit_at_3",
    "hit_at_5",
    "mrr",
    "avg_retrieved_chars_at_5",
    "latency_median_ms",
)


@dataclass(frozen=True)
class Variant:
    name: str  # what --variants takes
    label: str  # what the table shows
    overrides: Mapping[str, Any] = field(default_factory=dict)


HYBRID = {"retrieval_mode": "hybrid", "lexical_tokenizer": "bigram"}
VARIANTS: tuple[Variant, ...] = (
    Variant("hybrid", "hybrid, bigram tokens (default)", HYBRID),
    Variant("lexical", "lexical only (BM25, bigram)", {"retrieval_mode": "lexical", "lexical_tokenizer": "bigram"}),
    Variant("dense", "dense only", {"retrieval_mode": "dense"}),
    Variant("jieba", "hybrid, jieba tokens", {"retrieval_mode": "hybrid", "lexical_tokenizer": "jieba"}),
    Variant("chunk100", "hybrid, chunks of 100", {**HYBRID, "chunk_size": 100}),
    Variant("chunk300", "hybrid, chunks of 300", {**HYBRID, "chunk_size": 300}),
    Variant(
        "plain",
        "plain baseline (LangChain 500/50, dense)",
        {
            "chunking": "plain",
            "chunk_size": 500,
            "chunk_overlap": 50,
            "retrieval_mode": "dense",
            "index_section_paths": False,
        },
    ),
)


@dataclass(frozen=True)
class VariantResult:
    variant: Variant
    settings: Settings
    build_seconds: float  # Assistant.from_settings on an empty index folder (embedding cache shared)
    run: EvalRun


def select(names: str | None) -> tuple[Variant, ...]:
    if not names:
        return VARIANTS
    by_name = {v.name: v for v in VARIANTS}
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise ValueError(f"unknown variants {unknown}; choose from {', '.join(by_name)}")
    return tuple(by_name[n] for n in wanted)


def variant_settings(variant: Variant, base: Settings, work_dir: Path) -> Settings:
    """The base settings with the variant's overrides and its own index folder under `work_dir`."""
    return base.with_overrides(index_dir=Path(work_dir) / variant.name, **variant.overrides)


def run_variant(
    variant: Variant,
    base: Settings,
    expectations: Sequence[Expectation],
    originals: Mapping[str, str],
    work_dir: Path,
    dataset: str = "",
    on_answer: Callable[[Outcome], None] | None = None,
) -> VariantResult:
    from assistant import Assistant

    settings = variant_settings(variant, base, work_dir)
    started = time.perf_counter()
    assistant = Assistant.from_settings(settings)
    build_seconds = time.perf_counter() - started
    if expectations:
        assistant.ask(expectations[0].question)  # warm-up: the model loads on the first query
    run = evaluate(expectations, InProcessSource(assistant), originals, dataset, on_answer)
    del assistant
    gc.collect()
    return VariantResult(variant, settings, build_seconds, run)


def describe(settings: Settings) -> str:
    """A short account of what a configuration retrieves with, e.g. "hybrid/bigram, structured 160+0"."""
    mode = settings.retrieval_mode
    if mode != "dense":
        mode += f"/{settings.lexical_tokenizer}"
    text = f"{mode}, {settings.chunking} {settings.chunk_size}+{settings.chunk_overlap}"
    return text if settings.index_section_paths else text + ", no section paths"


def compare_table(results: Sequence[VariantResult]) -> str:
    """README-ready Markdown: one row per variant."""
    header = ["variant", "configuration", *metrics_labels(COLUMNS), "build s"]
    rows = [
        [r.variant.label, describe(r.settings), *metrics_cells(r.run.metrics, COLUMNS), f"{r.build_seconds:.1f}"]
        for r in results
    ]
    return markdown_table(header, rows)


def compare_markdown(results: Sequence[VariantResult], meta: Mapping[str, Any]) -> str:
    questions = results[0].run.metrics.questions if results else 0
    lines = [f"# Comparison {meta.get('created', '')}".rstrip(), ""]
    lines += [f"- {key}: {value}" for key, value in meta.items() if key != "created"]
    lines += [f"- questions: {questions}", "", compare_table(results), ""]
    lines += [
        "Every variant answers the same questions with a fresh index. build s: `Assistant.from_settings` on an "
        "empty index folder; the embedding cache is shared, so only chunks never embedded before cost model time. "
        "median ms: `timings_ms.total` after one warm-up question. "
        "Metric definitions: `evals/scoring.py`, `evals/aggregate.py`.",
        "",
    ]
    return "\n".join(lines)


def compare_json(results: Sequence[VariantResult], meta: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "meta": dict(meta),
        "variants": [
            {
                "name": r.variant.name,
                "label": r.variant.label,
                "configuration": describe(r.settings),
                "overrides": dict(r.variant.overrides),
                "build_seconds": r.build_seconds,
                "metrics": r.run.metrics.to_dict(),
                "by_type": {kind: m.to_dict() for kind, m in r.run.by_type.items()},
            }
            for r in results
        ],
    }
