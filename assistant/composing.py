"""Composing an answer from evidence units: each claim is the source's own words with a marker [n],
prefixed with the scope the words themselves leave unsaid ("2024年", "1-7月", "2025年目标")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .evidence import Unit
from .retrieval.retriever import Hit


@dataclass(frozen=True)
class Draft:
    """An answer before it becomes the contract's Answer: text with [n] markers and the cited units."""

    text: str
    refused: bool
    cited: tuple[Unit, ...]
    retrieved: tuple[Hit, ...]


@dataclass(frozen=True)
class Refusal:
    message: str
    show_nearest: bool


def scope_label(unit: Unit) -> str:
    """What the evidence is about when its own words do not say it: "2024年", "2025年目标", "1-7月"."""
    scope = unit.scope
    sentence = unit.sentence
    if scope.periods:
        period = sorted(scope.periods)[0]
        return "" if period in unit.text.replace(" ", "") else period
    if scope.years and not scope.inferred_year and not re.search(r"20\d{2}年", sentence):
        return f"{max(scope.years)}年" + ("目标" if scope.plan else "")
    return ""


def compose(
    units: list[Unit], retrieved: tuple[Hit, ...], one_label: bool = False, places: list[str] | None = None
) -> Draft:
    parts = []
    for number, unit in enumerate(units, start=1):
        label = scope_label(unit) if (number == 1 or not one_label) else ""
        place = places[number - 1] if places else ""
        if place and place not in unit.text:
            label = place + ("" if not label else label)
        body = re.sub(r"(?<![，。；：！？])\n", "，", unit.text.rstrip("。；;，,：:")).replace("\n", "")
        parts.append(f"{label}，{body}[{number}]" if label else f"{body}[{number}]")
    return Draft("；".join(parts) + "。", False, tuple(units), retrieved)


def refusal_draft(refusal: Refusal, nearest: Unit, retrieved: tuple[Hit, ...]) -> Draft:
    if not refusal.show_nearest:
        return Draft(refusal.message, True, (), retrieved)
    label = scope_label(nearest)
    body = nearest.text.rstrip("。；;，,：:")
    nearest_text = f"{label}，{body}" if label else body
    return Draft(f"{refusal.message}文档中最接近的内容是：{nearest_text}[1]。", True, (nearest,), retrieved)
