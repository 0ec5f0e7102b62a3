"""The words of a question, and how much of them a passage says: the topic a question is about."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .chunking import Chunk
from .glossary import load_glossary

LENGTH_WEIGHT = 0.25
MAX_TOPIC_TERMS = 24
_ORDINALS = "一二三四五六七八九十"
_CIRCLED = re.compile(r"[\u2460-\u2473]")
_ORDINAL = re.compile(r"第([一二三四五六七八九十])(?:项|条|件|个|点)")
_FUNCTION_CHARS = set("的是在了吗呢吧啊和与及或等把被对向从为也都就还又有要该这那哪谁几个去今年月日上下中里怎么多少")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_QUOTED = re.compile(r"[“\"]([^”\"]{2,12})[”\"]")
# (?=[0-9.]*+[A-Za-z]) is "a letter ahead in the run", read without backtracking (quadratic otherwise).
_LATIN_TERM = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9])(?=[0-9.]*+[A-Za-z])[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9](?![A-Za-z0-9])")
_TIME_WORDS = re.compile(
    r"20\d{2}年|\d{1,2}-\d{1,2}月|上半年|下半年|[一二三四1-4]季度"
    r"|(?<![A-Za-z.\d])\d+(?:\.\d+)?(?:%|万亿|亿|万|千)?(?:元|人次|人|斤|亩|公里|家|个|项|辆|台)?"
)
_STOP_PHRASES_LONG = ("是多少", "有哪些", "是什么", "了多少", "怎么样", "多少", "什么", "哪些")
_STOP_PHRASES = (
    "是多少", "多少", "是什么", "什么", "有哪些", "哪些", "请问", "情况", "怎么样", "怎么", "如何", "怎样",
    "是否", "有没有", "分别", "实际", "目标", "完成", "了多少", "一下", "介绍", "主要", "全省",
    "我省", "具体", "报告", "提到", "文件", "里面", "文档", "计划", "预期", "要求", "相比", "对比",
    "比较", "达到", "多大", "多高", "哪个", "哪里", "哪天", "时候", "今年", "去年", "举措", "措施", "做了",
    "工作", "方面", "呢", "吗", "的", "了", "年", "月", "是", "有", "和", "与", "及",
)
_HOW_MANY_ITEMS = re.compile(r"哪[一二三四五六七八九十几两\d]*[个项条种类家大点部位方面]+")
_QUESTION_WORDS = {
    "多少", "什么", "哪些", "请问", "一下", "哪个", "哪家", "哪位", "多久", "怎么", "如何", "怎样", "是否", "有没有",
    "哪天", "哪一天", "何时", "时候", "能否", "可以", "告诉", "知道", "是不是", "还是", "哪里", "为什么", "几个", "几项",
    "几件", "几次", "几条", "几所", "几座", "称作", "称为", "叫作", "叫做", "名叫",
}
# Words for the region itself (the glossary's `home`) narrow nothing either, nor do region names: a
# question naming a region is answered from that region's documents, which call it 全省.
_REGION_WORDS = {
    form for name in load_glossary().provinces for form in (name, name + "省", name + "市")
} | set(load_glossary().home) | set(load_glossary().region_aliases)
_REGION_NAME = re.compile(
    "|".join(
        re.escape(name) + "(?:省|市)?"
        for name in sorted((*load_glossary().provinces, *load_glossary().region_aliases), key=len, reverse=True)
    )
)
_STOP_WORDS = set(_STOP_PHRASES) | _REGION_WORDS | {
    "亿元", "万元", "元", "亿斤", "万人", "公里", "万亩", "百分点", "个百分点", "万家", "万辆", "万台", "具体",
    "请问", "一下", "情况", "哪个", "哪家", "哪位", "谁", "多久", "时间", "日期", "数据", "指标", "数字", "关于",
    "这个", "那个", "这些", "那些", "还有", "能否", "可以", "告诉", "知道", "想", "一共", "总共", "分别", "大概",
    "左右", "同比", "增速", "增长", "提高", "下降", "达到", "实现", "多长", "几个", "几项", "几家", "哪天", "哪一天",
    "时候", "何时", "哪些方面", "怎么", "如何", "数量", "总数", "水平", "多高", "怎样", "近期", "形势", "进展", "状况", "打算", "准备", "安排", "方面", "工作", "做法", "省里", "政府", "我们", "咱们", "本省", "省内", "全年", "年度",
    "现在", "目前", "当前", "如今", "至今", "眼下", "已经", "一个月", "每个月", "大概", "大约", "差不多", "主要",
    "具体内容", "分别是", "是哪", "哪几", "一共", "总共", "多久", "几点", "报告里", "报告中", "里面", "提出",
    # Words that ask for a comparison: the difference is computed, never looked up.
    "相差", "差距", "差额", "多出", "高出", "超出", "两者", "二者", "谁快", "谁高", "哪个高", "哪个快",
}


def is_generic(term: str) -> bool:
    """Whether a word says nothing of what is asked about ("增长", "全省", "情况")."""
    return term in _STOP_WORDS


class TermWeights:
    """How informative a question's words are, from how many passages contain them."""

    def __init__(self, chunks: tuple[Chunk, ...]) -> None:
        self._texts = [chunk.indexed_text(True).lower() for chunk in chunks]
        self._count = max(len(chunks), 1)
        self._weights: dict[str, float] = {}
        self._written_terms: dict[str, bool] = {}

    def weight(self, term: str) -> float:
        if term not in self._weights:
            frequency = sum(1 for text in self._texts if term in text)
            if frequency == 0 and len(term) >= 3:
                # A compound the passages never write whole: as informative as its rarest bigram.
                frequency = min(sum(1 for text in self._texts if gram in text) for gram in _bigrams(term))
            # Rarer and longer words say more: "播种面积" narrows a question more than "粮食".
            weight = math.log(1 + self._count / (frequency + 0.5)) * (1 + LENGTH_WEIGHT * max(0, min(len(term), 6) - 2))
            if frequency == 0 and len(term) == 2:
                weight /= 2  # a two-character word the passages never use is as often a turn of phrase as a topic
            self._weights[term] = weight
        return self._weights[term]

    def content_terms(self, text: str, fallback: bool = True) -> list[str]:
        """The question's topic words: jieba words minus question words, years, periods and numbers.

        With `fallback`, a question made only of generic words ("报告是谁作的") is about those words.
        """
        text = _TIME_WORDS.sub(" ", text)
        text = _HOW_MANY_ITEMS.sub(" ", text)
        # A region's name says where, not what ("X省政府" is 政府), and jieba may glue it to a word.
        text = _REGION_NAME.sub(" ", text)
        for phrase in _STOP_PHRASES_LONG:
            text = text.replace(phrase, " ")
        # "第七项" of a numbered list is written "⑦" in the documents.
        ordinals = [chr(0x2460 + _ORDINALS.index(m) ) for m in _ORDINAL.findall(text)]
        text = _ORDINAL.sub(" ", text)
        # A quoted name ("“四上”企业", "“两个确保”") is one term however jieba would cut it.
        quoted = [q for q in _QUOTED.findall(text) if 2 <= len(q) <= 12]
        text = _QUOTED.sub(" ", text)
        codes = ordinals + quoted + [code.lower() for code in _LATIN_TERM.findall(text)]
        text = _LATIN_TERM.sub(" ", text)
        words = codes + [w for w in _words(text, self._written) if len(w) >= 2 and _CJK.search(w) and w not in _QUESTION_WORDS]
        terms = [w for w in words if w not in _STOP_WORDS]
        return list(dict.fromkeys(terms or (words if fallback else [])))

    def has_topic(self, variants: tuple[str, ...]) -> bool:
        """Whether the question names something of its own, rather than leaning on an earlier one
        ("第五项是什么？" names only a position in something said before)."""
        return any(
            any(not _CIRCLED.fullmatch(term) for term in self.content_terms(v, fallback=False)) for v in variants
        )

    def topic(self, variants: tuple[str, ...]) -> "Topic":
        """The question's words in each written form; a form whose words another form contains and
        extends (the abbreviation's lone "增加值" beside "规模 工业 增加值") is dropped."""
        alternatives = list(dict.fromkeys(tuple(self._heaviest(self.content_terms(v))) for v in variants))
        # A compound the passages never write whole ("粮食总产" where they write "粮食…总产466亿斤") is also
        # read as the written words it is made of.
        alternatives += [split for split in map(self._written_parts, alternatives) if split not in alternatives]
        kept = [a for a in alternatives if not any(set(a) < set(b) for b in alternatives)]
        # An abbreviation the documents never write ("规工") is read in its written forms only.
        unwritten = {a: sum(1 for t in a if self.weight(t) and not self._written(t)) for a in kept}
        fewest = min(unwritten.values(), default=0)
        return Topic(tuple(a for a in kept if unwritten[a] == fewest))

    def _written_parts(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        parts: list[str] = []
        for term in terms:
            cover = _cover(term) if len(term) >= 4 and not self._written(term) else None
            parts.extend(cover if cover and all(self._written(p) for p in cover) else [term])
        return tuple(dict.fromkeys(parts))

    def _heaviest(self, terms: list[str]) -> list[str]:
        """At most MAX_TOPIC_TERMS words, the most telling ones, in question order: a pasted paragraph
        costs no more to answer than a question."""
        if len(terms) <= MAX_TOPIC_TERMS:
            return terms
        kept = set(sorted(terms, key=lambda t: -self.weight(t))[:MAX_TOPIC_TERMS])
        return [t for t in terms if t in kept]

    def _written(self, term: str) -> bool:
        written = self._written_terms.get(term)
        if written is None:
            written = self._written_terms[term] = any(term in text for text in self._texts)
        return written

    def missing_code(self, topic: "Topic", text: str) -> bool:
        """Whether the text lacks a Latin-letter term of the question (PM2.5, 5G) in every form of it:
        such a term names one precise thing, and a passage without it is about something else."""
        return self.coverage_scorer(topic).missing_code(text.lower())

    def unwritten_share(self, topic: "Topic") -> float:
        """The weighted share of the topic's words that no passage writes (the best written form)."""
        shares = []
        for terms in topic.alternatives:
            total = sum(self.weight(t) for t in terms)
            if total > 0:
                shares.append(sum(self.weight(t) for t in terms if not self._written(t)) / total)
        return min(shares, default=1.0)

    def coverage(self, topic: "Topic", text: str) -> float:
        """Weighted share of the topic's words the text contains (the best of the topic's variants)."""
        return self.coverage_of_lowered(topic, text.lower())

    def coverage_of_lowered(self, topic: "Topic", lowered: str) -> float:
        return self.coverage_scorer(topic).coverage(lowered)

    def coverage_scorer(self, topic: "Topic") -> "CoverageScorer":
        """The topic's words with their weights looked up once, for scoring many texts against it."""
        alternatives = []
        for terms in topic.alternatives:
            weighted = tuple((t, self.weight(t), _bigrams(t) if len(t) >= 3 else ()) for t in terms)
            total = sum(weight for _, weight, _ in weighted)
            if total > 0:
                alternatives.append((weighted, total))
        codes = tuple(
            tuple(t for t in terms if _LATIN_TERM.fullmatch(t) or _CIRCLED.fullmatch(t)) for terms in topic.alternatives
        )
        return CoverageScorer(tuple(alternatives), codes)


@dataclass(frozen=True)
class CoverageScorer:
    """`TermWeights.coverage` and `missing_code` for one topic, its weights looked up once."""

    alternatives: tuple[tuple[tuple[tuple[str, float, tuple[str, ...]], ...], float], ...]
    codes: tuple[tuple[str, ...], ...]  # per alternative, its Latin-letter and circled-number terms

    def coverage(self, lowered: str) -> float:
        best = 0.0
        for weighted, total in self.alternatives:
            found = sum(weight * _credit_with(term, grams, lowered) for term, weight, grams in weighted)
            best = max(best, found / total)
        return best

    def missing_code(self, lowered: str) -> bool:
        return all(any(t not in lowered for t in codes) for codes in self.codes)


@dataclass(frozen=True)
class Topic:
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not any(self.alternatives)


def _credit_with(term: str, grams: tuple[str, ...], text: str) -> float:
    """1 for a term the text contains; for a longer one, partial credit for its bigrams (`grams`)."""
    if term in text:
        return 1.0
    if grams:
        return 0.8 * sum(1 for gram in grams if gram in text) / len(grams)
    return 0.0


def _bigrams(term: str) -> tuple[str, ...]:
    return tuple(term[i : i + 2] for i in range(len(term) - 1)) or (term,)


def _words(text: str, is_written: Callable[[str], bool]) -> list[str]:
    """jieba's words, with a run of single characters it could not place joined back into one word
    when the documents write it so ("文旅"), and left as characters when they do not ("会说")."""
    words: list[str] = []
    run = ""

    def flush() -> None:
        nonlocal run
        words.extend([run] if len(run) > 1 and is_written(run) else list(run))
        run = ""

    for word in _jieba().lcut(text, HMM=False):
        if len(word) == 1 and _CJK.fullmatch(word) and word not in _FUNCTION_CHARS:
            run += word
            continue
        flush()
        words.append(word)
    flush()
    return words


@lru_cache(maxsize=4096)
def _cover(term: str) -> tuple[str, ...] | None:
    """The shorter words jieba finds in a compound, longest first, that together spell it exactly once
    ("规模工业增加值" -> 规模, 工业, 增加值); None when they do not."""
    pieces = {w for w in _jieba().cut_for_search(term, HMM=False) if 2 <= len(w) < len(term)}
    taken = [False] * len(term)
    chosen: list[tuple[int, str]] = []
    for piece in sorted(pieces, key=lambda w: (-len(w), term.find(w))):
        at = term.find(piece)
        if at >= 0 and not any(taken[at : at + len(piece)]):
            taken[at : at + len(piece)] = [True] * len(piece)
            chosen.append((at, piece))
    return tuple(p for _, p in sorted(chosen)) if all(taken) else None


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    glossary = load_glossary()
    # Glossary terms and their written forms are single words: "全年增长" must not fall apart.
    for term, forms in glossary.expand.items():
        for word in (term, *forms):
            jieba.add_word(word, freq=200000)
    return jieba
