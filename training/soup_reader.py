"""Average the weights of several reader runs into one model (a uniform "model soup") and export it.

Each member is a `train_reader` run from the same MiniLM start with the same recipe, differing only in
its seed (and, optionally, candidate data). Fine-tuned runs from one start sit in one basin, so their
average reads like an ensemble at the cost of one model: same file size, same read time. The seed
spread of one run is wide (see training/data/candidates/README.md); the average narrows it.

    .venv-train/bin/python -m training.soup_reader --out bot/assets/reader --version V RUN_DIR...

Every RUN_DIR holds `best.pt` and `reader.json` from `train_reader --out RUN_DIR`. The dev split
(of training/data/train/) fits the temperatures, as for a single run; the frozen split is only quoted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from training.corpus import DATA, load_jsonl, split
from training.train_reader import MAX_TOKENS, ReaderNet, base_model, export, frozen_split


def average(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The mean of every floating-point tensor; integer buffers (position ids) are taken from the first."""
    first = states[0]
    if any(s.keys() != first.keys() for s in states):
        raise SystemExit("The runs do not share one architecture: their checkpoints name different tensors.")
    return {
        k: (sum(s[k].float() for s in states) / len(states)).to(v.dtype) if v.is_floating_point() else v
        for k, v in first.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for reader.onnx, reader.json and tokenizer.json")
    parser.add_argument("--version", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("runs", nargs="+", help="train_reader output folders (best.pt + reader.json)")
    args = parser.parse_args()

    from transformers import AutoModel

    torch.set_num_threads(args.threads)
    runs = [Path(r) for r in args.runs]
    for run in runs:
        for name in ("best.pt", "reader.json"):
            if not (run / name).exists():
                raise SystemExit(f"{run / name} is missing: run `train_reader --out {run}` first.")
    cards = [json.loads((run / "reader.json").read_text(encoding="utf-8")) for run in runs]
    if any(c.get("pairs") for c in cards):
        raise SystemExit("Pair-trained runs (--context) read differently; soup only runs that read clauses alone.")

    base, tokenizer = base_model(MAX_TOKENS)
    frozen_rows, frozen = frozen_split()
    _, dev_rows = split(load_jsonl(sorted((DATA / "train").glob("*.jsonl"))), frozen)

    model = ReaderNet(AutoModel.from_pretrained(str(base)))
    model.load_state_dict(average([torch.load(run / "best.pt", map_location="cpu") for run in runs]))
    model.eval()
    hp = cards[0]["hyperparameters"]
    recipe = argparse.Namespace(
        out=args.out,
        version=args.version,
        max_tokens=MAX_TOKENS,
        n_train=max(c["examples"]["train_with_variants"] for c in cards),
        epochs=hp["epochs"],
        lr=hp["lr"],
        batch=hp["batch"],
        seed=[c["hyperparameters"]["seed"] for c in cards],
        consistency=hp.get("consistency", 0.0),
        context=0.0,
        context_only=[],
        other_area=hp.get("other_area", 0.15),
        other_min_words=hp.get("other_min_words", 6),
    )
    members = [
        {
            "version": c["version"],
            "seed": c["hyperparameters"]["seed"],
            "train_with_variants": c["examples"]["train_with_variants"],
            "dev_accuracy_int8": c["dev_accuracy_int8"],
        }
        for c in cards
    ]
    history = [{"member": c["version"], "epochs": c["history"]} for c in cards]
    export(model, tokenizer, base, dev_rows, frozen_rows, history, recipe, soup=members)


if __name__ == "__main__":
    main()
