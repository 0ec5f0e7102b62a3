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
    #: a prefecture-level city (or prefecture) -> the province it belongs to
    cities: dict[str, str]
    #: pairs of words naming opposite things of one kind ("收入", "支出")
    opposites: tuple[tuple[str, str], ...] = ()

    def opposed(self, question: str) -> tuple[tuple[str, str], ...]:
        """(asked, other) for each pair of opposites of which the question names only one."""
        found = []
        for a, b in self.opposites:
            for asked, other in ((a, b), (b, a)):
                if asked in question and other not in question:
                    found.append((asked, other))
        return tuple(found)

    def city_mentions(self, text: str) -> list[tuple[int, str, str]]:
        """Where the text names a city of a province (not one of the local places), as (position, province,
        city), in order."""
        pattern = _city_pattern(tuple(self.cities))
        if pattern is None:
            return []
        return [(m.start(), self.cities[m.group(0)], m.group(0)) for m in pattern.finditer(text)]

    def province_mentions(self, text: str) -> list[tuple[int, str]]:
        """Where the text names a province, by its name or another name of it ("龙江" outside "黑龙江"),
        as (position, province), in order."""
        names, aliases = _name_patterns(self.provinces, tuple(self.region_aliases))
        found: dict[str, int] = {}
        spans = []
        for match in names.finditer(text):
            found.setdefault(match.group(0), match.start())
            spans.append(match.span())
        if aliases is not None:
            for match in aliases.finditer(text):
                province = self.region_aliases[match.group(0)]
                if province not in found and not any(a <= match.start() < b for a, b in spans):
                    found[province] = match.start()
        return sorted((at, province) for province, at in found.items())


@lru_cache(maxsize=4)
def _name_patterns(provinces: tuple[str, ...], aliases: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern | None]:
    """One pattern for every province's name and one for every other name (longest first: "内蒙古" before
    "内蒙")."""
    def alternation(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return re.compile(alternation(provinces) or "(?!)"), re.compile(alternation(aliases)) if aliases else None


@lru_cache(maxsize=4)
def _city_pattern(cities: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(c) for c in sorted(cities, key=len, reverse=True))) if cities else None


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
        cities={
            city: province
            for province, names in data.get("cities", {}).items()
            for city in names
            if city not in data["local_places"]
        },
        opposites=tuple((a, b) for a, b in data.get("opposites", ())),
    )
