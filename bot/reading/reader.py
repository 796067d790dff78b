"""The trained clause reader: int8 ONNX MiniLM with three heads, run by onnxruntime (no torch).

For each clause it gives calibrated probabilities of the area it is about, what it says about
that area, and whether the system acts without a person. Trained by `make train-reader`
(training/train_reader.py); the model card is bot/assets/reader/README.md.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.errors import ConfigError

MODEL_DIR = Path(__file__).resolve().parent.parent / "assets" / "reader"
BATCH_SIZE = 32
CACHE_SIZE = 20_000  # clause readings kept per process (each ~17 floats)


@dataclass(frozen=True)
class Reading:
    """One clause as the reader sees it: a probability per label, per head."""

    text: str
    area: dict[str, float]
    status: dict[str, float]
    autonomy: dict[str, float]

    def best(self, head: str) -> str:
        """The most likely label of one head."""
        probs: dict[str, float] = getattr(self, head)
        return max(probs, key=probs.__getitem__)


def _broken(path: Path, what: str) -> ConfigError:
    return ConfigError(
        f"The reader model file {path} is {what}: run `make train-reader` to rebuild it, "
        "or restore it with `git checkout bot/assets/reader`."
    )


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class Reader:
    """Reads clauses; same text, same reading. Thread-safe; readings are cached by text."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2, verify: bool = True) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta_path, model_path, tok_path = (model_dir / n for n in ("reader.json", "reader.onnx", "tokenizer.json"))
        for path in (meta_path, model_path, tok_path):
            if not path.is_file():
                raise _broken(path, "missing")
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.labels: dict[str, list[str]] = self.meta["labels"]
            self._temps: dict[str, float] = self.meta["temperature"]
        except (ValueError, KeyError) as exc:
            raise _broken(meta_path, "corrupt") from exc
        blob = model_path.read_bytes()
        if verify and hashlib.sha256(blob).hexdigest() != self.meta.get("sha256"):
            raise _broken(model_path, "corrupt (its sha256 does not match reader.json)")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(blob, sess_options=options, providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise _broken(model_path, "corrupt") from exc
        self._tokenizer.enable_truncation(max_length=int(self.meta.get("max_tokens", 64)))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.version: str = self.meta["version"]
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Reading] = OrderedDict()

    def read(self, texts: list[str]) -> list[Reading]:
        """A reading per text, in order."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        fresh = self._run([t for t in dict.fromkeys(texts) if t not in known])
        known.update((r.text, r) for r in fresh)
        with self._lock:
            for reading in fresh:
                self._cache[reading.text] = reading
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return [known[t] for t in texts]

    def _run(self, texts: list[str]) -> list[Reading]:
        out: list[Reading] = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = texts[start : start + BATCH_SIZE]
            with self._lock:  # the tokenizer's padding state is shared
                enc = self._tokenizer.encode_batch([t or " " for t in batch])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            heads = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            probs = {
                name: _softmax(logits, float(self._temps.get(name, 1.0)))
                for name, logits in zip(("area", "status", "autonomy"), heads, strict=True)
            }
            for i, text in enumerate(batch):
                out.append(
                    Reading(
                        text,
                        *(
                            dict(zip(self.labels[h], (round(float(p), 4) for p in probs[h][i]), strict=True))
                            for h in ("area", "status", "autonomy")
                        ),
                    )
                )
        return out


@lru_cache(maxsize=1)
def get_reader() -> Reader:
    """The process-wide reader, loaded on first use (never at import)."""
    return Reader()
