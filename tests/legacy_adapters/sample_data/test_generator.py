"""The synthetic catalog must read like Luma's: same files, headers, dialect and cell formats.

Expectations come from Luma's own files and from Magento's import-format rules, never from
the generator's output.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from legacy_adapters.sample_data import generator, import_format
from scripts import generate_catalog
from scripts.stack import paths

REPO = paths.REPO_ROOT
LUMA = paths.sample_data()
MODULES = Path("magento2-sample-data/app/code/Magento")
PRODUCTS = MODULES / "ConfigurableSampleData/fixtures/products.csv"
FIXTURE_FILES = (
    PRODUCTS,
    MODULES / "ConfigurableSampleData/fixtures/attributes.csv",
    MODULES / "ConfigurableSampleData/fixtures/categories.csv",
    MODULES / "CatalogSampleData/fixtures/attributes.csv",
    MODULES / "CatalogSampleData/fixtures/categories.csv",
)
ATTRIBUTE_FILES = [f for f in FIXTURE_FILES if f.name == "attributes.csv"]
CATEGORY_FILES = [f for f in FIXTURE_FILES if f.name == "categories.csv"]
ROOT = "Default Category"
SYSTEM_CODES = {"has_options", "required_options"}  # Magento's own, not in attributes.csv
needs_luma = pytest.mark.skipif(not LUMA.is_dir(), reason=f"Luma sample data not at {LUMA}")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def pairs(cell: str) -> dict[str, list[str]]:
    """'a=X,b=Y|Z' -> {'a': ['X'], 'b': ['Y', 'Z']}, split the way Magento's importer does."""
    out: dict[str, list[str]] = {}
    for part in re.split(r",(?=[a-z_]+=)", cell) if cell else []:
        code, _, value = part.partition("=")
        out[code] = value.split("|")
    return out


def variations(cell: str) -> list[dict[str, str]]:
    return [dict(f.split("=", 1) for f in entry.split(",")) for entry in cell.split("|") if entry]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[generator.GeneratedCatalog, Path]:
    out = tmp_path_factory.mktemp("catalog")
    return generator.generate(out, 2000, seed=11), out


@pytest.fixture(scope="module")
def rows(catalog: tuple[generator.GeneratedCatalog, Path]) -> list[dict[str, str]]:
    return read(catalog[1] / PRODUCTS)


@pytest.fixture(scope="module")
def attributes(
    catalog: tuple[generator.GeneratedCatalog, Path],
) -> dict[str, dict[str, set[str]]]:
    """code -> {'input', 'labels', 'options', 'sets'}, each the set of lines across both files."""
    merged: dict[str, dict[str, set[str]]] = {}
    for path in ATTRIBUTE_FILES:
        for row in read(catalog[1] / path):
            entry = merged.setdefault(
                row["attribute_code"],
                {"input": set(), "labels": set(), "options": set(), "sets": set()},
            )
            entry["input"].add(row["frontend_input"])
            entry["labels"].update(row["frontend_label"].split("\n"))
            entry["options"].update(o for o in row["option"].split("\n") if o)
            entry["sets"].update(row["attribute_set"].split("\n"))
    return merged


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 250])
def test_writes_exactly_the_requested_number_of_product_rows(tmp_path: Path, size: int) -> None:
    result = generator.generate(tmp_path, size, seed=size)
    written = read(tmp_path / PRODUCTS)
    configurable = sum(r["product_type"] == "configurable" for r in written)
    assert len(written) == size == result.products
    assert (result.configurables, result.simples) == (configurable, size - configurable)


def test_rejects_a_negative_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="products"):
        generator.generate(tmp_path, -1)


@needs_luma
@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=str)
def test_headers_are_lumas(catalog: tuple[generator.GeneratedCatalog, Path], fixture: Path) -> None:
    assert header(catalog[1] / fixture) == header(LUMA / fixture)


@needs_luma
def test_csv_line_writes_lumas_dialect_byte_for_byte() -> None:
    """Luma's products.csv was written by PHP's fputcsv; csv_line must reproduce it exactly."""
    with (LUMA / PRODUCTS).open(newline="", encoding="utf-8") as handle:
        text = handle.read()
        handle.seek(0)
        rewritten = "".join(generator.csv_line(row) for row in csv.reader(handle))
    assert rewritten == text


def test_every_generated_file_is_in_that_dialect(
    catalog: tuple[generator.GeneratedCatalog, Path],
) -> None:
    for fixture in FIXTURE_FILES:
        raw = (catalog[1] / fixture).read_bytes()
        with (catalog[1] / fixture).open(newline="", encoding="utf-8") as handle:
            rewritten = "".join(generator.csv_line(row) for row in csv.reader(handle))
        assert b"\r" not in raw and rewritten.encode() == raw, fixture


def test_skus_and_url_keys_are_unique(rows: list[dict[str, str]]) -> None:
    skus = [r["sku"] for r in rows]
    url_keys = [r["url_key"] for r in rows]
    assert len(set(skus)) == len(skus)
    assert len(set(url_keys)) == len(url_keys)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in url_keys)


def test_children_exist_and_come_before_their_parent(rows: list[dict[str, str]]) -> None:
    seen: dict[str, dict[str, str]] = {}
    claimed: set[str] = set()
    for row in rows:
        if row["product_type"] == "configurable":
            assert row["visibility"] == "Catalog, Search"
            children = variations(row["configurable_variations"])
            assert children, row["sku"]
            for variation in children:
                child = seen[variation.pop("sku")]  # KeyError: missing or after its parent
                assert child["product_type"] == "simple"
                assert child["visibility"] == "Not Visible Individually"
                assert child["sku"] not in claimed
                claimed.add(child["sku"])
                child_values = pairs(child["additional_attributes"])
                assert variation == {code: child_values[code][0] for code in variation}
                assert set(variation) == {"size", "color"}
        seen[row["sku"]] = row
    orphans = [
        r["sku"]
        for r in rows
        if r["visibility"] == "Not Visible Individually" and r["sku"] not in claimed
    ]
    assert not orphans


def test_mostly_configurables_plus_some_standalone_simples(rows: list[dict[str, str]]) -> None:
    parents = [r for r in rows if r["product_type"] == "configurable"]
    standalone = [
        r for r in rows if r["product_type"] == "simple" and r["visibility"] == "Catalog, Search"
    ]
    assert standalone
    assert len(parents) > len(standalone)
    assert len(rows) - len(parents) - len(standalone) > len(rows) // 2  # children dominate


def test_every_label_used_is_an_option_of_the_attribute(
    rows: list[dict[str, str]], attributes: dict[str, dict[str, set[str]]]
) -> None:
    for row in rows:
        used = pairs(row["additional_attributes"])
        for variation in variations(row["configurable_variations"]):
            used.update({code: [label] for code, label in variation.items() if code != "sku"})
        for code, labels in used.items():
            if code in SYSTEM_CODES:
                continue
            attribute = attributes[code]
            if attribute["input"] == {"boolean"}:
                assert labels in (["Yes"], ["No"]), (row["sku"], code)
            else:
                assert set(labels) <= attribute["options"], (row["sku"], code, labels)
                assert len(labels) == 1 or attribute["input"] == {"multiselect"}


def test_variation_labels_name_the_axes(
    rows: list[dict[str, str]], attributes: dict[str, dict[str, set[str]]]
) -> None:
    for row in rows:
        if row["product_type"] == "configurable":
            labels = dict(p.split("=", 1) for p in row["configurable_variation_labels"].split(","))
            assert set(labels) == {"size", "color"}
            assert all(label in attributes[code]["labels"] for code, label in labels.items())
            assert attributes["size"]["input"] == attributes["color"]["input"] == {"select"}


def test_attributes_used_belong_to_the_products_attribute_set(
    rows: list[dict[str, str]], attributes: dict[str, dict[str, set[str]]]
) -> None:
    assert {r["attribute_set_code"] for r in rows} >= {"Top", "Bottom"}
    for row in rows:
        for code in pairs(row["additional_attributes"]).keys() - SYSTEM_CODES:
            assert row["attribute_set_code"] in attributes[code]["sets"], (row["sku"], code)


def test_the_required_attributes_exist(attributes: dict[str, dict[str, set[str]]]) -> None:
    expected = {
        "color": "select",
        "size": "select",
        "material": "multiselect",
        "activity": "multiselect",
        "eco_collection": "boolean",
    }
    assert {code: attributes[code]["input"] for code in expected} == {
        code: {kind} for code, kind in expected.items()
    }


def test_every_category_used_exists_and_is_a_leaf(
    catalog: tuple[generator.GeneratedCatalog, Path], rows: list[dict[str, str]]
) -> None:
    tree = [row for path in CATEGORY_FILES for row in read(catalog[1] / path)]
    paths = {f"{r['path']}/{r['name']}" if r["path"] else r["name"] for r in tree}
    parents = {r["path"] for r in tree}
    assert 30 <= len(paths) <= 60
    assert catalog[0].categories == len(paths)
    for row in rows:
        cells = row["categories"].split(",")
        assert cells[-1] == ROOT, row["sku"]
        leaves = [cell.removeprefix(f"{ROOT}/") for cell in cells[:-1]]
        assert 1 <= len(leaves) <= 3 and all(c.startswith(f"{ROOT}/") for c in cells[:-1])
        assert set(leaves) <= paths - parents, (row["sku"], leaves)


def test_values_look_like_a_real_store(rows: list[dict[str, str]]) -> None:
    prices = [r["price"] for r in rows]
    assert all(re.fullmatch(r"\d+(\.\d\d)?", p) for p in prices)
    assert any("." in p for p in prices) and any("." not in p for p in prices)
    specials = [r for r in rows if r["special_price"]]
    assert specials and all(0 < Decimal(r["special_price"]) < Decimal(r["price"]) for r in specials)
    out = [r for r in rows if r["is_in_stock"] == "0"]
    assert out and all(r["qty"] == "0" for r in out)
    assert any(int(r["qty"]) > 0 for r in rows)
    for row in rows:
        assert "/" in row["description"] and not row["description"].isascii(), row["sku"]
        if row["product_type"] == "simple":
            assert Decimal(row["weight"]) > 0


def test_the_loaders_parser_reads_it(
    catalog: tuple[generator.GeneratedCatalog, Path], rows: list[dict[str, str]]
) -> None:
    specs = list(import_format.parse_file(catalog[1] / PRODUCTS))
    assert [s.sku for s in specs] == [r["sku"] for r in rows]
    for spec in specs:
        if spec.type_id == "configurable":
            assert set(spec.super_attributes) == {"size", "color"}
            assert spec.variations


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generator.generate(tmp_path / name, 300, seed=seed)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == len(FIXTURE_FILES) + 1  # + GENERATED.md
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    assert (tmp_path / "a" / PRODUCTS).read_bytes() != (tmp_path / "c" / PRODUCTS).read_bytes()


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generator.generate(tmp_path, 1000, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (1000, 1000)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert 10 <= len(calls) <= 101


def test_main_writes_the_tree_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate_catalog.main(["--products", "25", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert all((tmp_path / f).is_file() for f in FIXTURE_FILES)
    assert len(read(tmp_path / PRODUCTS)) == 25
    notice = (tmp_path / "GENERATED.md").read_text(encoding="utf-8")
    assert "synthetic" in notice and "seed: 3" in notice and "products: 25" in notice
    out, err = capsys.readouterr()
    assert "wrote 25 products" in out and "(100%)" in err


def test_main_refuses_a_negative_count(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        generate_catalog.main(["--products", "-5", "--out", str(tmp_path)])
    assert exited.value.code == 2
