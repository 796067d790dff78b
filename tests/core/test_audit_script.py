"""scripts/audit_deps.py fails on a known vulnerability and never passes silently when it couldn't look."""

from __future__ import annotations

import runpy
from pathlib import Path

AUDIT = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"))
summarise = AUDIT["summarise"]


def test_vulnerabilities_are_listed_with_their_fix() -> None:
    report = {
        "dependencies": [
            {"name": "requests", "version": "2.19.0", "vulns": [{"id": "PYSEC-2018-28", "fix_versions": ["2.20.0"]}]},
            {"name": "pyyaml", "version": "6.0.2", "vulns": []},
        ]
    }
    audited, vulns, skipped = summarise(report)
    assert (audited, skipped) == (2, [])
    assert vulns == ["requests==2.19.0: PYSEC-2018-28 (fixed in 2.20.0)"]


def test_unreachable_database_is_reported_as_unaudited() -> None:
    report = {"dependencies": [{"name": "aiohttp", "skip_reason": "Dependency not found on PyPI"}]}
    assert summarise(report) == (0, [], ["aiohttp"])
    assert summarise({"error": "ConnectionError"})[2] == ["all (pip-audit failed: ConnectionError)"]
