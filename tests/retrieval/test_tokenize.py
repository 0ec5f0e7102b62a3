"""tokenize: Chinese character bigrams (numbers and Latin words whole) and jieba words."""

from __future__ import annotations

import pytest

from assistant.retrieval.tokenize import bigram_tokens, jieba_tokens, normalize, tokenizer_for


def test_bigrams_of_a_chinese_run_with_a_figure():
    assert bigram_tokens("粮食总产达615.6亿斤") == ["粮食", "食总", "总产", "产达", "615.6", "亿斤"]


def test_punctuation_separates_runs():
    assert bigram_tokens("提振消费，扩大投资。") == ["提振", "振消", "消费", "扩大", "大投", "投资"]


def test_a_lone_chinese_character_is_a_token():
    assert bigram_tokens("增长、率") == ["增长", "率"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("GDP增长5.5%", ["gdp", "增长", "5.5%"]),
        ("ＧＤＰ增长５.５％", ["gdp", "增长", "5.5%"]),
        ("1-7月", ["1", "7", "月"]),
        ("5G基站", ["5", "g", "基站"]),
        ("", []),
        ("？！，。", []),
    ],
)
def test_numbers_and_latin_words_stay_whole(text, tokens):
    assert bigram_tokens(text) == tokens


def test_normalize_folds_width_and_case():
    assert normalize("ＧＤＰ　ＣＰＩ") == "gdp cpi"


def test_jieba_words_for_search():
    tokens = jieba_tokens("全省粮食总产达615.6亿斤")
    assert "粮食" in tokens and "615.6" in tokens
    assert all(token.strip() and token not in "，。" for token in tokens)
    assert jieba_tokens("，。！") == []


def test_tokenizer_for():
    assert tokenizer_for("bigram") is bigram_tokens
    assert tokenizer_for("jieba") is jieba_tokens
    with pytest.raises(ValueError, match="unknown lexical tokenizer"):
        tokenizer_for("whitespace")
