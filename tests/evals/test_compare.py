"""The ablation variants and the comparison table (running them is `python -m evals compare`)."""

import pytest

from eval_support import GROWTH, WORK_REPORT
from evals.compare import VARIANTS, VariantResult, compare_table, describe, select, variant_settings
from evals.harness import Outcome, summarize
from evals.scoring import score_answer


def test_every_variant_is_valid_settings_with_its_own_index(settings, tmp_path):
    built = [variant_settings(v, settings, tmp_path) for v in VARIANTS]
    assert len({s.index_dir for s in built}) == len(VARIANTS)
    assert all(s.index_dir.parent == tmp_path and s.cache_dir == settings.cache_dir for s in built)
    modes = {(s.retrieval_mode, s.lexical_tokenizer if s.retrieval_mode != "dense" else "") for s in built}
    assert {("lexical", "bigram"), ("dense", ""), ("hybrid", "bigram"), ("hybrid", "jieba")} <= modes
    assert {100, 160, 300} <= {s.chunk_size for s in built if s.chunking == "structured"}


def test_the_plain_baseline_is_the_langchain_default_recipe(settings, tmp_path):
    plain = variant_settings(select("plain")[0], settings, tmp_path)
    assert (plain.chunking, plain.chunk_size, plain.chunk_overlap) == ("plain", 500, 50)
    assert (plain.retrieval_mode, plain.index_section_paths) == ("dense", False)
    assert describe(plain) == "dense, plain 500+50, no section paths"


def test_select_by_name():
    assert [v.name for v in select("dense, lexical")] == ["dense", "lexical"]
    assert select(None) == VARIANTS
    with pytest.raises(ValueError, match="unknown variants"):
        select("dense,bm25")


def test_table_has_one_row_per_variant(settings, tmp_path, expect, answer, cite, span_of, originals):
    growth = span_of(WORK_REPORT, GROWTH)
    e, a = expect(gold=(growth,)), answer("4.8%", citations=(cite(growth),), retrieved=(growth,))
    run = summarize("in-process", "inline", [Outcome(e, a, score_answer(e, a, originals))])
    results = [VariantResult(v, variant_settings(v, settings, tmp_path), 1.25, run) for v in select("hybrid,plain")]
    lines = compare_table(results).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("| variant | configuration | answer acc.")
    assert lines[2].startswith("| hybrid, bigram tokens (default) | hybrid/bigram, structured 160+0 | 1.000 |")
    assert lines[3].endswith("| 1.2 |")
