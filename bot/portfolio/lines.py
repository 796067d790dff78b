"""The portfolio's lines and aggregates, pure: one pilot's row, the portfolio's totals, filters, CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.checkins.messages import headline
from bot.checkins.queries import rose
from bot.checkins.reads import pilot_status, since_close
from bot.checkins.records import SEVERITY_ORDER
from bot.checkins.stall import detect_stall, weeks_between
from bot.portfolio.rows import PilotData

SEVERITIES = ("critical", "high", "medium")
TOP = 10


@dataclass(frozen=True)
class PilotLine:
    """One pilot as the portfolio shows it (named by its public id)."""

    id: str
    name: str
    business_owner: str
    sponsor: str
    stage: str
    status: str
    verdict: str | None
    agentic: bool
    levels: dict[str, int]
    open_by_severity: dict[str, int]
    stalled: bool
    stall_reasons: list[str]
    weeks_since_close: int | None  # None: no gap has closed yet (as in GET /v1/pilots)
    trend: dict[str, Any]
    gate: dict[str, Any] | None
    open_gaps: list[dict[str, Any]] = field(default_factory=list)
    since_close: str = ""  # "2 weeks ago", "none closed yet (followed for 3 weeks)"
    headline: str = ""  # status, trend and stall reasons in one sentence: the check-ins' own
    open_questions: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (shallow: the fields hold only JSON values; asdict's deep copy is ~10x slower)."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def stage_of(status: str, gate: dict[str, Any] | None) -> str:
    """Where the pilot is on its way to production: following, ready_for_review, in_review, or the decision."""
    if gate is not None:
        return str(gate["decision"]) if gate["status"] == "decided" else "in_review"
    return "ready_for_review" if status == "done" else "following"


def line_of(data: PilotData, now: datetime, stall_weeks: int) -> PilotLine:
    """One pilot's row, judged as `GET /v1/pilots` judges it: the check-ins' own stall rules (with
    readiness rising since the last close), status, weeks since a close and headline."""
    pilot, gaps, trend = data.pilot, data.gaps, data.trend
    rising = rose(trend.points, gaps, pilot.created_at)
    stall = detect_stall(gaps, data.closed, pilot.created_at, now, stall_weeks, rising=rising)
    status = pilot_status(pilot, gaps, data.open_questions, stall, now)
    weeks, since = since_close(gaps, pilot.created_at, now)
    # the check-ins' order: severity, then registration (the report's order: its four moves within a severity)
    open_gaps = sorted((g for g in gaps if g.is_open), key=lambda g: SEVERITY_ORDER.get(g.severity, 9))
    return PilotLine(
        id=pilot.public_id,
        name=pilot.name,
        business_owner=pilot.business_owner or "",
        sponsor=pilot.sponsor or "",
        stage=stage_of(status, data.gate),
        status=status,
        verdict=data.verdict,
        agentic=data.agentic,
        levels=dict(trend.levels),
        open_by_severity={s: sum(1 for g in open_gaps if g.severity == s) for s in SEVERITIES},
        stalled=stall.stalled,
        stall_reasons=list(stall.reasons),
        weeks_since_close=weeks,
        trend=dict(trend.line),  # its lists are shared with the cache: never changed after building
        gate=data.gate,
        open_gaps=[
            {"dimension": g.dimension, "title": g.title, "severity": g.severity, "status": g.status} for g in open_gaps
        ],
        since_close=since,
        headline=headline(status, trend.line["direction"], stall.reasons),
        open_questions=data.open_questions,
    )


def aggregates(lines: Sequence[PilotLine], created: dict[str, datetime], now: datetime) -> dict[str, Any]:
    """The most common open gaps, pilots per verdict and stage, and the oldest unresolved critical gaps
    (`created`: when each pilot, by public id, began to be followed)."""
    common = Counter((g["dimension"], g["title"]) for line in lines for g in line.open_gaps)
    critical = [(created[line.id], line, g) for line in lines for g in line.open_gaps if g["severity"] == "critical"]
    critical.sort(key=lambda t: t[0])  # stable: lines come oldest pilot first
    return {
        "pilots": len(lines),
        "stalled": sum(1 for line in lines if line.stalled),
        "per_verdict": dict(Counter(line.verdict or "unknown" for line in lines).most_common()),
        "per_stage": dict(Counter(line.stage for line in lines).most_common()),
        "common_gaps": [{"dimension": dim, "title": title, "pilots": n} for (dim, title), n in common.most_common(TOP)],
        "oldest_critical": [
            {
                "pilot_id": line.id,
                "pilot": line.name,
                "dimension": g["dimension"],
                "title": g["title"],
                "open_since": at.isoformat(),
                "weeks_open": weeks_between(at, now),
            }  # fmt: skip
            for at, line, g in critical[:TOP]
        ],
    }


def matches(line: PilotLine, owner: str | None, verdict: str | None, stalled: bool | None) -> bool:
    """The page's filters: business owner or sponsor (case-insensitive part), verdict, stalled or not."""
    if owner and owner.casefold() not in f"{line.business_owner}\n{line.sponsor}".casefold():
        return False
    if verdict and line.verdict != verdict:
        return False
    return stalled is None or line.stalled == stalled


CSV_COLUMNS = ("id", "name", "business_owner", "sponsor", "stage", "status", "verdict", "agentic", "stalled",
               "weeks_since_close", "since_close", "trend", *[f"open_{s}" for s in SEVERITIES], "open_questions",
               "stall_reasons", "headline")  # fmt: skip


def to_csv(lines: Sequence[PilotLine], dimensions: Sequence[str]) -> str:
    """One row per pilot: the columns above, then the latest level of each area."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *[f"level_{d}" for d in dimensions]])
    for line in lines:
        row = line.to_dict()
        row["trend"] = line.trend["direction"]
        row["stall_reasons"] = "; ".join(line.stall_reasons)
        row.update({f"open_{s}": line.open_by_severity.get(s, 0) for s in SEVERITIES})
        cells = [_safe(row[c]) for c in CSV_COLUMNS]
        writer.writerow([*cells, *[line.levels.get(d, "") for d in dimensions]])
    return out.getvalue()


def _safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
