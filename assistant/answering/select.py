"""Select: which scored units a sub-question's answer is made of.

A figure, a date or a name: the best unit, widened to its part of the sentence when the question asks
for several figures that travel together. A list or a policy: the best sentence and the other
sentences of the same part of the document that score close to it, in document order (for a measure,
the sentences of its paragraph that name as much of what is asked); a list named
by a count ("哪七个", "三个一") takes the enumeration of that many items or the parallel phrases of its
section, the sub-sections a sentence announces, the clauses naming its items one by one, or the note that defines
it. A sentence that only names a point ("大力提振消费。") is followed by the sentence that says it. For a figure,
the unit that gives the kind asked (a rank, a growth, a count in its counter, an amount, a running total) among the
near ties of the best.
"""

from __future__ import annotations

import re
from typing import Callable

from ..evidence import Unit, meets_expectation
from ..structure import FOOTER, PREAMBLE
from ..terms import TermWeights, Topic, is_generic
from .gather import PartEvidence, parent_of

MAX_ITEMS = 8
MAX_LIST_CHARS = 600
MAX_SUBSECTION_CHARS = 700
SHORT_SENTENCE = 16
POINT_SENTENCE = 20
MAX_MEASURE_SENTENCE = 120
#: A unit probability, relative to the best, for another sentence of the best one's paragraph (chosen on the
#: dev sets: 0.9 cited more that no gold span holds, 0.97 answered fewer policy questions in full).
PARAGRAPH_COMPANION = 0.95
PARAGRAPH_CANDIDATES = 12
#: ... and names at least this share of what the best one names of the question (0.75 and 1.0 answered fewer
#: in full on the dev sets; none at all cited more sentences that no gold span holds).
PARAGRAPH_COVERAGE = 0.5
MIN_COVERAGE = 0.45
#: A word of the question left out of a list's units is completed from a candidate scoring at least this share
#: of the best, when the word weighs at least this share of the question's heaviest.
COMPLETION_COMPANION = 0.9
COMPLETION_WEIGHT = 0.5
_NUMERALS = "一二三四五六七八九十"
_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月底|20\d{2}\s*年\s*\d{1,2}\s*月")
#: A coined name of a count ("“三个一”", "“四个干”"): its items are phrases that open or end alike.
_COINED = re.compile(r"[“\"][二三四五六七八九十两]个[\u4e00-\u9fff]{1,4}[”\"]")
_COUNTED_ITEMS = re.compile(
    r"哪[二三四五六七八九十几两\d]+|(?<![一二三四五六七八九十两\d])[一二三四五六七八九十两\d]+个[“\"]|[“\"][二三四五六七八九十两\d]+[个大项条点件][^”\"]{1,6}[”\"]"
    r"|[二三四五六七八九十两]大[\u4e00-\u9fff]|几个|几项|几条|几方面"
)
_ASKS_RANK = re.compile(r"排第几|排名第几|第几位|第几名|排在第几|位次")
_RANK = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*[位名]|首位|第一|前列|前\d+[位名强]")
#: A unit probability, relative to the best, for a unit that gives the kind of figure asked (a rank, a growth).
RANK_COMPANION = 0.5
_ASKS_GROWTH = re.compile(r"(?:增长|上涨|涨|提高)了?(?:多少|几)|增速|增幅|涨幅")
_ASKS_SHARE_OF = re.compile(r"占|比重|比例|份额|覆盖率")
_GIVES_GROWTH = re.compile(r"(?:增长|增加|上涨|提高|增速|增幅|涨幅|下降|回落|降低)\s*[了为达到]*\s*-?\d")
_SEVERAL = re.compile(r"分别|各(?:是|为|有)?多少|和.{1,10}(?:多少|几)|(?:多少|几)[^？?]{0,12}[？?，,][^？?]{0,12}(?:多少|几|排)")


def select_units(
    evidence: PartEvidence,
    units_of: Callable,
    section_chunks: Callable,
    weights: TermWeights,
    companion: float,
    question_text: str,
) -> list[Unit]:
    best = evidence.best
    if best is None:
        return []
    parsed = evidence.part.parsed
    intent = parsed.intent
    unit = best.unit
    if intent in ("list", "policy", "qualitative"):
        return _list_units(evidence, units_of, section_chunks, weights, companion, question_text)
    if parsed.about_document and _in_header(unit) and intent in ("entity", "date"):
        return [_header_block(unit)]
    if intent == "figure":
        unit = _best_covering(evidence, weights)
    if intent == "date" and not _DAY.search(unit.text) and _DAY.search(unit.sentence):
        unit = sentence_of(unit)  # "7月30日，…主持召开…会议": the day opens the sentence
    if _ASKS_RANK.search(question_text) and not _RANK.search(unit.text):
        unit = _close_unit_giving(_RANK, evidence, unit)  # "排第几": a unit that gives a rank
    if _ASKS_GROWTH.search(question_text) and not _ASKS_SHARE_OF.search(question_text) and not _GIVES_GROWTH.search(unit.text):
        # "涨了多少": a rate of growth, not the share the best unit gives ("占规上工业增加值的比重达到34.6%").
        unit = _close_unit_giving(_GIVES_GROWTH, evidence, unit)
    counter = _ASKS_COUNTER.search(question_text)
    if counter:
        # "过境班列有多少列": a count in what is counted ("达到1.64万列"), not the growth beside it ("增长14%").
        counted = re.compile(r"\d[\d.]*\s*[万亿千百]?" + counter.group(1))
        if not counted.search(unit.text):
            unit = _close_unit_giving(counted, evidence, unit)
    elif _asks_amount(parsed) and not _ASKS_GROWTH.search(question_text) and not _gives_amount(unit.text):
        # "技术合同成交额去年多少": the amount ("全省技术合同成交额1900亿元"), not a rate ("吸纳京津…增长34.8%").
        unit = next((c.unit for c in evidence.candidates[:12] if c.probability >= RANK_COMPANION * best.probability and _gives_amount(c.unit.text)), unit)
    if _ASKS_CUMULATIVE.search(question_text) and not _cumulative(unit):
        # "今年以来…多少起": the running total ("截至8月25日，全省累计…664起"), not a window within it ("其中…").
        floor = RANK_COMPANION * best.probability
        unit = next((c.unit for c in evidence.candidates[:12] if c.probability >= floor and _cumulative(c.unit)), unit)
    if unit.level == "clause" and _SEVERAL.search(question_text):
        unit = part_of(unit, units_of)
    whole = unit if unit.level == "sentence" else sentence_of(unit)
    if intent in ("entity", "date") and len(whole.text) < SHORT_SENTENCE and not re.search(r"\d", whole.text):
        following = next_sentence(whole, units_of, section_chunks)
        if following is not None:
            return [whole, following]
    return [unit]


#: Counters specific enough that a count asked in them is written in them ("多少列" -> "1.64万列"); 个, 家 and
#: 项 are not: documents count the same things with several.
_ASKS_COUNTER = re.compile(r"(?:多少|几)([列座所条张台辆架艘件头])")
_RATE = re.compile(r"-?\d[\d.]*\s*(?:%|％|个百分点|百分点|倍|成)")
_DATE_NUMBER = re.compile(r"\d+\s*(?:年|月|日|号|季度)|\d+\s*-\s*\d+\s*月")


#: Words of a question whose "多少" asks for a rate ("城镇化率到了多少", "办理时间压缩了多少").
_NAMES_RATE = re.compile(r"率|比重|占比|增|降|涨|压缩|缩短|减少|提高|提升|翻")


def _asks_amount(parsed) -> bool:
    """Whether a question asks for an amount or a count ("多少"), not a rate, a share or a rank."""
    expects = parsed.expects
    if parsed.intent != "figure" or not expects.number or expects.percent or expects.share:
        return False
    return "多少" in parsed.normalized and not _NAMES_RATE.search(parsed.normalized)


def _gives_amount(text: str) -> bool:
    """Whether a text gives a number that is no rate and no date ("1900亿元", not "增长34.8%")."""
    return bool(re.search(r"\d", _DATE_NUMBER.sub("", _RATE.sub("", text))))


_ASKS_CUMULATIVE = re.compile(r"以来|累计|截至|截止|至今|为止|到目前|到现在|一共|总共|合计|共计|(?<![日号])到\d{1,2}月\d{1,2}日")
_GIVES_CUMULATIVE = re.compile(r"累计|截至|截止|以来")


def _cumulative(unit: Unit) -> bool:
    """Whether a unit's sentence gives a running total rather than a part of one ("其中…")."""
    return bool(_GIVES_CUMULATIVE.search(unit.sentence)) and not unit.sentence.lstrip().startswith("其中")


#: A report's notes define its coined names, one a line ("N.NAME：item, item…"): a name asked for is answered
#: with its definition.
_DEFINITION = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]\s*)?([^：:，。；]{2,30})[：:]")
_UNQUOTED_COUNTED_NAME = re.compile(
    r"[\d一二三四五六七八九十两]+[件个项大条][\u4e00-\u9fff]{2,8}?(?=都|是|有|包括|具体|分别|指|[？?，,]|$)"
)
DEFINITION_CANDIDATES = 20


def _definition(near: list[Unit], question_text: str) -> Unit | None:
    """The sentence among the candidates that defines a name the question asks about (quoted, or counted and
    unquoted: "N件X都有啥"): "NAME：its items…", whose name part holds the asked name."""
    names = [n for n in _QUOTED_NAME.findall(question_text) + _UNQUOTED_COUNTED_NAME.findall(question_text) if len(n) >= 2]
    if not names:
        return None
    for unit in near:
        sentence = unit if unit.level == "sentence" else sentence_of(unit)
        head = _DEFINITION.match(sentence.text)
        if head and any(name in head.group(1) for name in names) and len(sentence.text) - head.end() >= 8:
            return sentence
    return None


#: Candidates scoring at least this share of the best are near ties, told apart by how much of the question
#: they name ("国家级制造业单项冠军企业总数达72个" over "…单项冠军企业40家以上" for "国家级制造业单项冠军企业").
NEAR_TIE = 0.95


def _best_covering(evidence: PartEvidence, weights: TermWeights) -> Unit:
    best = evidence.best
    floor = NEAR_TIE * best.probability
    parsed = evidence.part.parsed
    # A near tie that lacks the kind of figure the best gives (a share asked: "占比均接近90%") is no better.
    kind = meets_expectation(parsed, best.unit.text)
    ties = [c for c in evidence.candidates[:12] if c.probability >= floor and (not kind or meets_expectation(parsed, c.unit.text))]
    topic = evidence.part.topic
    covering = max(ties, key=lambda c: weights.coverage(topic, c.unit.text))
    if weights.coverage(topic, covering.unit.text) > weights.coverage(topic, best.unit.text) + 1e-9:
        return covering.unit
    return best.unit


def _close_unit_giving(kind: re.Pattern, evidence: PartEvidence, unit: Unit) -> Unit:
    """The best candidate whose text gives `kind` of figure, if it scores within RANK_COMPANION of the best;
    otherwise `unit`."""
    floor = RANK_COMPANION * evidence.best.probability
    return next((c.unit for c in evidence.candidates[:12] if c.probability >= floor and kind.search(c.unit.text)), unit)


def _list_units(
    evidence: PartEvidence, units_of, section_chunks, weights: TermWeights, companion: float, question_text: str
) -> list[Unit]:
    defined = _definition([c.unit for c in evidence.candidates[:DEFINITION_CANDIDATES]], question_text)
    if defined is not None:
        return [defined]
    units = _list_units_of_best(evidence, units_of, section_chunks, weights, companion, question_text)
    if _COUNTED_ITEMS.search(question_text):
        return units  # the items of a counted list are what it counts, not what else the question names
    return _completed(units, evidence, units_of, weights)


def _completed(units: list[Unit], evidence: PartEvidence, units_of, weights: TermWeights) -> list[Unit]:
    """"对拖欠企业账款和涉企执法有什么部署": when what was chosen leaves out a telling word of the question
    (涉企执法) that a close candidate of the same document names, that candidate's part of its sentence too."""
    if not units:
        return units
    said = " ".join(u.context_text for u in units).lower()
    terms = max(evidence.part.topic.alternatives, key=lambda ts: weights.coverage_of_lowered(Topic((ts,)), said), default=())
    if not terms:
        return units
    heaviest = max(weights.weight(t) for t in terms)
    missing = [t for t in terms if t.lower() not in said and not is_generic(t) and weights.weight(t) >= COMPLETION_WEIGHT * heaviest]
    floor = COMPLETION_COMPANION * evidence.best.probability
    total = sum(len(u.text) for u in units)
    added: list[Unit] = []
    for candidate in evidence.candidates[1:PARAGRAPH_CANDIDATES]:
        if not missing or candidate.probability < floor:
            break
        unit = candidate.unit
        if unit.chunk.doc != units[0].chunk.doc:
            continue
        names = [t for t in missing if t.lower() in unit.text.lower()]
        if not names:
            continue
        if unit.level == "sentence":
            unit = next(
                (u for u in units_of(unit.chunk) if u.level == "part" and inside(u, unit) and names[0].lower() in u.text.lower()),
                unit,
            )
        elif unit.level == "clause":
            unit = part_of(unit, units_of)
        if any(overlaps(unit, u) for u in units + added) or total + len(unit.text) > MAX_LIST_CHARS:
            continue
        added.append(unit)
        total += len(unit.text)
        missing = [t for t in missing if t not in names]
    return sorted(units + added, key=position) if added else units


def _list_units_of_best(
    evidence: PartEvidence, units_of, section_chunks, weights: TermWeights, companion: float, question_text: str
) -> list[Unit]:
    candidates = evidence.candidates
    topic = evidence.part.topic
    best = candidates[0]
    counted = _COUNTED_ITEMS.search(question_text)
    if counted and evidence.part.parsed.intent == "list":
        wanted = count_of(counted.group(0))
        announced = _announced_sections(best.unit, wanted, units_of, section_chunks)
        if announced:
            return announced
        headed = _headed_items([c.unit for c in candidates[:12]], question_text, units_of, section_chunks)
        if headed:
            return headed
        enumerating = _enumerating_unit(candidates, weights, topic, wanted)
        parallel = _parallel_phrases([c.unit for c in candidates[:40]], units_of, section_chunks, weights, topic)
        ordered = [parallel, [enumerating] if enumerating else []]
        if not _COINED.search(counted.group(0)):
            ordered.reverse()
        for units in ordered:
            if units and (len(units) >= 2 or units[0] is enumerating):
                return units[: max(MAX_ITEMS, wanted or 0)]
        following = _following_parallel(best.unit, question_text, units_of, section_chunks)
        if following:
            return following
    first = best.unit
    if counted or _ASKS_ASPECTS.search(question_text):
        children = _child_headings(first, units_of, section_chunks, count_of(counted.group(0)) if counted else None)
        if children:
            return children
    announced = _announced_list(first, units_of, section_chunks)
    if announced:
        return announced
    if first.level != "sentence" and first.text.count("、") < 2:
        # A measure is seldom one clause: the sentence that holds it, unless the sentence runs long.
        whole = sentence_of(first)
        first = whole if len(whole.text) <= MAX_MEASURE_SENTENCE else part_of(first, units_of)
    subsection = _subsection_sentences(
        first, units_of, section_chunks, weights, topic, question_text,
        evidence.part.parsed.intent == "list" or bool(_ASKS_MEASURES.search(question_text)),
    )
    if subsection:
        return subsection
    if evidence.part.parsed.intent == "policy" or _ASKS_MEASURES.search(question_text):
        measures = _paragraph_measures(first, candidates, weights, topic)
        if measures:
            return measures
    if len(first.text) <= POINT_SENTENCE:
        # "建立“5+3”项目化抓落实机制。" names a point; the sentence after it says what it is (when it speaks
        # of what is asked: "稳妥有序实施渐进式延迟法定退休年龄改革。" is a measure whole, the next another).
        following = next_sentence(sentence_of(first), units_of, section_chunks)
        if following is not None and (len(first.text) < SHORT_SENTENCE or weights.coverage(topic, following.text) > 0):
            return [first, following]
    chosen = [first]
    total = len(first.text)
    for candidate in candidates[1:]:
        if len(chosen) >= MAX_ITEMS or total >= MAX_LIST_CHARS:
            break
        unit = candidate.unit
        if candidate.probability < companion * best.probability or unit.level == "clause":
            continue
        if unit.chunk.doc != first.chunk.doc or _parent(unit) != _parent(first):
            continue
        if any(overlaps(unit, u) for u in chosen) or is_heading_only(unit):
            continue
        chosen.append(unit)
        total += len(unit.text)
    return sorted(chosen, key=position)


_ASKS_ASPECTS = re.compile(r"方面|哪几|从哪|几个|几项|分几")


#: A sentence that announces the parts that follow it ("着重抓了以下工作。", "重点做好八方面工作：").
_ANNOUNCES = re.compile(r"以下|如下|[一二三四五六七八九十两\d]+(?:个)?方面|[：:]$")


def _announced_sections(first: Unit, wanted: int | None, units_of, section_chunks) -> list[Unit]:
    """"重点做好八方面工作：" or "…着重抓了以下工作。" opening a part of the document, followed by as many
    sub-sections as asked for ("（一）聚力抓投资促消费…", "一是聚力打好稳增长阵地战…"): each one's first sentence."""
    if wanted is None or wanted < 2:
        return []
    sentence = sentence_of(first)
    part = first.chunk.section
    if not _ANNOUNCES.search(sentence.text.rstrip("。")) or len(part) < 2 or part[1] in (PREAMBLE, FOOTER):
        return []
    leads: dict[str, Unit] = {}
    for chunk in section_chunks(first.chunk.doc, part):
        if len(chunk.section) <= len(part) or chunk.start < first.chunk.start or chunk.section[len(part)] in leads:
            continue
        lead = next((u for u in sorted(units_of(chunk), key=position) if u.level == "sentence"), None)
        if lead is not None:
            leads[chunk.section[len(part)]] = lead
    return sorted(leads.values(), key=position) if len(leads) == wanted else []


def _child_headings(first: Unit, units_of, section_chunks, wanted: int | None) -> list[Unit]:
    """"（一）大力提振消费。" over sub-sections led by "强化政策赋能促消费。", "有效激发潜能增消费。"…: a
    question about the aspects of a part whose heading is the best unit is answered with the
    lead sentence of each of its sub-sections. Only when the heading itself is the best unit: a sentence
    of the part's opening may answer on its own."""
    section = first.chunk.section
    heading = first.text.rstrip("。；，")
    at = next((i for i, label in enumerate(section) if label == heading), None)
    if at is None:
        return []
    part = section[: at + 1]
    if len(part) < 3 or part[1] in (PREAMBLE, FOOTER):
        return []
    leads: dict[str, Unit] = {}
    for chunk in section_chunks(first.chunk.doc, part):
        if len(chunk.section) <= len(part) or chunk.section[len(part)] in leads:
            continue
        sentence = next((u for u in units_of(chunk) if u.level == "sentence"), None)
        if sentence is not None:
            leads[chunk.section[len(part)]] = sentence
    if len(leads) < 2 or len(leads) > MAX_ITEMS or (wanted is not None and wanted != len(leads)):
        return []
    return sorted(leads.values(), key=position)


#: Questions asking how something is done: the measures of the sub-section that names it.
_ASKS_MEASURES = re.compile(r"举措|措施|怎么做|怎么办|如何|怎样|哪些工作|哪几方面|从哪|部署|安排|要求|怎么破|怎么抓|做法|路径")


def _subsection_sentences(
    first: Unit, units_of, section_chunks, weights: TermWeights, topic: Topic, question_text: str, by_lead: bool = True
) -> list[Unit]:
    """The sentences of the lead-phrase sub-section ("**大力提振消费。**…") a question names (or, when
    `by_lead`, whose lead phrase is the best unit), when it asks for its measures or the best unit only
    repeats the lead phrase."""
    section = first.chunk.section
    if len(section) < 3 or section[1] in (PREAMBLE, FOOTER):
        return []
    # The best unit being the sub-section's own lead phrase says which sub-section is asked about.
    named = weights.coverage(topic, section[-1]) >= 0.5 or (by_lead and is_heading_only(first))
    heading_like = len(first.text) < SHORT_SENTENCE or is_heading_only(first)
    if not named or not (heading_like or _ASKS_MEASURES.search(question_text)):
        return []
    sentences: list[Unit] = []
    total = 0
    for chunk in section_chunks(first.chunk.doc, section):
        if chunk.section != section:
            continue
        for unit in units_of(chunk):
            if unit.level != "sentence" or is_heading_only(unit):
                continue
            if len(sentences) >= MAX_ITEMS or total + len(unit.text) > MAX_SUBSECTION_CHARS and sentences:
                return sentences
            sentences.append(unit)
            total += len(unit.text)
    return sentences if len(sentences) >= 2 else []


def _paragraph_measures(first: Unit, candidates, weights: TermWeights, topic: Topic) -> list[Unit]:
    """The sentences of the best unit's own part of the document (a paragraph led by its point,
    "大力推动新能源产业跨越式发展。…") that score close to the best and name as much of what is asked, in
    document order."""
    section = first.chunk.section
    if len(section) < 3 or section[1] in (PREAMBLE, FOOTER):
        return []
    floor = PARAGRAPH_COMPANION * candidates[0].probability
    named = weights.coverage(topic, first.text)
    chosen = [first]
    total = len(first.text)
    for candidate in candidates[1:PARAGRAPH_CANDIDATES]:
        if candidate.probability < floor:
            break
        unit = candidate.unit if candidate.unit.level == "sentence" else sentence_of(candidate.unit)
        if unit.chunk.doc != first.chunk.doc or unit.chunk.section != section or is_heading_only(unit):
            continue
        if any(overlaps(unit, u) for u in chosen):
            continue
        if weights.coverage(topic, unit.text) < PARAGRAPH_COVERAGE * named:
            continue  # a measure of the paragraph the question does not ask about
        if len(chosen) >= MAX_ITEMS or total + len(unit.text) > MAX_LIST_CHARS:
            break
        chosen.append(unit)
        total += len(unit.text)
    return sorted(chosen, key=position) if len(chosen) >= 2 else []


def _enumerating_unit(candidates, weights: TermWeights, topic: Topic, wanted: int | None) -> Unit | None:
    """The best-scored unit that names about as many items (甲、乙、丙) as the question asks for."""
    if wanted is None or wanted < 3:
        return None
    for candidate in candidates:
        unit = candidate.unit
        if unit.level != "sentence" and item_count(unit.text) >= wanted:
            if weights.coverage(topic, unit.context_text) >= MIN_COVERAGE and weights.coverage(topic, unit.text) > 0:
                return unit
    return None


def _parallel_phrases(near: list[Unit], units_of, section_chunks, weights: TermWeights, topic: Topic) -> list[Unit]:
    """The most relevant run of sentences, in the parts of the document the candidates come from,
    whose first clauses open alike (①… ②…, 一是… 二是…, 持续加强… 持续加强…)."""
    parents = {}
    for unit in near:
        parent = _parent(unit)
        if len(parent) >= 2 and parent[1] not in (PREAMBLE, FOOTER):
            parents.setdefault((unit.chunk.doc, parent), None)
    best_group: list[Unit] = []
    best_relevance = 0.0
    for key in parents:
        openings: dict[str, list[Unit]] = {}
        for chunk in section_chunks(*key):
            units = units_of(chunk)
            for sentence in (u for u in units if u.level == "sentence"):
                first = _opening_clause(sentence, units)
                openings.setdefault(_opening(first.text), []).append(first)
        for group in openings.values():
            if len(group) < 3 or len({u.text for u in group}) != len(group):
                continue
            relevance = sum(weights.coverage(topic, u.text + " " + " ".join(u.chunk.section[1:])) for u in group) / len(group)
            if relevance > best_relevance:
                best_group, best_relevance = group, relevance
    return sorted(best_group, key=position) if best_relevance >= MIN_COVERAGE else []


_QUOTED_NAME = re.compile(r"[“\"]([^”\"]{2,12})[”\"]")
#: Sentences after a named list's mention in which its items may open ("围绕打造科技创新策源地，…").
FOLLOWING_SENTENCES = 12


def _following_parallel(first: Unit, question_text: str, units_of, section_chunks) -> list[Unit]:
    """"“三地一区”是引领…。围绕打造科技创新策源地，…。围绕打造新兴产业聚集地，…": for a list named in quotes
    that the best unit mentions, the first clauses of the run of sentences right after it that open alike."""
    names = [n for n in _QUOTED_NAME.findall(question_text) if n in first.text and named_count(n)]
    if not names or len(first.chunk.section) < 2 or first.chunk.section[1] in (PREAMBLE, FOOTER):
        return []
    later: list[Unit] = []
    for chunk in section_chunks(first.chunk.doc, first.chunk.section):
        units = units_of(chunk)
        for sentence in sorted((u for u in units if u.level == "sentence"), key=position):
            if position(sentence) <= position(first) or any(overlaps(sentence, u) for u in later):
                continue
            later.append(_opening_clause(sentence, units))
        if len(later) >= FOLLOWING_SENTENCES:
            break
    later = later[:FOLLOWING_SENTENCES]
    # The run must start within the first few sentences after the mention.
    for start in range(min(3, len(later))):
        key = _opening(later[start].text)
        if key == _opening(first.text) or any(_opening(u.text) == key for u in later[:start]):
            continue  # the mention is itself one of a run of sentences that open alike: an item, not a name's items
        group = [u for u in later[start:] if _opening(u.text) == key]
        # As many as the name counts ("三地一区": four), or it is some other run of sentences.
        if len(group) == named_count(names[0]) and len({u.text for u in group}) == len(group):
            return group
    return []


#: A counted name with a head word its items end in ("八大行动": 激发需求行动, 主体强身行动…).
_HEADED_NAME = re.compile(r"^[一二三四五六七八九十两\d]+[大项个]([\u4e00-\u9fff]{1,3})$")
#: ... written without quotes in the question ("安全治理三大工程是哪三个").
_UNQUOTED_HEADED_NAME = re.compile(r"[一二三四五六七八九十两\d]+大[\u4e00-\u9fff]{2}(?=是|有|包括|指|分别|具体|都)")
#: How many characters name an item before the head word ("激发需求" of 激发需求行动).
ITEM_NAME_CHARS = 4


def _headed_items(near: list[Unit], question_text: str, units_of, section_chunks) -> list[Unit]:
    """"大力实施“八大行动”" whose items are named one by one ("深入实施激发需求行动，…", "大力实施主体强身行动，…"),
    in the paragraph of the mention or else in the same part of the document: the clauses that end in the name's
    head word (not in quotes, and not run on into a longer word: 行动计划), when exactly as many do as it counts;
    clauses opening their sentences are tried first, then any clause."""
    names = _QUOTED_NAME.findall(question_text) + _UNQUOTED_HEADED_NAME.findall(question_text)
    for name in dict.fromkeys(names):
        match = _HEADED_NAME.match(name)
        mention = next((u for u in near if name in u.text), None) if match else None
        if mention is None:
            continue
        section = mention.chunk.section
        if len(section) < 2 or section[1] in (PREAMBLE, FOOTER):
            continue
        item = re.compile(rf"[\u4e00-\u9fff]{{{ITEM_NAME_CHARS}}}{re.escape(match.group(1))}[。，；]?$")
        for scope, exact in ((section, True), (section[:2], False)):
            clauses = [
                u for chunk in section_chunks(mention.chunk.doc, scope) if chunk.section == scope or not exact
                for u in units_of(chunk) if u.level == "clause" and name not in u.text
            ]
            # Items opening their sentences, or else items anywhere in one.
            for kept in ([u for u in clauses if u.start == u.sentence_start], clauses):
                named: dict[str, Unit] = {}
                for unit in kept:
                    found = item.search(unit.text)
                    if found:
                        named.setdefault(found.group(0).rstrip("。，；"), unit)
                if len(named) == named_count(name):
                    return sorted(named.values(), key=position)
    return []


#: The candidates looked at for an enumeration of a name's items that does not name it.
UNLISTED_CANDIDATES = 20


def unlisted_name(units: list[Unit], candidates, question_text: str) -> str | None:
    """"“十个统筹”具体是哪十个": the counted name asked for, when every unit chosen only mentions it, none
    lists items beside it, and no other candidate enumerates as many items as it counts; None otherwise."""
    counted = _COUNTED_ITEMS.search(question_text)
    if not counted or not units:
        return None
    for name in _QUOTED_NAME.findall(question_text):
        wanted = min(named_count(name), count_of(name) or 0)
        if wanted < 2 or not all(name in u.text for u in units):
            continue
        if any(
            name not in c.unit.text and c.unit.level != "sentence" and wanted <= item_count(c.unit.text) <= wanted + 1
            for c in candidates[:UNLISTED_CANDIDATES]
        ):
            continue  # the items may stand elsewhere, unnamed ("世界级盐湖产业基地、国家清洁能源产业高地…")
        if not any(_lists_items_near(u.text, name) for u in units):
            return name
    return None


def _lists_items_near(text: str, name: str) -> bool:
    """Whether the clause that mentions a name (with what follows its colon or stands in its brackets)
    lists two items or more ("“五统一”（统一优良品种、统一机插机抛…）", "“四网融合”：干线铁路、城际铁路…")."""
    at = text.find(name)
    start = max(text.rfind(mark, 0, at) for mark in "，。；") + 1
    end_marks = [i for i in (text.find(mark, at) for mark in "。；") if i >= 0]
    tail = text[at : min(end_marks) if end_marks else len(text)]
    if "：" not in tail and "（" not in tail:
        comma = tail.find("，")
        tail = tail if comma < 0 else tail[:comma]
    near = text[start:at] + tail.replace(name, "")
    separators = near.count("、") + sum(inner.count("，") for inner in re.findall(r"（([^）]*)）", near))
    return separators + bool(re.search(r"[\u4e00-\u9fff](?:和|及|与|以及)[\u4e00-\u9fff]", near)) >= 1


def named_count(name: str) -> int:
    """How many items a coined name counts: "三地一区" -> 4, "五向图强" -> 5, "科技金融15条" -> 15; 0 for none."""
    total = 0
    for run in re.findall(r"\d+|[一二三四五六七八九十两]+", name):
        if run.isdigit():
            total += int(run)
            continue
        digits = [2 if c == "两" else _NUMERALS.index(c) + 1 for c in run]
        if 10 in digits:  # 十, 十二, 二十, 二十三
            at = digits.index(10)
            tens = digits[at - 1] if at > 0 else 1
            ones = digits[at + 1] if at + 1 < len(digits) else 0
            total += tens * 10 + ones
        else:
            total += sum(digits)
    return total


def _opening_clause(sentence: Unit, units: list[Unit]) -> Unit:
    """A sentence's first clause (the sentence itself when it has none)."""
    return next(
        (u for u in units if u.level == "clause" and u.start == sentence.start and u.sentence_start == sentence.start),
        sentence,
    )


def _in_header(unit: Unit) -> bool:
    return len(unit.chunk.section) > 1 and unit.chunk.section[1] in (PREAMBLE, FOOTER)


def _header_block(unit: Unit) -> Unit:
    """A document's title block up to the line that carries its date, cited as one span; when the best
    line comes after it (who delivered the report, on the line below the date), up to that line."""
    text = unit.chunk.text
    if unit.chunk.section[1] == FOOTER:
        return unit if unit.level == "sentence" else sentence_of(unit)
    dated = re.search(r"20\d{2}年\d{1,2}月\d{1,2}日", text)
    end = text.find("\n", dated.end()) if dated else -1
    end = len(text) if end < 0 else end
    if unit.start >= end and "\n" not in text[end + 1 : unit.start]:
        end = unit.end
    return Unit(unit.chunk, 0, end, "sentence", 0, end)


def _parent(unit: Unit) -> tuple[str, ...]:
    return parent_of(unit.chunk.section)





def _announced_list(first: Unit, units_of, section_chunks) -> list[Unit]:
    """"…还存在不少问题，主要表现在：甲；乙；丙。": a unit that announces a list with a colon is answered with
    the whole sentence, followed into the next passages when the sentence runs on past its own."""
    sentence = sentence_of(first)
    colon = sentence.text.find("：")
    if colon < 0 or first.start - sentence.start > colon or len(sentence.text) - colon < 8:
        return []
    units = [sentence]
    total = len(sentence.text)
    if sentence.text.rstrip()[-1:] not in "。！？":
        passages = section_chunks(first.chunk.doc, first.chunk.section)
        at = next((i for i, c in enumerate(passages) if c.id == first.chunk.id), None)
        for passage in passages[at + 1 : at + 4] if at is not None else ():
            sentences = [u for u in units_of(passage) if u.level == "sentence"]
            if not sentences or total >= MAX_LIST_CHARS:
                break
            following = min(sentences, key=lambda u: u.start)
            units.append(following)
            total += len(following.text)
            if following.text.rstrip()[-1:] in "。！？":
                break
    return units


def rank_first(units: list[Unit], question_text: str) -> list[Unit]:
    """`units` with those giving a rank first when the question asks for one ("排第几")."""
    if not _ASKS_RANK.search(question_text):
        return units
    return sorted(units, key=lambda u: not _RANK.search(u.text))


def part_of(unit: Unit, units_of) -> Unit:
    """The part of its sentence (between ；) a unit lies in, or its sentence when it has no parts."""
    for other in units_of(unit.chunk):
        if other.level == "part" and other.start <= unit.start and unit.end <= other.end:
            return other
    return sentence_of(unit)


def sentence_of(unit: Unit) -> Unit:
    return Unit(unit.chunk, unit.sentence_start, unit.sentence_end, "sentence", unit.sentence_start, unit.sentence_end)


def next_sentence(sentence: Unit, units_of, section_chunks=None) -> Unit | None:
    """The sentence after `sentence`; with `section_chunks`, in the next passage when it ends its own (a
    point sentence that closes a passage has its measures at the start of the next)."""
    later = [u for u in units_of(sentence.chunk) if u.level == "sentence" and u.start >= sentence.end]
    if later or section_chunks is None:
        return min(later, key=lambda u: u.start) if later else None
    end = sentence.original_span[1]
    following = [c for c in section_chunks(sentence.chunk.doc, sentence.chunk.section[:1]) if c.start > sentence.chunk.start]
    if not following:
        return None
    after = [u for u in units_of(min(following, key=lambda c: c.start)) if u.level == "sentence" and u.original_span[0] >= end]
    return min(after, key=lambda u: u.start) if after else None


def item_count(text: str) -> int:
    """Items a phrase enumerates: 甲、乙、丙, or a bracketed list （甲，乙，丙）."""
    bracketed = max((len(re.split(r"[，、,]", inner)) for inner in re.findall(r"（([^）]*)）", text)), default=1)
    return max(text.count("、") + 1, bracketed)


def count_of(words: str) -> int | None:
    """How many items a question asks for: "哪七个" -> 7, "十大" -> 10, "哪几个" -> None."""
    digits = re.findall(r"\d+", words)
    if digits:
        return int(digits[0])
    for char in words:
        if char == "两":
            return 2
        if char in _NUMERALS:
            return _NUMERALS.index(char) + 1
    return None


def _opening(text: str) -> str:
    """How a phrase opens, with enumerators made alike: "①补…" and "②组…" open the same way."""
    if re.match(r"[\u2460-\u2473]", text):
        return "①"
    if re.match(r"[一二三四五六七八九十]+是", text):
        return "一是"
    if re.match(r"[（(]\d+[）)]", text):
        return "（1）"
    return text[:2]


def position(unit: Unit) -> tuple[str, int, int]:
    return (unit.chunk.doc, unit.chunk.start, unit.start)


def inside(unit: Unit, outer: Unit) -> bool:
    """Whether `unit` lies inside `outer` in the original text."""
    (start, end), (outer_start, outer_end) = unit.original_span, outer.original_span
    return unit.chunk.doc == outer.chunk.doc and outer_start <= start and end <= outer_end


def overlaps(a: Unit, b: Unit) -> bool:
    (a_start, a_end), (b_start, b_end) = a.original_span, b.original_span
    return a.chunk.doc == b.chunk.doc and a_start < b_end and b_start < a_end


def is_heading_only(unit: Unit) -> bool:
    return unit.text.rstrip("。；，") in unit.chunk.section
