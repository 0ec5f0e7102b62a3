"""The domain glossary, kept as data in data/glossary.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Glossary:
    expand: dict[str, tuple[str, ...]]
    provinces: tuple[str, ...]
    region_aliases: dict[str, str]  # another name of a province -> the province as `provinces` writes it
    speaker_titles: tuple[str, ...]
    home: tuple[str, ...]
    local_places: tuple[str, ...]

    def province_mentions(self, text: str) -> list[tuple[int, str]]:
        """Where the text names a province, by its name or another name of it ("龙江" outside "黑龙江"),
        as (position, province), in order."""
        found = {}
        for province in self.provinces:
            for match in re.finditer(re.escape(province), text):
                found.setdefault(province, match.start())
                break
        for alias, province in self.region_aliases.items():
            if province in found:
                continue
            inside = [(m.start(), m.end()) for m in re.finditer(re.escape(province), text)]
            for match in re.finditer(re.escape(alias), text):
                if not any(a <= match.start() < b for a, b in inside):
                    found[province] = match.start()
                    break
        return sorted((at, province) for province, at in found.items())


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    data = json.loads(resources.files("assistant").joinpath("data/glossary.json").read_text(encoding="utf-8"))
    return Glossary(
        expand={key: tuple(values) for key, values in data["expand"].items()},
        provinces=tuple(data["provinces"]),
        region_aliases=dict(data.get("region_aliases", {})),
        speaker_titles=tuple(data.get("speaker_titles", ())),
        home=tuple(data["home"]),
        local_places=tuple(data["local_places"]),
    )
