"""The generated parts of the READMEs match their single sources (datapackage.json, the claim registry)."""
from __future__ import annotations

from pricewar import docs
from pricewar.verdicts import REGISTRY


def test_readmes_are_in_sync_with_their_sources():
    assert docs.main(["--check"]) == 0, "run: python -m pricewar.docs"


def test_method_table_has_every_claim_and_its_chapter():
    table = docs.method_table()
    for claim in REGISTRY.values():
        assert f"| {claim.id} |" in table and f"`{claim.chapter}`" in table


def test_registry_chapters_exist():
    from conftest import ROOT

    for claim in REGISTRY.values():
        assert (ROOT / "notebooks" / f"{claim.chapter}.ipynb").exists(), claim.id
