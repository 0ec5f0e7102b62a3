"""Thumbs up/down on answers, appended to a JSON Lines log: one whole line per vote."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from assistant.jsonl import json_line

VOTES = {True: "up", False: "down"}
#: The optional reason given with a vote is kept to this many characters.
MAX_REASON_CHARS = 500


def vote_name(liked: object) -> str:
    """Gradio's LikeData.liked (True, False, or a custom option / "" when a vote is withdrawn)."""
    if isinstance(liked, bool):
        return VOTES[liked]
    return str(liked) if liked else "withdrawn"


def feedback_record(
    vote: str, answer: Mapping[str, Any], *, reason: str = "", when: datetime | None = None
) -> dict[str, Any]:
    """A log line: the vote (and its reason, if one was given) and what was voted on, from the JSON
    contract: the answer's id, question, answer, citations. A vote and its later reason share the id.
    An answer given in a conversation restricted to chosen documents also says which ("documents")."""
    when = when or datetime.now(timezone.utc)
    restricted = {"documents": list(answer["documents"])} if answer.get("documents") else {}
    return {
        "time": when.isoformat(timespec="seconds"),
        "vote": vote,
        "reason": reason,
        "answer_id": answer.get("id"),
        "question": answer.get("question", ""),
        "answer": answer.get("answer", ""),
        "refused": answer.get("refused"),
        "citations": list(answer.get("citations", [])),
        "history": list(answer.get("history", [])),
        **restricted,
    }


class FeedbackLog:
    """Appends records to a JSONL file, safe across threads and processes.

    Each record is written with a single ``write`` on an ``O_APPEND`` descriptor while holding an
    exclusive ``flock``, so concurrent writers never interleave or tear a line.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: Mapping[str, Any]) -> None:
        data = (json_line(record, separators=(",", ":")) + "\n").encode("utf-8")  # U+2028 escaped
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            finally:
                os.close(fd)  # also releases the flock

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
