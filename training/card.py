"""Write the reader's model card (bot/assets/reader/README.md) from reader.json and the frozen split.

Runs in the product's venv after training (`make train-reader` calls it):
    .venv/bin/python -m training.card
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from training.corpus import DATA, SEED, load_jsonl

CARD = Path(__file__).resolve().parent.parent / "bot" / "assets" / "reader" / "README.md"


def corpus_table() -> str:
    """Counts per area and status in the training corpus."""
    rows = load_jsonl(sorted((DATA / "train").glob("*.jsonl")))
    areas = Counter(r["area"] for r in rows)
    statuses = Counter(r["status"] for r in rows)
    voices = Counter(r.get("voice", "?") for r in rows)
    autonomy = Counter(r["autonomy"] for r in rows)
    line = lambda c: ", ".join(f"{k} {v}" for k, v in c.most_common())  # noqa: E731
    return (
        f"- {len(rows)} labelled clauses in `training/data/train/` ({sum(1 for r in rows if r.get('pair'))} "
        f"in contrast pairs)\n- areas: {line(areas)}\n- statuses: {line(statuses)}\n"
        f"- autonomy: {line(autonomy)}\n- voices: {line(voices)}"
    )


def main() -> None:
    from bot.config import Settings
    from bot.reading.reader import get_reader
    from evals import frozen
    from evals.context import EvalContext

    meta = json.loads((CARD.parent / "reader.json").read_text(encoding="utf-8"))
    clauses = frozen.clause_metrics(get_reader())
    writeups = frozen.writeup_metrics(frozen.writeup_rows(EvalContext(Settings()).coach()))
    hp = meta["hyperparameters"]
    dev = meta["dev_accuracy_int8"]
    training = (
        f"{hp['epochs']} epochs max (best dev epoch kept), lr {hp['lr']}, batch {hp['batch']}, seed {hp['seed']}, "
        f"{hp.get('loss', 'cross-entropy per head, label smoothing 0.05')}, max {meta['max_tokens']} tokens"
    )
    if hp.get("consistency"):
        training += f", consistency loss (weight {hp['consistency']}) reading each contrast family's wordings alike"
    if meta.get("soup"):
        runs = ", ".join(f"{m['version']} (seed {m['seed']})" for m in meta["soup"])
        training += (
            f"; shipped as a uniform average of {len(meta['soup'])} runs' weights (a model soup,"
            f" training/soup_reader.py): {runs}"
        )
    if meta.get("pairs"):
        training += (
            f"; reads a clause with the question it answers as a sentence pair ([CLS] question [SEP] clause [SEP],"
            f" pooled over the clause), {hp['context']:.0%} of clauses paired with a rubric question each epoch,"
            f" context-only lines ({', '.join(hp['context_only'])}) never read alone"
        )

    text = f"""# Reader model card: `{meta["version"]}`

The coach's offline reader. For each clause a team writes it gives calibrated probabilities for
three things: the **area** it is about ({", ".join(meta["labels"]["area"])}), what it **says** about
it ({", ".join(meta["labels"]["status"])}), and whether the system **acts without a person**
({", ".join(meta["labels"]["autonomy"])}). The rubric's `reading:` policy turns those probabilities
into a status per area (bot/reading/judge.py); severity and verdict stay rules in `rubric.yaml`.

| | |
|---|---|
| file | `reader.onnx` (int8, dynamic quantisation), `tokenizer.json` (BERT uncased WordPiece) |
| sha256 | `{meta["sha256"]}` |
| version | `{meta["version"]}` (recorded as `reader_version` in every report) |
| trained | {meta["trained"]} |
| base | {meta["base_model"]}, mean pooling, three linear heads |
| training | {training} |
| calibration | temperature per head fitted on the dev split: {meta["temperature"]} |
| runtime | onnxruntime on CPU, no torch; `make train-reader` rebuilds it (torch CPU, a build step) |

## Data
{corpus_table()}
- dev: a fixed 10% of the corpus (split seed {SEED}), used to keep the best epoch and fit temperatures
- frozen split, written before training by separate sessions that never saw the corpus, never
  trained or tuned on: `training/data/frozen/clauses.jsonl` ({clauses["clauses"]} clauses),
  `paraphrases.jsonl` ({clauses["paraphrase_pairs"]} pairs with no cue word in common) and
  `writeups/` ({writeups["cases"]} whole write-ups)
- labelling guidelines: `training/data/GUIDELINES.md`

## Figures (int8 model, as shipped)

| split | area | status | autonomy |
|---|---|---|---|
| dev | {dev["area"]} | {dev["status"]} | {dev["autonomy"]} |
| frozen clauses | {clauses["area_accuracy"]} | {clauses["status_accuracy"]} | {clauses["autonomy_accuracy"]} |

Paraphrase pairs given the same three labels: {clauses["paraphrase_same_label"]}; the same status:
{clauses["paraphrase_same_status"]}.

Frozen write-ups, one-shot `coach assess`: gap recall {writeups["gap_recall"]}, gap precision
{writeups["gap_precision"]}, in-place areas recognised {writeups["ready_recognised"]}, cases with a
false critical gap {writeups["false_critical_cases"]}, agentic accuracy {writeups["agentic_accuracy"]},
lead evidence quote right {writeups["lead_evidence_right"]}, severity accuracy {writeups["severity_accuracy"]}.

## Limits
- English only; trained on written clauses of 2-60 words. Longer sentences are split into clauses
  first (bot/text.py), so a meaning spread over several sentences is read clause by clause.
- The corpus was written for this project (see the guidelines); the wording of real teams drifts
  from it. When an unseen probe finds a misreading, add labelled clauses and retrain; never add
  the probe's own sentences to the frozen split.
"""
    CARD.write_text(text, encoding="utf-8")
    print(f"wrote {CARD}")


if __name__ == "__main__":
    main()
