"""Read the JSON answer contract back into the typed Answer, whichever way it arrived."""

from __future__ import annotations

import json
from typing import Any

from assistant.answer import Answer, Citation, RetrievedPassage, Timings


class ContractError(ValueError):
    """An answer does not follow the JSON contract."""


def answer_from_json(payload: str | bytes | dict[str, Any]) -> Answer:
    """An Answer from a contract object or its JSON text (the Gradio API may return either)."""
    if isinstance(payload, (str, bytes)):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as error:
            raise ContractError(f"answer is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise ContractError(f"answer is not a JSON object: {type(payload).__name__}")
    try:
        timings = payload.get("timings_ms") or {}
        return Answer(
            id=payload.get("id"),
            question=str(payload.get("question", "")),
            answer=str(payload["answer"]),
            refused=_bool(payload["refused"]),
            citations=tuple(_citation(c) for c in payload.get("citations") or ()),
            retrieved=tuple(_passage(r) for r in payload.get("retrieved") or ()),
            timings_ms=Timings(
                retrieve=float(timings.get("retrieve", 0.0)),
                answer=float(timings.get("answer", 0.0)),
                total=float(timings.get("total", 0.0)),
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ContractError(f"answer {payload.get('id')!r} breaks the contract: {error!r}") from error


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"refused must be true or false, not {value!r}")


def _citation(item: dict[str, Any]) -> Citation:
    return Citation(
        id=int(item["id"]),
        doc=str(item["doc"]),
        title=str(item.get("title", "")),
        section=str(item.get("section", "")),
        start=int(item["start"]),
        end=int(item["end"]),
        quote=str(item["quote"]),
        page=None if item.get("page") is None else int(item["page"]),
    )


def _passage(item: dict[str, Any]) -> RetrievedPassage:
    return RetrievedPassage(
        doc=str(item["doc"]), start=int(item["start"]), end=int(item["end"]), score=float(item.get("score", 0.0))
    )
