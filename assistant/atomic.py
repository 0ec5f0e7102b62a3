"""Atomic writes of persistent files: write beside the target, fsync, then rename over it.

While a temporary file is being written its writer holds an exclusive lock on it, so a temporary
nobody holds is what a killed writer left behind, and `remove_stale_temporaries` deletes it.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import Callable

_TEMPORARY = ".*.tmp"


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(temporary_path) and move the result to `path` in one rename; no partial file remains."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary_path = Path(temporary)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # "being written": see remove_stale_temporaries
        write(temporary_path)
        with open(temporary_path, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary_path, path)
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Delete the temporaries of atomic writes in `folder` that no writer holds (a writer was killed
    mid-write); returns their names. A folder that is missing or cannot be changed is left as it is."""
    removed = []
    try:
        candidates = sorted(Path(folder).glob(_TEMPORARY))
    except OSError:
        return removed
    for path in candidates:
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)  # being written right now
            continue
        try:
            path.unlink()
            removed.append(path.name)
        except OSError:
            pass
        finally:
            os.close(handle)
    return removed
