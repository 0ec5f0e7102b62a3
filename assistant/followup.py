"""Follow-up questions: "那去年呢？" or "这个目标完成了多少？" read in the light of the previous turn."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from .glossary import load_glossary

_TIME = re.compile(r"今年|去年|前年|明年|本年|上年|20\d{2}年|\d{1,2}\s*-\s*\d{1,2}月|前[一二三四五六七八九十\d]+个月|上半年|下半年|[一二三四]季度|全年")
_ANAPHORA = re.compile(r"^(那么?|那个|这个|这些|那些|它|其|该|上述|同期|此|还有|另外)")
_ORDINAL_ONLY = re.compile(r"^(?:那么?|其中)?的?第[一二三四五六七八九十\d]+(?:项|条|件|个|点)")
_ASKING = re.compile(r"(?:都|分别)?(?:有哪些|是哪些|包括哪些|有什么|是什么|是多少|多少|哪些)$")
_FILLER = re.compile(r"[那么呢吗吧啊？?，,。的这个那它其该还有情况怎么样如何呀]")


def resolve_followup(question: str, history: Sequence[str], has_topic: Callable[[str], bool]) -> str:
    """The question made self-contained using the conversation's previous questions (oldest first)."""
    context = ""
    for previous in history:
        if previous and previous.strip():
            context = _resolve_one(previous.strip(), context, has_topic)
    return _resolve_one(question.strip(), context, has_topic) if context else question.strip()


def _places() -> list[str]:
    glossary = load_glossary()
    return sorted((*glossary.local_places, *glossary.provinces), key=len, reverse=True)


def _place_only(question: str) -> str | None:
    """The place a question like "那<某县>呢？" consists of, if that is all it says."""
    remainder = _FILLER.sub("", question)
    for place in _places():
        if remainder.startswith(place) and len(remainder) - len(place) <= 2:
            return place
    return None


def _resolve_one(question: str, previous: str, has_topic: Callable[[str], bool]) -> str:
    if not previous:
        return question
    place = _place_only(question)
    if place:
        named = [p for p in _places() if p in previous and p != place]
        if named:
            # "<县B>呢？" after a question about 县A: the same question about another place.
            return previous.replace(named[0], place)
    remainder = _FILLER.sub("", _TIME.sub("", question))
    is_followup = bool(_ANAPHORA.match(question)) or not has_topic(question)
    if not is_followup:
        return question
    times = _TIME.findall(question)
    if times and len(remainder) <= 2:
        # "那去年呢？": the previous question, asked about another time.
        return "".join(times) + _TIME.sub("", previous).replace("目标", "").lstrip("，, ")
    if _ORDINAL_ONLY.search(question):
        # "第五项是什么？" after a list: that item of the same list, not the list again.
        return _ASKING.sub("", previous.rstrip("？?。")) + question
    return previous.rstrip("？?。") + "，" + question
