"""training/corpus.name_swaps: a clause that names a person is also trained with other names."""

from __future__ import annotations

import random

from training.corpus import first_names, name_swaps


def test_a_named_clause_gets_variants_with_other_names_and_keeps_its_labels() -> None:
    names = first_names()
    row = {"text": "Priya owns it, and Priya reports it monthly.", "area": "roi_ownership", "status": "in_place"}
    out = name_swaps([dict(row)], names, random.Random(0), per_row=3)
    variants = out[1:]
    assert variants, "a clause naming a person must get variants"
    for v in variants:
        assert "Priya" not in v["text"] and v["status"] == "in_place" and v["area"] == "roi_ownership"
        first = v["text"].split()[0]
        assert first in names and v["text"].count(first) == 2  # the same person keeps one name in a clause
        assert v["pair"] == out[0]["pair"]  # one family: the consistency loss reads them alike


def test_an_owner_named_by_role_is_also_named_by_a_person_but_a_technology_role_keeps_its_title() -> None:
    names = set(first_names())
    business = name_swaps([{"text": "The claims director owns the target."}], list(names), random.Random(1))
    texts = [v["text"] for v in business[1:]]
    assert any(t.endswith("(claims director) owns the target.") for t in texts)
    assert any(t.split()[0] in names and t.split()[1] == "owns" for t in texts)
    tech = name_swaps([{"text": "The only backer is the CIO."}], list(names), random.Random(1))
    assert [v["text"].split("(")[1] for v in tech[1:]] == ["CIO)."]  # never a bare name in its place


def test_a_clause_without_names_or_roles_is_left_alone() -> None:
    rows = [{"text": "Nobody monitors drift in production."}]
    assert name_swaps([dict(r) for r in rows], first_names(), random.Random(0)) == rows
