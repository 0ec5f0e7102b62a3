"""One JSON value per line (JSON Lines): what the CLI prints and logs append.

`json.dumps(..., ensure_ascii=False)` leaves U+2028, U+2029 and NEL (U+0085) as they are: valid JSON,
but `str.splitlines()` and many JSONL readers break a line there. They are written as escapes, and so
is a string holding a lone surrogate (which UTF-8 cannot encode), so every line is one valid line.
"""

from __future__ import annotations

import json
from typing import Any

_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def json_line(value: Any, separators: tuple[str, str] = (", ", ": ")) -> str:
    """`value` as one line of JSON that any UTF-8 line reader reads back as one line."""
    text = json.dumps(value, ensure_ascii=False, separators=separators)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escaped as \udXXX, which JSON reads back exactly
        text = json.dumps(value, ensure_ascii=True, separators=separators)
    for char, escape in _LINE_BREAKS.items():
        text = text.replace(char, escape)  # only ever inside a string: JSON has no raw line breaks
    return text
