"""The trained clause reader: int8 ONNX MiniLM with three heads, run by onnxruntime (no torch).

For each clause it gives calibrated probabilities of the area it is about, what it says about
that area, and whether the system acts without a person. A clause may come with its context, the
question it answers: a reader trained on pairs (`"pairs": true` in reader.json) reads the two as a
BERT sentence pair, "[CLS] question [SEP] clause [SEP]", so a bare "None." is read as the answer to
that question; an older reader reads the clause alone. Trained by `make train-reader`
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
from bot.onnx_session import cpu_session

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


def encode(tokenizer, texts: list[str], contexts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids, attention mask and token types: a clause alone, or "[CLS] context [SEP] clause [SEP]"
    (the clause's tokens typed 1) when it has a context. Shared by training and run time."""
    enc = tokenizer.encode_batch([(c, t or " ") if c else (t or " ") for t, c in zip(texts, contexts, strict=True)])
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    types = np.array([e.type_ids for e in enc], dtype=np.int64)
    return ids, mask, types


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class Reader:
    """Reads clauses; same text and context, same reading. Thread-safe; readings are cached by both."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2, verify: bool = True) -> None:
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
        try:
            self._session = cpu_session(blob, threads)
            self._tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise _broken(model_path, "corrupt") from exc
        self._tokenizer.enable_truncation(max_length=int(self.meta.get("max_tokens", 64)))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.version: str = self.meta["version"]
        self.pairs: bool = bool(self.meta.get("pairs", False))  # trained to read a clause with its question
        # Clauses per onnxruntime run: dynamic int8 scales activations over the batch, so a reader whose
        # figures were measured reading each clause alone ("read_batch": 1) is run that way too.
        self._batch = int(self.meta.get("read_batch", BATCH_SIZE))
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], Reading] = OrderedDict()

    def read(self, texts: list[str], contexts: list[str] | None = None) -> list[Reading]:
        """A reading per text, in order; `contexts` gives each text the question it answers ("" for none).
        A reader not trained on pairs ignores them."""
        ctx = contexts if contexts is not None and self.pairs else [""] * len(texts)
        keys = list(zip(ctx, texts, strict=True))
        with self._lock:
            known = {k: self._cache[k] for k in keys if k in self._cache}
        fresh_keys = [k for k in dict.fromkeys(keys) if k not in known]
        fresh = self._run([t for _, t in fresh_keys], [c for c, _ in fresh_keys])
        known.update(zip(fresh_keys, fresh, strict=True))
        with self._lock:
            for key, reading in zip(fresh_keys, fresh, strict=True):
                self._cache[key] = reading
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return [known[k] for k in keys]

    def _run(self, texts: list[str], contexts: list[str]) -> list[Reading]:
        out: list[Reading] = []
        for start in range(0, len(texts), self._batch):
            batch = texts[start : start + self._batch]
            with self._lock:  # the tokenizer's padding state is shared
                ids, mask, types = encode(self._tokenizer, batch, contexts[start : start + self._batch])
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            heads = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
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
