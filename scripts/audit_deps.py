"""Audit the locked dependencies for known vulnerabilities (`make audit`, run by `.ci/run`).

Runs pip-audit on requirements-test.lock without resolving or installing anything. Fails on any
known vulnerability. When the vulnerability database can't be reached (CI machines reach only
the package indexes), it says so loudly, naming how many packages went unaudited, instead of
passing silently; set COACH_AUDIT_STRICT=1 to make that a failure too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_audit(lock: Path) -> dict:
    """pip-audit's JSON report for one lock file (pinned, no resolution)."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    cmd = [str(pip_audit), "--disable-pip", "--no-deps", "-r", str(lock), "-f", "json", "--progress-spinner", "off"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}


def summarise(report: dict) -> tuple[int, list[str], list[str]]:
    """(audited count, vulnerability lines, unaudited package names)."""
    if "error" in report:
        return 0, [], ["all (pip-audit failed: " + report["error"] + ")"]
    audited, vulns, skipped = 0, [], []
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(dep["name"])
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            vulns.append(f"{dep['name']}=={dep['version']}: {vuln['id']} (fixed in {fixes})")
    return audited, vulns, skipped


def main() -> int:
    lock = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "requirements-test.lock")
    audited, vulns, skipped = summarise(run_audit(lock))
    for line in vulns:
        print(f"audit: VULNERABLE {line}")
    if skipped:
        print(
            f"audit: WARNING the vulnerability database could not be reached for {len(skipped)} "
            f"package(s); they were NOT audited (first: {', '.join(skipped[:3])}). "
            "Run `make audit` where pypi.org's JSON API is reachable."
        )
    print(f"audit: {audited} package(s) audited, {len(vulns)} known vulnerabilit(y/ies), {len(skipped)} not audited")
    if vulns:
        return 1
    strict = os.environ.get("COACH_AUDIT_STRICT", "") not in ("", "0", "false")
    return 1 if skipped and strict else 0


if __name__ == "__main__":
    sys.exit(main())
