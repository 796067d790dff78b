"""The lock files CI installs from cover pyproject.toml, pin every package, and name no local index."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)", re.MULTILINE)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {_norm(name): version for name, version in PIN.findall(text)}


def _declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


def _uncovered(lock: str, *extras: str) -> list[str]:
    pins = _pins(lock)
    return [
        str(req)
        for req in _declared(*extras)
        if _norm(req.name) not in pins or not req.specifier.contains(pins[_norm(req.name)], prereleases=True)
    ]


def test_product_lock_covers_every_dependency() -> None:
    assert _uncovered("requirements.lock") == [], "run `make lock` after changing pyproject.toml"


def test_test_lock_covers_test_postgres_and_audit_extras() -> None:
    assert _uncovered("requirements-test.lock", "test", "postgres", "audit") == [], "run `make lock`"


def test_locks_pin_the_same_versions_and_name_no_machine_paths() -> None:
    product, full = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {name: v for name, v in product.items() if full.get(name) != v} == {}
    for lock in ("requirements.lock", "requirements-test.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        assert "file://" not in text and "--find-links" not in text and "--index-url" not in text
        lines = [ln for ln in text.splitlines() if ln and not ln.startswith((" ", "#"))]
        assert all("==" in ln for ln in lines), [ln for ln in lines if "==" not in ln]
