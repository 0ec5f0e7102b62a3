"""Decide: answer, answer with a caveat, or refuse, per sub-question, from calibrated scores.

The question model turns what the best evidence looks like (its probability, how far ahead of the
next it is, its scope conflicts, whether it holds the kind of answer asked) into the probability that
it answers the question; thresholds chosen on the cross-validated curve split that into answer,
hedged answer and refusal. Explicit scope conflicts that no evidence can overcome (a region no
document covers, a year no document speaks of) refuse outright.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..glossary import load_glossary
from ..terms import TermWeights, is_generic
from .features import FEATURE_NAMES
from .gather import Candidate, PartEvidence
from .scoring import AnswerModel

ANSWER, HEDGE, REFUSE = "answer", "hedge", "refuse"

_F = {name: i for i, name in enumerate(FEATURE_NAMES)}
#: The best candidate's features the question model reads, besides the probabilities.
_BEST_FEATURES = (
    "cov_own", "cov_context", "year_conflict", "period_conflict", "period_absent", "actual_plan",
    "target_not_plan", "place_conflict", "meets_kind", "unit_missing", "missing_code", "local_for_home",
    "month_asked_has_period", "header_for_document", "subject_share", "bigram_share", "exact_run", "has_number",
    "figure_x_number", "day_match",
)
QUESTION_FEATURES = (
    "p_best", "p_second", "p_gap", "p_best_in_scope",
    *(f"best_{name}" for name in _BEST_FEATURES),
    "unwritten_share", "year_unknown", "intent_figure", "intent_list", "intent_policy", "intent_date",
    "intent_entity", "about_document", "asks_number", "asks_unit", "best_heaviest_term", "topic_terms",
    "best_exact_share", "best_heaviest_in_unit",
    "number_asked_none_given", "unit_asked_none_given", "percent_asked_none_given", "share_asked_none_given",
)
_CONFLICTS = ("year_conflict", "period_conflict", "period_absent", "actual_plan", "place_conflict", "unit_missing")


@dataclass(frozen=True)
class Decision:
    verdict: str  # ANSWER, HEDGE or REFUSE
    probability: float
    reason: str = ""  # for a refusal: what the documents lack, in Chinese
    #: the refusal's nearest passage would be another region's (the region asked about has no document)
    other_region: bool = False


def question_features(evidence: PartEvidence, weights: TermWeights, known_years: frozenset[int]) -> list[float]:
    candidates = evidence.candidates
    parsed = evidence.part.parsed
    best = candidates[0] if candidates else None
    p_best = best.probability if best else 0.0
    p_second = candidates[1].probability if len(candidates) > 1 else 0.0
    in_scope = [c.probability for c in candidates if not any(c.features[_F[n]] for n in _CONFLICTS)]
    # Log-odds, not probabilities: the unit model's scores crowd near 1, where differences matter.
    values = [_logit(p_best), _logit(p_second), _logit(p_best) - _logit(p_second), _logit(max(in_scope, default=0.0))]
    values += [best.features[_F[name]] if best else 0.0 for name in _BEST_FEATURES]
    values += [
        weights.unwritten_share(evidence.part.topic),
        float(bool(parsed.scope.years - known_years)) if known_years else 0.0,
        float(parsed.intent in ("figure", "compare")),
        float(parsed.intent == "list"),
        float(parsed.intent == "policy"),
        float(parsed.intent == "date"),
        float(parsed.intent == "entity"),
        float(parsed.about_document),
        float(parsed.expects.number or parsed.expects.percent),
        float(bool(parsed.expects.unit)),
        _heaviest_term_present(evidence.part.topic, best, weights) if best else 0.0,
        float(max((len(terms) for terms in evidence.part.topic.alternatives), default=0)),
        _exact_share(evidence.part.topic, best, weights) if best else 0.0,
        _heaviest_in_unit(evidence.part.topic, best, weights) if best else 0.0,
        # The figure asked for and what the best evidence holds, together (a linear model cannot AND).
        *asked_none_given(parsed, best),
    ]
    return values


def asked_none_given(parsed, best: Candidate | None) -> list[float]:
    """Whether the best unit lacks what the question asks for: a number, an amount in the unit asked
    ("多少亿元"), a percentage, a share ("占比")."""
    if best is None:
        return [0.0, 0.0, 0.0, 0.0]
    expects = parsed.expects
    return [
        float((expects.number or expects.percent) and not best.features[_F["has_number"]]),
        float(bool(expects.unit) and bool(best.features[_F["unit_missing"]])),
        float(expects.percent and not _PERCENT.search(best.unit.text)),
        float(expects.share and not _SHARE_GIVEN.search(best.unit.text)),
    ]


def _exact_share(topic, best: Candidate, weights: TermWeights) -> float:
    """The weighted share of the question's words written exactly (no partial credit) in the best
    unit's sentence or headings: "房地产开发投资" is not "投资…房地产"."""
    text = (best.unit.sentence + " " + " ".join(best.unit.chunk.section[1:])).lower()
    shares = []
    for terms in topic.alternatives:
        total = sum(weights.weight(t) for t in terms)
        if total > 0:
            shares.append(sum(weights.weight(t) for t in terms if t.lower() in text) / total)
    return max(shares, default=0.0)


def _heaviest_in_unit(topic, best: Candidate, weights: TermWeights) -> float:
    text = best.unit.text.lower()
    return float(any(terms and max(terms, key=weights.weight).lower() in text for terms in topic.alternatives))


def _heaviest_term_present(topic, best: Candidate, weights: TermWeights) -> float:
    """Whether the question's most telling word is in the best unit or its context (any written form)."""
    context = best.unit.context_text.lower()
    present = []
    for terms in topic.alternatives:
        if terms:
            heaviest = max(terms, key=weights.weight)
            present.append(heaviest.lower() in context)
    return float(any(present))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-12.0, min(12.0, math.log(p / (1 - p))))


def decide(
    evidence: PartEvidence,
    model: AnswerModel,
    weights: TermWeights,
    known_years: frozenset[int],
    regions: frozenset[str] = frozenset(),
) -> Decision:
    best = evidence.best
    if best is None or evidence.part.topic.empty:
        return Decision(REFUSE, 0.0, "文档中未找到与该问题直接相关的内容，请补充具体的指标或事项。")
    missing_region = region_not_covered(evidence, regions)
    if missing_region:
        return Decision(REFUSE, 0.0, missing_region, other_region=True)
    conflict = explicit_conflict(evidence)
    if conflict:
        return Decision(REFUSE, 0.0, conflict)
    if not any(best.features[_F[name]] for name in ("cov_own", "cov_context", "cov_section")):
        # The best unit shares no word of the question's topic, nor does its paragraph or section: nothing
        # relevant was found, however the rest of the evidence looks.
        return Decision(REFUSE, 0.0, "文档中未找到与该问题直接相关的内容。")
    row = np.asarray([question_features(evidence, weights, known_years)])
    probability = float(model.question.probabilities(row)[0])
    thresholds = model.thresholds
    if probability >= thresholds.answer:
        return Decision(ANSWER, probability)
    if hedges(probability, best, thresholds.hedge, evidence.part.parsed, evidence.part.topic) or evidence_stands(best, thresholds.evidence, evidence.part.parsed, evidence.part.topic):
        return Decision(HEDGE, probability)
    return Decision(REFUSE, probability, refusal_reason(evidence, best, known_years))


#: A best unit's features that speak against it whatever its probability.
_CONFLICTS = ("year_conflict", "period_conflict", "period_absent", "place_conflict", "actual_plan", "missing_code")


#: ... and those of them that say it is of another time or place than asked: no uncertain answer is given
#: from such a unit, however probable the question model finds it.
_SCOPE_CONFLICTS = ("year_conflict", "period_conflict", "place_conflict", "actual_plan")


def hedges(probability: float, best: Candidate, hedge: float, parsed=None, topic=None) -> bool:
    """Whether a question probability below the answer threshold still gives an uncertain answer: at or
    above the hedge threshold, from evidence of the time and place asked ("去年…" is not answered, even
    with a caveat, with this year's target) that names more of the question than its place."""
    return probability >= hedge and may_hedge(best, parsed, topic)


def may_hedge(best: Candidate | None, parsed=None, topic=None) -> bool:
    if best is None or scope_conflicted(best):
        return False
    return parsed is None or topic is None or not parsed.scope.places or _names_more_than_place(best, parsed, topic)


def scope_conflicted(best: Candidate | None) -> bool:
    return best is not None and any(best.features[_F[name]] for name in _SCOPE_CONFLICTS)


def evidence_stands(best: Candidate | None, floor: float, parsed=None, topic=None) -> bool:
    """Whether the best unit is probable enough, free of scope conflicts and (given the question) holding
    the kind of figure asked for and (given its topic) naming something asked besides the place, to be
    given at least as an uncertain answer."""
    if best is None:
        return False
    if parsed is not None and any(asked_none_given(parsed, best)):
        return False
    if not may_hedge(best, parsed, topic):
        return False  # "大连去年GDP": "大连新达盟等重大外资项目落地…" names the city, not its GDP
    return best.probability >= floor and not any(best.features[_F[name]] for name in _CONFLICTS)


def _names_more_than_place(best: Candidate, parsed, topic) -> bool:
    """Whether the unit (with its sentence and headings) names a word of the question besides its place."""
    context = best.unit.context_text.lower()
    places = parsed.scope.places | set(load_glossary().home)
    return any(
        t.lower() in context for terms in topic.alternatives for t in terms if t not in places and not is_generic(t)
    )


#: A question about the whole country names it first ("全国GDP增长多少"); "高于全国" is a yardstick.
_NATIONAL = re.compile(r"^(?:请问)?(全国|中国)(?!排|第|位|居|名)")
_LATIN_CODE = re.compile(r"[A-Za-z]")
_MONTH_ONLY = re.compile(r"\d{1,2}月")
_PERCENT = re.compile(r"%|％|百分点|倍|翻番|\d成")
#: A share, in words or as a percentage that is not a change ("不足20%" is one, "增长12%" is not).
_SHARE_GIVEN = re.compile(r"占|比重|比例|份额|(?<![\d.])(?<!增长)(?<!下降)(?<!提高)(?<!增速)(?<!回落)(?<!降低)\d+(?:\.\d+)?[%％]")


#: The best candidates looked at for an amount in the unit a question asks for ("多少亿元").
AMOUNT_LOOKED_AT = 3
#: ... and for a day, when a question asks on which day something happens.
DATES_LOOKED_AT = 5
_ASKS_DAY = re.compile(r"哪天|哪一天|哪日|几月几[日号]|几号|什么日子|哪个月")
_GIVES_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月(?:底|初|中旬|上旬|下旬)|20\d{2}\s*年\s*\d{1,2}\s*月|[一二三四五六七八九十]+月[一二三四五六七八九十]+日")


def region_not_covered(evidence: PartEvidence, regions: frozenset[str]) -> str:
    """"文档中没有江西的相关内容（现有文档涉及：…）。" for a region no document speaks for; "" otherwise."""
    parsed = evidence.part.parsed
    covered = "、".join(sorted(regions)) or "无"
    asked = [(p, p) for p in sorted(parsed.scope.provinces)]
    national = _NATIONAL.match(parsed.normalized)
    if regions and national and not parsed.scope.home:
        # "全国GDP…" asks about the country; "全国推动…现场会" names an event the documents report.
        asked.append(("全国", parsed.normalized[national.start(1) : national.end(1) + 2]))
    nearby = " ".join(c.unit.sentence.replace(" ", "") for c in evidence.candidates[:5])
    for region, phrase in asked:
        if regions and not any(r.startswith(region) for r in regions) and phrase not in nearby:
            return f"文档中没有{region}的相关内容（现有文档涉及：{covered}）。"
    return ""


def explicit_conflict(evidence: PartEvidence) -> str:
    """A scope conflict no evidence can overcome, said in Chinese; "" when there is none (a region no
    document speaks for is `region_not_covered`, checked first).

    An amount in a unit no best unit gives; a precise identifier (PM2.5, 5G, ⑤) the best evidence lacks;
    a single month when no retrieved sentence names it (the documents give months to date).
    """
    parsed = evidence.part.parsed
    best = evidence.best
    unit = parsed.expects.unit
    if best is not None and unit and parsed.intent == "figure" and evidence.part.anchor is None:
        # "旅游业总收入具体是多少亿元": the best units give no amount in 元, only "迈上万亿新台阶".
        amount = re.compile(r"\d[\d.]*\s*[万亿千百]*" + re.escape(unit))
        if not any(amount.search(c.unit.text) for c in evidence.candidates[:AMOUNT_LOOKED_AT]):
            return "文档中没有给出这项的具体数值。"
    if best is not None and _LATIN_CODE.search(parsed.normalized) and best.features[_F["missing_code"]]:
        return "文档中没有与问题所指的具体项目对应的内容。"
    if best is not None and parsed.intent == "date" and _ASKS_DAY.search(parsed.normalized):
        sentences = [c.unit.sentence for c in evidence.candidates[:DATES_LOOKED_AT]]
        if not any(_GIVES_DAY.search(s) for s in sentences):
            # "亚冬会哪天开幕": the documents speak of it, but give no day.
            return "文档中没有给出具体日期。"
    months = sorted(p for p in parsed.scope.periods if _MONTH_ONLY.fullmatch(p))
    if months and parsed.intent in ("figure", "compare"):
        sentences = [c.unit.sentence.replace(" ", "") for c in evidence.candidates[:10]]
        if not any(re.search(rf"(?<![\d-]){m}(?!\d)", s) for m in months for s in sentences):
            return f"文档中没有{'、'.join(months)}单月的这项数据。"
    return ""


def refusal_reason(evidence: PartEvidence, best: Candidate, known_years: frozenset[int]) -> str:
    """What the documents lack, read off the best evidence's scope conflict."""
    asked = evidence.part.parsed.scope
    f = best.features
    unknown = sorted(asked.years - known_years) if known_years else []
    if unknown or f[_F["year_conflict"]]:
        years = unknown or sorted(asked.years)
        return f"文档中没有{'、'.join(f'{y}年' for y in years)}的这项数据。"
    if f[_F["place_conflict"]]:
        places = sorted(asked.places | asked.provinces)
        return f"文档中没有{'、'.join(places)}的这项内容。"
    if f[_F["period_conflict"]] or f[_F["period_absent"]]:
        periods = sorted(p for p in asked.periods)
        return f"文档中没有{'、'.join(periods)}的这项数据。"
    if f[_F["actual_plan"]]:
        return "文档中没有这项指标的实际完成数据，只有预期目标。"
    if not f[_F["meets_kind"]] or f[_F["unit_missing"]]:
        return "文档中没有给出这项的具体数值。"
    return "文档中未找到与该问题直接相关的内容。"
