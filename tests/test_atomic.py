"""Atomic writes: the target holds the old content or the new, never a part of either."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.atomic import write_atomic, write_text_atomic


def test_the_new_content_replaces_the_old(tmp_path: Path):
    target = tmp_path / "index" / "manifest.json"
    write_text_atomic(target, "old")
    write_text_atomic(target, "新的内容")
    assert target.read_text(encoding="utf-8") == "新的内容"
    assert [p.name for p in target.parent.iterdir()] == ["manifest.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "chunks.json"
    write_text_atomic(target, "complete")

    def fails_half_way(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, fails_half_way)
    assert target.read_text(encoding="utf-8") == "complete"
    assert [p.name for p in tmp_path.iterdir()] == ["chunks.json"]
