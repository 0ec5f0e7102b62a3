"""Understanding a question: normalisation (numerals, relative time, abbreviations),
intent and scope."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

import cn2an

from .glossary import load_glossary
from .scope import Scope, compare_anchors, detect_scope

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_PERCENT_WORDS = re.compile(rf"百分之([{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?)")
_NUMBER_WITH_UNIT = re.compile(
    rf"((?<![{_CN_DIGITS}])[{_CN_DIGITS}]+点[{_CN_DIGITS}]+|(?<![{_CN_DIGITS}])[{_CN_DIGITS}]{{2,}}|(?<![{_CN_DIGITS}第])[一二两三四五六七八九](?=万|亿))(?=万|亿|个百分点|公里|万人|亿元|亿斤|家|台|辆)"
)
_RANGE_WORDS = re.compile(rf"(?:前|头)([{_CN_DIGITS}\d]+)个月")
_RANGE_VARIANTS = re.compile(rf"([{_CN_DIGITS}\d]{{1,2}})\s*(?:月)?\s*(?:至|到|—|–|~|～|－)\s*([{_CN_DIGITS}\d]{{1,2}})\s*月")

_COMPARING = re.compile(r"比|对比|相比|比较|差距|相差|高于|低于|快于|慢于|跟.{0,8}(?:一样|相同|差不多)")
INTENTS = ("compare", "list", "date", "entity", "figure", "policy")
_INTENT_PATTERNS = {
    "compare": re.compile(r"对比|相比|比较|分别|差距|相差|完成了多少|完成得|完成情况|进度|还差|高于还是低于|和.{1,12}比|与.{1,12}比|目标.{0,12}实际|实际.{0,12}目标"),
    "list": re.compile(
        r"哪些|哪几|有什么|有啥|包括|列举|几项|都有|措施|举措|任务是|内容|哪[二三四五六七八九十两\d]+|(?<![一二三四五六七八九十两\d])[一二三四五六七八九十两\d]+个[“\"]|[“\"][二三四五六七八九十两]个[一二三四五六七八九十][”\"]"
    ),
    "date": re.compile(r"哪天|哪一天|同一天|什么时候|何时|日期|几月几[日号]|什么时间|哪个月"),
    "entity": re.compile(r"谁|哪个部门|哪位|哪家|什么部门|哪个单位|哪些单位|主持|出席|名称|叫什么|哪个城市|哪个地方|哪里|在哪(?![些几])|什么会|哪次会|哪次人代会"),
    "figure": re.compile(r"目标(?:是|为|？|\?|$)|指标|多少|几[个家项万亿条次%]|几成|比例|占比|增速|增幅|增长|下降|规模|总额|总量|数量|金额|百分|排名|第几|多大|多高|多长|多快|率"),
}


#: Units whose absence from a passage means the passage does not hold the amount asked for. Counters
#: (个, 家, 项…) are left out: documents count the same things with different ones.
_MEASURE_UNITS = ("平方米", "亩", "斤", "元", "钱", "人", "公里", "千瓦时", "千瓦", "吨", "辆", "台", "起", "户", "微克")
_ASKS_AMOUNT = re.compile(r"(?:多少|几)(?:万|亿)?(" + "|".join(_MEASURE_UNITS) + ")(?!员|口|民|才)")
_ASKS_BILLIONS = re.compile(r"(?:多少|几)(?:万亿|亿)(?=了|吗|呢|啦|[？?，,]|$)")
_ASKS_NUMBER = re.compile(r"多少|几[个家项万亿条次人所张套场批对列%]|第几|几成|多大|多高|多长")
_ASKS_PERCENT = re.compile(r"增速|增幅|增长(?:了)?(?:多少|几)|下降(?:了)?(?:多少|几)|百分之|百分比|比重|占比|率是|率为|率多少|率有多")
_ASKS_SHARE = re.compile(r"比重|占比|占.{0,12}(?:多少|几成|比例)")


@dataclass(frozen=True)
class Expectation:
    """What kind of answer the question asks for, so that a passage without it is not taken for one."""

    number: bool = False
    unit: str | None = None
    percent: bool = False
    share: bool = False


def expectation(text: str, intent: str) -> Expectation:
    if intent not in ("figure", "compare"):
        return Expectation()
    amount = _ASKS_AMOUNT.search(text)
    unit = ("元" if amount.group(1) == "钱" else amount.group(1)) if amount else None
    if unit is None and _ASKS_BILLIONS.search(text):
        unit = "元"  # "总量到多少万亿了": an amount of money, however it is written ("5.3万亿元", "60013亿元")
    return Expectation(
        number=bool(_ASKS_NUMBER.search(text)),
        unit=unit,
        percent=bool(_ASKS_PERCENT.search(text)) and not amount,
        share=bool(_ASKS_SHARE.search(text)),
    )


_PHRASE_NOISE = re.compile(
    r"20\d{2}年|\d{1,2}-\d{1,2}月|\d+(?:\.\d+)?%?|是多少|多少|什么|哪些|哪几|有哪|怎么样|怎么|如何|请问|吗|呢|[？?，,。、：:！!“”\"]"
)


_DOCUMENT_ITSELF = re.compile(
    r"(?:这期|本期|这份|该|这个)?(?:月报|工作报告|政府工作报告|报告|文件)(?:是)?(?:由|是)?(?:哪|谁|什么时候|何时|几号|哪天|哪个)"
    r"|(?:谁|哪个单位|哪个部门)(?:作|做|发|编|印发|发布)的?(?:这期|这份)?(?:月报|报告)"
    r"|印发|联系人|联系电话|邮箱|报送|抄送|发给哪|栏目|落款|在什么会|哪次会|什么会议上作|作的报告|谁作的|谁编"
)


#: Fields only a document's own header or closing block holds.
#: How a question names the report it asks about ("国务院政府工作报告里提出的…", "这份工作报告中…").
_NAMES_DOCUMENT = re.compile(r"(?:国务院|全国)?(?:的)?(?:这份|该|本)?(?:政府)?工作报告(?:里|中|上)?(?:提出|提到|说|讲|明确)?的?")
_DOCUMENT_FIELD = re.compile(r"联系人|联系电话|邮箱|报送|抄送|印发给|发给哪|栏目")


@dataclass(frozen=True)
class ParsedQuestion:
    original: str
    normalized: str  # numerals as digits, relative time resolved
    search_text: str  # normalized plus the written forms of abbreviations
    canonical: str  # normalized with each abbreviation replaced by its written form
    variants: tuple[str, ...]  # canonical, and the same with each other written form of an abbreviation
    phrase: str  # the question's own words, without times, numbers and question words, for exact runs
    intent: str
    scope: Scope
    expects: Expectation
    about_document: bool = False  # who issued a document, or when ("这期月报是哪天印发的")


def parse_question(text: str, reference_year: int) -> ParsedQuestion:
    normalized = normalize_question(text, reference_year)
    intent = detect_intent(normalized)
    about_document = bool(_DOCUMENT_FIELD.search(normalized)) or (
        intent in ("date", "entity", "list", "compare") and bool(_DOCUMENT_ITSELF.search(normalized))
    )
    # "国务院政府工作报告提出的就业目标": the words that name the document are not what is asked about.
    topical = normalized if about_document else _NAMES_DOCUMENT.sub(" ", normalized)
    return ParsedQuestion(
        original=text,
        normalized=normalized,
        search_text=expand_abbreviations(normalized),
        canonical=canonical_terms(normalized),
        variants=term_variants(topical),
        phrase=_PHRASE_NOISE.sub("|", canonical_terms(normalized)),
        about_document=about_document,
        intent=intent,
        scope=_with_cities(detect_scope(normalized), normalized),
        expects=expectation(normalized, intent),
    )


def _with_cities(scope: Scope, text: str) -> Scope:
    """"成都去年GDP": the question is about a place (成都) of a province (四川) it does not name."""
    mentions = load_glossary().city_mentions(text)
    if not mentions:
        return scope
    return replace(
        scope,
        places=scope.places | {city for _, _, city in mentions},
        provinces=scope.provinces | {province for _, province, _ in mentions},
    )


def normalize_question(text: str, reference_year: int) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"\s+", "", text)
    text = _PERCENT_WORDS.sub(lambda m: _to_number(m.group(1)) + "%", text)
    text = _NUMBER_WITH_UNIT.sub(lambda m: _to_number(m.group(1)), text)
    text = re.sub(r"(?:前|这|近|最近)几个月", "近期", text)
    text = _RANGE_WORDS.sub(lambda m: f"1-{_to_number(m.group(1))}月", text)
    text = _RANGE_VARIANTS.sub(lambda m: f"{_to_number(m.group(1))}-{_to_number(m.group(2))}月", text)
    relative = {
        "今年": reference_year, "本年度": reference_year, "本年": reference_year, "当年": reference_year,
        "去年": reference_year - 1, "上一年": reference_year - 1, "上年": reference_year - 1,
        "前年": reference_year - 2, "明年": reference_year + 1, "下一年": reference_year + 1,
    }
    for word, year in relative.items():
        # "比去年同期" is the yardstick of a growth rate, not the period asked about: leave it as written.
        text = re.sub(rf"{word}(?!度|同期)", f"{year}年", text) if word != "本年度" else text.replace(word, f"{year}年")
    text = re.sub(r"(20\d{2})年年", r"\1年", text)
    text = re.sub(r"(?<!\d)(\d{2})年", lambda m: f"20{m.group(1)}年" if 15 <= int(m.group(1)) <= 35 else m.group(0), text)
    return text


def expand_abbreviations(text: str) -> str:
    lowered = text.lower()
    additions = [form for term, forms in load_glossary().expand.items() if term in lowered for form in forms]
    return text if not additions else text + " " + " ".join(dict.fromkeys(additions))


def canonical_terms(text: str) -> str:
    for term, forms in sorted(load_glossary().expand.items(), key=lambda item: -len(item[0])):
        if term in text.lower() and forms[0] not in text:
            text = re.sub(re.escape(term), forms[0], text, flags=re.IGNORECASE)
    return text


def term_variants(text: str) -> tuple[str, ...]:
    """The question with each abbreviation written out in each of its forms (a few texts at most)."""
    variants = [text]
    for term, forms in sorted(load_glossary().expand.items(), key=lambda item: -len(item[0])):
        if term not in text.lower():
            continue
        expanded = []
        for variant in variants:
            expanded.append(variant)
            for form in forms:
                if form != term:
                    expanded.append(re.sub(re.escape(term), form, variant, flags=re.IGNORECASE))
        variants = expanded[:8]
    return tuple(dict.fromkeys(variants))


_NAMES_EACH = re.compile(r"分别(?:是|有|叫|指)?(?:哪些|哪几|哪[一二三四五六七八九十两\d]+|什么)")
_FIGURE_WORDS = re.compile(r"多少|增长|增速|增幅|下降|比重|占比|百分")


def detect_intent(text: str) -> str:
    if _two_anchors(text):
        return "compare"
    for intent in ("compare", "date", "entity", "list", "figure"):
        if _INTENT_PATTERNS[intent].search(text):
            if intent == "compare" and not _two_anchors(text) and not re.search(r"对比|相比|比较|分别|差距|相差|还差|完成", text):
                continue
            if intent == "compare" and not _two_anchors(text) and _NAMES_EACH.search(text) and not _FIGURE_WORDS.search(text):
                continue  # "几个“之都”分别是哪些": names asked for, each, not figures compared
            return intent
    return "policy"


def _two_anchors(text: str) -> bool:
    anchors = compare_anchors(detect_scope(text))
    if any(anchor.home for _, anchor in anchors):
        # "常德…连续22年全省第一" names the province without comparing with it.
        return len(anchors) >= 2 and bool(_COMPARING.search(text))
    return len(anchors) >= 2


def _to_number(words: str) -> str:
    if words.isdigit():
        return words
    try:
        value = cn2an.cn2an(words, "smart")
    except (ValueError, KeyError):
        return words
    return f"{value:g}" if isinstance(value, float) else str(value)
