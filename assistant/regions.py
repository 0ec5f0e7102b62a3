"""Regions: which documents speak for which province (or the country), and the deployment's home region.

A question that names a region covered by the corpus is answered from that region's documents; one that
names none is answered for the home region (a setting; by default the region most documents share). The
names are data (the glossary's `provinces`); a document's region comes from its manifest entry or its
own text (`Document.region`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable

from .corpus import CorpusError, Document
from .glossary import load_glossary
from .scope import Scope

NATIONAL = "全国"
#: A question about the whole country names it first ("全国GDP增长目标"); "高于全国" is only a yardstick.
_NATIONAL_REPORT = re.compile(r"国务院(?:的)?(?:政府)?工作报告|全国(?:的)?政府工作报告|国务院总理")
#: A figure asked of the country ("全国2025年GDP增长目标") is the national report's to give, never a province's.
_ASKS_FIGURE = re.compile(r"多少|几[个项成%]|增长|增速|增幅|目标|比重|占比|总量|规模")
_NATIONAL_QUESTION = re.compile(r"^(?:请问)?(?:全国|中国)|" + _NATIONAL_REPORT.pattern)
#: What may follow a region's name in a question ("X省", "X市", "X壮族自治区").
_REGION_SUFFIX = r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)?"
_JOINER = r"(?:和|与|及|跟|同|、|以及)"


class RegionError(CorpusError):
    """The home region setting names a region no document of the corpus speaks for."""


def short_name(region: str) -> str:
    """A region as the glossary writes it ("X省" -> "X", as its provinces list writes it); "全国" and unknown names as given."""
    for name in sorted(load_glossary().provinces, key=len, reverse=True):
        if region.startswith(name):
            return name
    return region


@dataclass(frozen=True)
class Regions:
    docs_by_region: dict[str, frozenset[str]]
    home: str
    #: Documents whose region is unknown: searched whatever region a question names.
    unplaced: frozenset[str] = frozenset()

    @classmethod
    def of(cls, documents: Iterable[Document], home: str | None = None) -> "Regions":
        grouped: dict[str, set[str]] = {}
        unplaced: set[str] = set()
        order: Counter[str] = Counter()
        for document in documents:
            region = short_name(document.region) if document.region else ""
            if region:
                grouped.setdefault(region, set()).add(document.doc)
                order[region] += 1
            else:
                unplaced.add(document.doc)
        by_region = {region: frozenset(docs) for region, docs in grouped.items()}
        if home:
            chosen = short_name(home)
            if by_region and chosen not in by_region:
                covered = "、".join(sorted(by_region))
                raise RegionError(f"ASSISTANT_HOME_REGION={home!r}: no document of the corpus speaks for it (the corpus covers: {covered})")
        else:
            # Most documents first; a tie goes to the region listed first (Counter keeps insertion order).
            chosen = order.most_common(1)[0][0] if order else ""
        return cls(by_region, chosen, frozenset(unplaced))

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted(self.docs_by_region))

    @property
    def several(self) -> bool:
        """Whether restricting a search to one region can change what is found."""
        return len(self.docs_by_region) > 1

    def named(self, text: str) -> tuple[str, ...]:
        """The covered regions a question names, in the order it names them; the country when it asks
        about the country and names no province."""
        glossary = load_glossary()
        found = [(at, region) for at, region in glossary.province_mentions(text) if region in self.docs_by_region]
        named_already = {region for _, region in found}
        # "成都去年GDP": a city names its province.
        found += [
            (at, province) for at, province, _ in glossary.city_mentions(text)
            if province in self.docs_by_region and province not in named_already
        ]
        provinces = set(glossary.provinces)
        for region in self.docs_by_region:
            # A region the glossary does not list (a city a document speaks for) is named by its name.
            if region not in provinces and region != NATIONAL and region in text:
                found.append((text.find(region), region))
        named = tuple(dict.fromkeys(region for _, region in sorted(found) if region != NATIONAL))
        if not named and NATIONAL in self.docs_by_region and _NATIONAL_QUESTION.search(text):
            return (NATIONAL,)
        return named

    def docs(self, region: str, question: str = "") -> frozenset[str] | None:
        """The documents a question about `region` is answered from; None when that is every document.

        A question that opens with the country ("全国…") may still be about an event the home region's
        documents report ("全国…现场会在…召开"): it is answered from the national and the home documents,
        unless it names the national report itself or asks for a figure."""
        if not self.several:
            return None
        docs = self.docs_by_region.get(region, frozenset()) | self.unplaced
        if region == NATIONAL and not _NATIONAL_REPORT.search(question) and not _ASKS_FIGURE.search(question):
            docs |= self.docs_by_region.get(self.home, frozenset())
        return docs

    def searched_sets(self) -> tuple[frozenset[str], ...]:
        """Every set of documents a question may be answered from (to prepare each one's statistics)."""
        if not self.several:
            return ()
        sets = {self.docs(region) for region in self.docs_by_region}
        if NATIONAL in self.docs_by_region:
            sets.add(self.docs_by_region[NATIONAL] | self.unplaced)
        return tuple(sorted((s for s in sets if s), key=sorted))

    def localize(self, scope: Scope, region: str) -> Scope:
        """A scope as read inside the region's own documents: the region named is "the province itself"
        (as 全省 is), and only regions the corpus does not cover remain as other provinces."""
        named = {p for p in scope.provinces if p in self.docs_by_region}
        national = region == NATIONAL and region != self.home
        return replace(scope, provinces=scope.provinces - named, home=scope.home or bool(named) or national)

    def unnamed(self, text: str, region: str) -> str:
        """The text with the region's own name ("X省", "X的") taken out."""
        return re.sub(rf"{re.escape(region)}{_REGION_SUFFIX}(?:的)?", "", text).strip() or text

    def without_others(self, text: str, region: str, named: tuple[str, ...]) -> str:
        """The question as asked about one of the regions it names: the others' names taken out."""
        for other in named:
            if other != region:
                text = re.sub(rf"{_JOINER}?{re.escape(other)}{_REGION_SUFFIX}{_JOINER}?", "", text)
        return text
