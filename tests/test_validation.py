"""validation and the engine's bound on work per question (issue 9, items 1–3 and the NFKC length check):
every question and history Python can hold gets an answer or a clear refusal, never an exception, and
no follow-up chain makes the question the stages read longer than a question may be. Real Assistant."""

from __future__ import annotations

import json

import pytest

from assistant.validation import History, printable, validate_history, validate_question

QUESTION = "2024年全省粮食总产是多少？"


# ------------------------------------------------------------------ the checks themselves


@pytest.mark.parametrize(
    "text, words",
    [
        (42, "必须是文本"),
        (None, "必须是文本"),
        ("粮食\ud800总产", "代理码位"),
        ("\udcff", "代理码位"),  # an undecodable byte of argv, as Python hands it over
        ("   ", "请输入问题"),
        ("粮" * 2001, "问题过长（2001字）"),
        # NFKC turns each ㎒ into "MHz": 1,990 of them are 5,970 characters for the stages.
        ("粮食" + "㎒" * 1990, "问题过长（5972字）"),
        ("粮食\x00总产", "控制字符"),
        ("？？！", "标点或符号"),
        ("what is the grain output", "只支持中文"),
    ],
)
def test_a_question_that_cannot_be_asked_is_named(text, words):
    assert words in validate_question(text, 2000)


def test_a_question_at_the_limit_after_normalisation_is_accepted():
    assert validate_question("粮" * 2000, 2000) is None
    assert validate_question("粮食" + "㎒" * 666, 2000) is None  # 2 + 1,998 after NFKC


@pytest.mark.parametrize(
    "history, words",
    [
        (42, "不能是数字"),
        (3.5, "不能是数字"),
        (True, "不能是布尔值"),
        ("那去年呢？", "不能是一段文本"),  # not read one character per question
        ({"role": "user", "content": "粮食"}, "不能是对象"),
        (["那去年呢？"] * 101, "对话历史过长（101条），最多100条"),
        (["粮食", 7], "第2条必须是文本，不能是数字"),
        (["x" * 3000], "第1条过长（3000字）"),
        (["粮" + "㎒" * 700], "第1条过长（2101字）"),
        (["粮食\ud800"], "第1条含有无效的字符"),
        (["粮食\x07"], "第1条含有无法识别的控制字符"),
        ([{"content": "粮食"}], "第1条的消息缺少有效的 role"),
        ([{"role": "user", "content": ["粮食"]}], "第1条的 content 必须是文本"),
        ([[5, "答"]], "第1条的问题必须是文本"),
    ],
)
def test_a_history_that_cannot_be_used_is_named(history, words):
    checked = validate_history(history, 100, 2000)
    assert checked.questions == () and words in checked.problem


def test_the_history_forms_a_caller_may_send():
    history = [
        "今年社零增长目标是多少？",
        {"role": "user", "content": "那去年呢？"},
        {"role": "assistant", "content": "很长的回答" * 1000},  # answers are not questions: not counted
        ("粮食总产多少", "615.6亿斤"),
        [None, "only an answer"],
        "  ",
    ]
    assert validate_history(history, 100, 2000) == History(("今年社零增长目标是多少？", "那去年呢？", "粮食总产多少"))
    assert validate_history(None, 100, 2000) == History()
    assert validate_history((), 100, 2000) == History()


def test_printable_replaces_lone_surrogates_only():
    assert printable("粮食\ud800总产") == "粮食\ufffd总产"
    assert printable("粮食总产") == "粮食总产"
    assert printable(42) == ""


# ------------------------------------------------------------------ through the real engine


@pytest.mark.parametrize("history", [42, 3.5, True, "那去年呢？", {"a": 1}, [object()], ["x" * 3000], ["粮食\ud800"]])
def test_the_engine_refuses_a_bad_history_with_a_message(real_assistant, history):
    answer = real_assistant.ask(QUESTION, history)
    assert answer.refused and "对话历史" in answer.answer and answer.citations == ()
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("question", ["粮食\ud800总产是多少？", "\udcff\udcfe", "粮食" + "㎒" * 1990])
def test_the_engine_refuses_unreadable_questions_and_echoes_them_encodable(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.refused and answer.citations == ()
    encoded = json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # no UnicodeEncodeError
    assert "\ud800" not in answer.question and "\udcff" not in answer.question
    assert json.loads(encoded)["question"].startswith(("粮食", "\ufffd"))


def test_chat_messages_and_pairs_are_histories_the_engine_reads(real_assistant):
    plain = real_assistant.ask("那去年呢？", ["今年社零增长目标是多少？"])
    messages = real_assistant.ask(
        "那去年呢？",
        [{"role": "user", "content": "今年社零增长目标是多少？"}, {"role": "assistant", "content": "……"}],
    )
    pairs = real_assistant.ask("那去年呢？", [("今年社零增长目标是多少？", "……")])
    assert plain.resolved_question == messages.resolved_question == pairs.resolved_question
    assert "去年" in plain.resolved_question and "社零" in plain.resolved_question
    assert "2024年" in plain.answer


def test_a_long_follow_up_chain_never_makes_the_question_longer_than_the_limit(real_assistant):
    # Each earlier question opens with "这个", so each is glued onto the one before it.
    history = ["2024年全省粮食总产是多少？"] + ["这个" + "粮食" * 990] * 9
    answer = real_assistant.ask("这个呢？", history)
    limit = real_assistant.settings.max_question_chars
    assert len(answer.resolved_question) <= limit
    json.dumps(answer.to_dict(), ensure_ascii=False)


def test_at_most_the_follow_up_window_is_read(real_assistant):
    # 100 earlier questions (the most allowed): only the last ones resolve the follow-up.
    history = ["2023年全省粮食总产是多少？"] * 90 + ["今年社零增长目标是多少？"] * 10
    answer = real_assistant.ask("那去年呢？", history)
    assert "社零" in answer.resolved_question and "粮食" not in answer.resolved_question


# The messages of a question that cannot be asked (moved with validate_question from assistant.question).


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请输入问题。"),
        ("   \n\t\u3000 ", "请输入问题。"),
        ("？？！！。。", "问题只包含标点或符号，请用中文描述您想了解的内容。"),
        ("粮" * 2001, "问题过长（2001字），请控制在2000字以内。"),
        ("粮食总产\x00是多少", "问题中含有无法识别的控制字符，请删除后重试。"),
        ("粮食\x1b[31m总产", "问题中含有无法识别的控制字符，请删除后重试。"),
        ("What was the grain output in 2024?", "目前只支持中文提问，请用中文描述您的问题（例如：2024年全省粮食总产是多少？）。"),
        ("hello", "目前只支持中文提问，请用中文描述您的问题（例如：2024年全省粮食总产是多少？）。"),
        (None, "问题必须是文本。"),
        (42, "问题必须是文本。"),
        (["粮食总产"], "问题必须是文本。"),
    ],
)
def test_validation_messages(text, message):
    assert validate_question(text) == message


@pytest.mark.parametrize("text", ["2024年全省粮食总产是多少？", "粮" * 2000, "  GDP增长多少？ ", "社零\n增长多少"])
def test_valid_questions_pass(text):
    assert validate_question(text) is None


def test_the_length_limit_is_a_setting():
    assert validate_question("粮食总产是多少", max_chars=5) == "问题过长（7字），请控制在5字以内。"
