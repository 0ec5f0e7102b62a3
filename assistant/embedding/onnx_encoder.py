"""Embeddings from a verified ONNX export with ONNX Runtime and tokenizers: no torch, no sentence-transformers.

A Unigram (SentencePiece) vocabulary is tokenized by :mod:`assistant.embedding.unigram`, which gives the same
ids as `tokenizers` in a third of its memory; any other vocabulary by `tokenizers` itself.

Texts are tokenized (truncated to the model's window), sorted by length and run in batches padded to their
longest text; the hidden states are pooled over the attention mask as the model's Pooling module does and
L2-normalized. Outputs are float32, one row per text, in the order given.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

import numpy as np

from assistant.embedding.onnx_export import OnnxExport


class OnnxEncoder:
    """One ONNX Runtime session over an export; ``threads`` intra-op threads (0: one per core)."""

    def __init__(self, export: OnnxExport, threads: int = 1) -> None:
        import onnxruntime

        if threads < 0:
            raise ValueError(f"threads must be 0 (one per core) or more, not {threads}")
        self.export = export
        self.threads = threads
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Worker threads that spin while waiting take the core from whatever else runs on the machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(export.graph), options, providers=["CPUExecutionProvider"])
        #: texts -> their token ids, special tokens included, truncated to the model's window.
        self.token_ids = _tokenizer(export)
        # The word-embedding table stays on disk: only the rows of tokens that occur are read.
        self._words = np.load(export.words, mmap_mode="r", allow_pickle=False) if export.layout == "split" else None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self.export.dimension

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embeddings of ``texts``; ``progress(n)`` is called after each batch of n texts."""
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, not a single string")
        texts = list(texts)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        encodings = self.token_ids(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            result[chosen] = self._run([encodings[i] for i in chosen])
            if progress is not None:
                progress(len(chosen))
        return result

    def _run(self, encodings: list[list[int]]) -> np.ndarray:
        length = max(len(e) for e in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.int64)
        # One text per row: every token is of the first segment.
        types = np.zeros((len(encodings), length), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            n = len(encoding)
            ids[row, :n] = encoding
            mask[row, :n] = 1
        feed: dict[str, np.ndarray] = {}
        for name in self.export.inputs:
            if name == "inputs_embeds":
                assert self._words is not None
                feed[name] = np.asarray(self._words[ids], dtype=np.float32)
            elif name == "input_ids":
                feed[name] = ids
            elif name == "attention_mask":
                feed[name] = mask
            elif name == "token_type_ids":
                feed[name] = types
        with self._lock:  # one run at a time: the threads are the session's, not the callers'
            (hidden,) = self._session.run(None, feed)
        return _normalize(_pool(hidden, mask, self.export.pooling))


def _tokenizer(export: OnnxExport) -> Callable[[list[str]], list[list[int]]]:
    """texts -> their token ids, special tokens included, truncated to the model's window."""
    from assistant.embedding.unigram import UnigramTokenizer

    try:
        light = UnigramTokenizer(export.tokenizer, export.max_seq_length)
    except ValueError:
        from tokenizers import Tokenizer

        library = Tokenizer.from_file(str(export.tokenizer))
        library.no_padding()
        library.enable_truncation(max_length=export.max_seq_length)
        return lambda texts: [encoding.ids for encoding in library.encode_batch(texts)]
    return lambda texts: [light.encode(text) for text in texts]


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    if pooling == "cls":
        return hidden[:, 0]
    weights = mask[..., None].astype(np.float32)
    if pooling == "max":
        return np.where(weights > 0, hidden, np.float32(-1e9)).max(axis=1)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
