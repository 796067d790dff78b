"""Eval results as tables, JSON and a self-contained HTML report (inline CSS, no assets)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from evals.metrics import flatten

SIDE_BY_SIDE = ("coach", "baseline", "hybrid", "dense", "lexical")
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d232a;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #d6dae0;
padding:.25rem .5rem;vertical-align:top;text-align:left}th{background:#f1f3f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}.fail{background:#fde8e8}
.ok{color:#17683a}.bad{color:#a11}.small{font-size:12px;color:#555}pre{white-space:pre-wrap;margin:0}
"""


Row = tuple[str, str, list[float | None]]  # label, metric path of the first value, values


def metric_columns(metrics: dict[str, Any]) -> tuple[list[str], list[Row]]:
    """A suite's metrics as (column names, rows): coach beside baseline, modes side by side."""
    cols = [c for c in SIDE_BY_SIDE if isinstance(metrics.get(c), dict)]
    if not cols:
        return ["value"], [(path, path, [value]) for path, value in flatten(metrics).items()]
    per = {c: flatten(metrics[c]) for c in cols}
    paths = list(dict.fromkeys(p for c in cols for p in per[c]))
    rows: list[Row] = [(p, f"{cols[0]}.{p}", [per[c].get(p) for c in cols]) for p in paths]
    rest = {k: v for k, v in metrics.items() if k not in cols}
    rows += [(p, p, [value] + [None] * (len(cols) - 1)) for p, value in flatten(rest).items()]
    return cols, rows


def fmt(value: float | None, spread: dict[str, float] | None = None) -> str:
    """A number for a table cell, with min-max and stdev when several runs were averaged."""
    if value is None:
        return ""
    text = f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    if spread and spread.get("max", 0) != spread.get("min", 0):
        text += f" ({spread['min']:g}-{spread['max']:g}, sd {spread['stdev']:g})"
    return text


def write_json(results: dict[str, Any], folder: Path) -> Path:
    """Write DIR/results.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.json"
    path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return f"<pre>{escape(str(value))}</pre>"


def _misses_html(misses: list[dict[str, Any]]) -> str:
    if not misses:
        return "<p class='ok'>No misses.</p>"
    keys = list(dict.fromkeys(k for m in misses for k in m if k != "transcript"))
    head = "".join(f"<th>{escape(k)}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{_cell(m.get(k, ''))}</td>" for k in keys) + "</tr>" for m in misses)
    return f"<p>{len(misses)} miss(es)</p><table><tr>{head}</tr>{body}</table>"


def _metrics_html(suite: str, metrics: dict[str, Any], results: dict[str, Any]) -> str:
    failing = {f["path"] for f in results["failures"]}
    bounds = {t["path"]: t for t in results["thresholds"]}
    cols, rows = metric_columns(metrics)
    head = "<tr><th>metric</th>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "<th>threshold</th></tr>"
    out = []
    for path, sub_path, values in rows:
        full = f"{suite}.{sub_path}"
        t = bounds.get(full)
        bound = f"{'&ge;' if t['kind'] == 'min' else '&le;'} {t['bound']:g}" if t else ""
        spread = results["spread"].get(full)
        cells = "".join(
            f"<td class='num'>{escape(fmt(v, spread if i == 0 else None))}</td>" for i, v in enumerate(values)
        )
        cls = " class='fail'" if full in failing else ""
        out.append(f"<tr{cls}><td>{escape(path)}</td>{cells}<td>{bound}</td></tr>")
    return f"<table>{head}{''.join(out)}</table>"


def render_html(results: dict[str, Any]) -> str:
    """The whole report as one HTML page."""
    fails = results["failures"]
    status = (
        f"<p class='bad'><b>{len(fails)} metric(s) below threshold</b></p><ul>"
        + "".join(f"<li>{escape(f['message'])}</li>" for f in fails)
        + "</ul>"
        if fails
        else "<p class='ok'><b>All thresholds met.</b></p>"
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Readiness Coach evals</title><style>{CSS}</style></head><body>",
        "<h1>Readiness Coach evals</h1>",
        f"<p class='small'>engine {escape(results['engine'])}, {results['runs']} run(s), {results['seconds']} s</p>",
        status,
    ]
    for suite, data in results["suites"].items():
        parts.append(f"<h2 id='{escape(suite)}'>{escape(suite)} <span class='small'>{data['seconds']} s</span></h2>")
        parts.append(_metrics_html(suite, data["metrics"], results))
        parts += [f"<p class='small'>{escape(n)}</p>" for n in data.get("notes", [])]
        parts.append(_misses_html(data["misses"]))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(results: dict[str, Any], folder: Path) -> Path:
    """Write DIR/report.html."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(render_html(results), encoding="utf-8")
    return path
