"""A SentencePiece Unigram tokenizer that is light in memory, for the ONNX path (queries and passages).

The `tokenizers` library keeps a Unigram vocabulary in a byte trie of hash maps: for the 250,000 pieces
of the multilingual e5 model that costs about 280 MB of resident memory, a third of what answering
needs in all. Here the pieces are one dictionary (about 100 MB, measured with the rest of it) and the best segmentation is found with
the same Viterbi search, the same unknown-piece penalty, the same tie-breaking and the same fusing of
unknown characters. Normalization, pre-tokenization and the special tokens stay the library's: they are
read from the same ``tokenizer.json`` into a `tokenizers.Tokenizer` whose vocabulary is a single piece.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: What the `tokenizers` Unigram model subtracts from the lowest piece score for an unknown character.
UNKNOWN_PENALTY = 10.0


class UnigramTokenizer:
    def __init__(self, path: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        model = spec.get("model") or {}
        if model.get("type") != "Unigram" or model.get("byte_fallback"):
            raise ValueError(f"{path}: not a Unigram tokenizer without byte fallback")
        vocab = model["vocab"]
        # As in `tokenizers`: a piece listed twice is its last entry.
        self._pieces: dict[str, tuple[int, float]] = {piece: (i, float(score)) for i, (piece, score) in enumerate(vocab)}
        # The longest piece that starts with each character bounds the search from it.
        self._longest: dict[str, int] = {}
        for piece, _ in vocab:
            if piece and len(piece) > self._longest.get(piece[0], 0):
                self._longest[piece[0]] = len(piece)
        self._unknown_score = min(float(score) for _, score in vocab) - UNKNOWN_PENALTY
        self._unknown_id = int(model["unk_id"])
        self._max_length = max_length
        self._special = _template(spec["post_processor"])
        added = {token["content"]: int(token["id"]) for token in spec.get("added_tokens", ())}
        self._added = added
        self._added_pattern = re.compile("|".join(re.escape(t) for t in sorted(added, key=len, reverse=True))) if added else None
        spec["model"] = {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]], "byte_fallback": False}
        spec["added_tokens"] = []
        spec["post_processor"] = None
        spec["truncation"] = None
        spec["padding"] = None
        shell = Tokenizer.from_str(json.dumps(spec))
        self._normalizer = shell.normalizer
        self._pre_tokenizer = shell.pre_tokenizer

    def encode(self, text: str) -> list[int]:
        """The token ids of ``text`` with the special tokens around it, truncated on the right."""
        before, after = self._special
        room = self._max_length - len(before) - len(after)
        return before + self._content(text)[: max(room, 0)] + after

    def _content(self, text: str) -> list[int]:
        ids: list[int] = []
        position = 0
        if self._added_pattern is not None:
            for match in self._added_pattern.finditer(text):
                ids += self._segment(text[position : match.start()])
                ids.append(self._added[match.group()])
                position = match.end()
        return ids + self._segment(text[position:])

    def _segment(self, text: str) -> list[int]:
        if not text:
            return []
        normalized = self._normalizer.normalize_str(text) if self._normalizer is not None else text
        words = [w for w, _ in self._pre_tokenizer.pre_tokenize_str(normalized)] if self._pre_tokenizer is not None else [normalized]
        ids: list[int] = []
        for word in words:
            ids += self._viterbi(word)
        return ids

    def _viterbi(self, word: str) -> list[int]:
        size = len(word)
        if size == 0:
            return []
        pieces = self._pieces
        # best[end] = (score, start, id) of the best path ending at `end`; id None for an unknown character.
        best: list[tuple[float, int, int | None] | None] = [None] * (size + 1)
        best[0] = (0.0, 0, None)
        for start in range(size):
            reached = best[start]
            if reached is None:
                continue
            base = reached[0]
            single = False
            for end in range(start + 1, min(size, start + self._longest.get(word[start], 0)) + 1):
                found = pieces.get(word[start:end])
                if found is None:
                    continue
                candidate = base + found[1]
                target = best[end]
                if target is None or candidate > target[0]:
                    best[end] = (candidate, start, found[0])
                if end == start + 1:
                    single = True
            if not single:
                candidate = base + self._unknown_score
                target = best[start + 1]
                if target is None or candidate > target[0]:
                    best[start + 1] = (candidate, start, None)
        # Back from the end; consecutive unknown pieces are fused into one, looked up again as a whole.
        spans: list[tuple[int, int, int]] = []
        end = size
        while end > 0:
            step = best[end]
            assert step is not None
            token = self._unknown_id if step[2] is None else step[2]
            if spans and token == self._unknown_id and spans[-1][2] == self._unknown_id:
                spans[-1] = (step[1], spans[-1][1], token)
            else:
                spans.append((step[1], end, token))
            end = step[1]
        spans.reverse()
        return [
            token if token != self._unknown_id else pieces.get(word[start:stop], (token, 0.0))[0]
            for start, stop, token in spans
        ]


def _template(processor: dict | None) -> tuple[list[int], list[int]]:
    """The special token ids a single-sequence template puts before and after the text."""
    if not processor:
        return [], []
    if processor.get("type") != "TemplateProcessing":
        raise ValueError(f"unsupported post-processor {processor.get('type')!r}")
    special = processor["special_tokens"]
    before: list[int] = []
    after: list[int] = []
    seen_text = False
    for item in processor["single"]:
        if "Sequence" in item:
            seen_text = True
        else:
            ids = special[item["SpecialToken"]["id"]]["ids"]
            (after if seen_text else before).extend(ids)
    return before, after
