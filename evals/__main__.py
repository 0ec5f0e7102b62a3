"""Command line: `python -m evals run|compare|bench` (see `python -m evals <command> --help`)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from assistant.settings import Settings

from evals.contract import ContractError
from evals.dataset import DatasetError
from evals.harness import DEFAULT_DATASET, EvalRun, Outcome, evaluate, load_expectations, read_originals
from evals.report import (
    REPORTS_DIR,
    console_summary,
    describe_settings,
    render_markdown,
    run_to_json,
    timestamp,
    write_report,
)
from evals.sources import AnswersFileSource, AnswerSource, EndpointSource, InProcessSource, SourceError
from evals.thresholds import THRESHOLDS_PATH, check, load_bounds


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (DatasetError, SourceError, ContractError, OSError, ValueError) as error:
        print(f"python -m evals {args.command.__name__.lstrip('_')}: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals", description="Evaluate the assistant on a question set.")
    commands = parser.add_subparsers(required=True, metavar="{run,compare,bench,fit}")

    run = commands.add_parser("run", help="score one answer source on the question set")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--endpoint", metavar="URL", help="ask a running UI through its Gradio API endpoint /ask")
    where.add_argument("--answers", metavar="FILE", type=Path, help="score a JSONL file of contract answers (by id)")
    run.add_argument("--check", action="store_true", help=f"exit 1 when a metric breaks {THRESHOLDS_PATH.name}")
    run.add_argument("--worst", type=int, default=5, metavar="N", help="failures to print (report: 2N; default 5)")
    run.set_defaults(command=_run)

    compare = commands.add_parser("compare", help="ablations: several configurations on the same questions")
    compare.add_argument("--variants", metavar="A,B", help="comma-separated variant names (default: all)")
    compare.add_argument("--work-dir", type=Path, metavar="DIR", help="keep the variants' indexes here (default: temp)")
    compare.set_defaults(command=_compare)

    bench = commands.add_parser("bench", help="index build, re-index, latency, cold start and memory")
    bench.add_argument("--cold-runs", type=int, default=3, metavar="N", help="cold-start repetitions (default 3)")
    bench.add_argument("--corpus", type=Path, metavar="DIR",
                       help="also build and measure a second corpus folder (e.g. 33 documents), from an empty cache")
    bench.set_defaults(command=_bench)

    fitting = commands.add_parser("fit", help="fit the answering weights on the tuning sets (own + blind dev), cross-validated")
    fitting.add_argument("--output", type=Path, metavar="FILE", help="where the weights go (default: assistant/data/answer_model.json)")
    fitting.add_argument("--corpus", type=Path, metavar="DIR",
                         help="the many-documents corpus folder the many-documents dev set (evals/multidoc/dev.jsonl) is asked of "
                              "(default: the seeds and ../shared/newdocs/*.txt, assembled in the cache folder; none when that is absent)")
    fitting.add_argument("--index", type=Path, metavar="DIR", help="the index folder for --corpus (default: next to it, DIR-index)")
    fitting.set_defaults(command=_fit)

    for sub in (run, compare, bench):
        sub.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, metavar="FILE", help="question set (JSONL)")
        sub.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
        sub.add_argument("--reports-dir", type=Path, default=REPORTS_DIR, metavar="DIR", help="where reports go")
    return parser


def _run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    expectations = load_expectations(args.dataset, settings.corpus_dir, args.limit)
    source, meta = _source(args, settings)
    originals = read_originals(settings.corpus_dir)
    run = evaluate(expectations, source, originals, dataset=str(args.dataset), on_answer=_progress(len(expectations)))
    meta = {"created": timestamp(), **meta}
    markdown = render_markdown(run, originals, meta, worst=2 * args.worst)
    md_path, json_path = write_report(markdown, run_to_json(run, meta), args.reports_dir, meta["created"])
    print(console_summary(run, originals, worst=args.worst))
    print(f"\nreport: {md_path}\n        {json_path}")
    return _gate(run) if args.check else 0


def _source(args: argparse.Namespace, settings: Settings) -> tuple[AnswerSource, dict[str, str]]:
    if args.answers:
        return AnswersFileSource(args.answers), {}
    if args.endpoint:
        auth = (settings.ui_username, settings.ui_password) if settings.ui_username else None
        return EndpointSource(args.endpoint, auth=auth), {}
    from assistant import Assistant

    return InProcessSource(Assistant.from_settings(settings, progress=True)), {"settings": describe_settings(settings)}


def _progress(total: int) -> Callable[[Outcome], None] | None:
    """A counter on the terminal; nothing when standard error is not one."""
    if not sys.stderr.isatty():
        return None
    done = 0

    def report(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        print(f"\r  answered {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    return report


def _gate(run: EvalRun) -> int:
    violations = check(run.metrics, load_bounds())
    for violation in violations:
        print(f"below threshold: {violation}", file=sys.stderr)
    return 1 if violations else 0


def _fit(args: argparse.Namespace) -> int:
    from assistant import Assistant
    from assistant.answering.scoring import untrained_model

    from evals.fit import MODEL_PATH, MULTIDOC_TUNING_SETS, fit

    from evals.fit import assemble_many_documents

    settings = Settings.from_env()
    more = []
    corpus = args.corpus or assemble_many_documents(settings.corpus_dir, settings.cache_dir / "many-documents" / "corpus")
    if corpus is not None:
        args.corpus = corpus
        index = args.index or args.corpus.with_name(args.corpus.name + "-index")
        other = settings.with_overrides(corpus_dir=args.corpus, index_dir=index)
        more.append((Assistant.from_settings(other, progress=True, answer_model=untrained_model()), MULTIDOC_TUNING_SETS))
    fit(Assistant.from_settings(settings, progress=True, answer_model=untrained_model()), output=args.output or MODEL_PATH, more=more)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from evals.compare import compare_json, compare_markdown, compare_table, run_variant, select

    variants = select(args.variants)
    base = Settings.from_env()
    expectations = load_expectations(args.dataset, base.corpus_dir, args.limit)
    originals = read_originals(base.corpus_dir)
    results = []
    with _work_dir(args.work_dir, "evals-compare-") as work:
        for variant in variants:
            print(f"{variant.name}: {variant.label}", file=sys.stderr)
            progress = _progress(len(expectations))
            results.append(run_variant(variant, base, expectations, originals, work, str(args.dataset), progress))
    meta = {"created": timestamp(), "dataset": str(args.dataset), "base settings": describe_settings(base)}
    return _publish(compare_markdown(results, meta), compare_json(results, meta), compare_table(results), args, "compare", meta)


def _bench(args: argparse.Namespace) -> int:
    from evals.bench import bench_json, bench_markdown, bench_table, run_benchmarks

    from evals.bench import machine_load

    settings = Settings.from_env()
    expectations = load_expectations(args.dataset, settings.corpus_dir, args.limit)
    questions = [(e.id, e.question) for e in expectations]
    load_before = machine_load()
    with _work_dir(None, "evals-bench-") as work:
        measurements = run_benchmarks(settings, questions, work, cold_runs=args.cold_runs, corpus=args.corpus)
    meta = {"created": timestamp(), "dataset": str(args.dataset), "questions": len(questions)}
    if args.corpus is not None:
        meta["second corpus"] = str(args.corpus)
    meta["load average (1, 5, 15 min) before / after"] = f"{load_before} / {machine_load()}"
    meta["settings"] = describe_settings(settings)
    return _publish(
        bench_markdown(measurements, meta), bench_json(measurements, meta), bench_table(measurements), args, "bench", meta
    )


def _publish(markdown: str, data: dict, table: str, args: argparse.Namespace, kind: str, meta: dict) -> int:
    """Write the report pair, print the table and where the report is."""
    md_path, json_path = write_report(markdown, data, args.reports_dir, f"{kind}-{meta['created']}")
    print(table)
    print(f"\nreport: {md_path}\n        {json_path}")
    return 0


@contextmanager
def _work_dir(path: Path | None, prefix: str) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as temp:
        yield Path(temp)


if __name__ == "__main__":
    sys.exit(main())
