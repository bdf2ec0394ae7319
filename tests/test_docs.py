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


def test_the_worked_example_in_the_data_readme_is_valid_data(tmp_path):
    """A re-runner copies these rows: they must pass validation as printed (the table named before each row)."""
    import re
    import shutil

    from conftest import ROOT

    from pricewar.schema import validate

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    example = text.split("## Adding a model and its price", 1)[1].split("```")[1]
    rows = re.findall(r"^(\w+\.csv):\s+(.+)$", example, re.M)
    assert {name for name, _ in rows} >= {"models.csv", "price_changes.csv"}
    for name, row in rows:
        path = data / name
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row + "\n", encoding="utf-8")
    assert validate(data, label="data") == []
