"""The domain glossary, kept as data in data/glossary.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Glossary:
    expand: dict[str, tuple[str, ...]]
    provinces: tuple[str, ...]
    home: tuple[str, ...]
    local_places: tuple[str, ...]


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    data = json.loads(resources.files("assistant").joinpath("data/glossary.json").read_text(encoding="utf-8"))
    return Glossary(
        expand={key: tuple(values) for key, values in data["expand"].items()},
        provinces=tuple(data["provinces"]),
        home=tuple(data["home"]),
        local_places=tuple(data["local_places"]),
    )
