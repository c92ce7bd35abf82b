"""python -m bench.compare: what one shadow comparison costs, against parsing and DeepDiff.

How this works: two Magento documents, encoded by the project's PHP-compatible encoder — the
~1.5 KB `GET /rest/V1/products/24-MB01` answer the proxy bench serves (bench/fixtures.py) and a
~20 KB `GET /rest/V1/products?searchCriteria…` answer (a page of configurable products with
their custom attributes and media entries) — each in three pairs:

- `equal`: the same bytes (a distinct copy): the comparator's byte fast path;
- `equivalent`: the same values encoded by Python (`34.0`, no `\\/`): parsed and walked whole;
- `volatile`: only `updated_at` differs (in every product), which the route ignores;
- `different`: one price changed and one custom attribute moved to the end.

For every pair the median of many timed batches (`time.perf_counter_ns`) of: (a) our
`compare.diff` on two `Observed` answers under the route's rules, parsing included; (b)
`deepdiff.DeepDiff` on the two documents, parsing included (installed into this interpreter
with pip on first use, and said so: the product does not depend on it); (c) `orjson.loads` of
both bodies alone. It prints a table, the goals — ours at least 50x faster than DeepDiff, equal
documents at most 2x the cost of parsing them — and our cost next to the proxy's own CPU per
request (~60 us in legacy mode on this machine), and writes the JSON to a scratch folder.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from bench import fixtures
from legacy_adapters.magento_wire import phpjson
from strangler.compare import diff
from strangler.model import CompareRules, Observed

PROXY_CPU_US = 60.0  # the proxy's CPU per request in legacy mode on this machine (bench.proxy)
GOAL_VS_DEEPDIFF = 50.0
GOAL_EQUAL_VS_PARSE = 2.0
RUNS = 41
BATCH_NS = 2_000_000  # aim each timed batch at ~2 ms so the clock's resolution does not matter
HEADERS = {"content-type": phpjson.JSON_CONTENT_TYPE}
SEARCH_ITEMS = 12

Timed = Callable[[], object]
DeepDiffer = Callable[[Any, Any], object]


@dataclass(frozen=True, slots=True)
class Pair:
    name: str
    legacy: bytes
    new: bytes
    rules: CompareRules
    equal: bool  # both sides carry the same values


@dataclass(frozen=True, slots=True)
class Row:
    pair: str
    legacy_bytes: int
    new_bytes: int
    outcome: str
    differences: int
    ignored: int
    ours_ns: float
    parse_ns: float
    deepdiff_ns: float | None
    deepdiff_vs_ours: float | None  # how many times faster we are
    ours_vs_parse: float
    share_of_proxy_cpu: float  # ours / the proxy's per-request CPU


# ------------------------------------------------------------------------------------ documents


def configurable(n: int) -> dict[str, Any]:
    """One item of a product search page: a configurable with attributes and media."""
    item = fixtures.product()
    sku = f"MH{n:02d}"
    item.update(id=100 + n, sku=sku, name=f"Chaz Kangeroo Hoodie {n}", price=52.0 + n)
    item["type_id"] = "configurable"
    item["extension_attributes"] = {
        "website_ids": [1],
        "category_links": [{"position": 0, "category_id": str(c)} for c in (13, 34, 2)],
        "configurable_product_links": list(range(200 + 15 * n, 215 + 15 * n)),
    }
    item["media_gallery_entries"] = [
        {
            "id": 10 * n + i, "media_type": "image", "label": None, "position": i + 1,
            "disabled": False, "types": ["image", "small_image", "thumbnail"] if i == 0 else [],
            "file": f"/m/h/{sku.lower()}-gray_{side}.jpg",
        }
        for i, side in enumerate(("main", "alt1", "back"))
    ]  # fmt: skip
    item["custom_attributes"] += [
        {"attribute_code": code, "value": value}
        for code, value in (
            ("material", "35,36"), ("eco_collection", "0"), ("performance_fabric", "0"),
            ("erin_recommends", "1"), ("new", "0"), ("sale", "0"), ("pattern", "194"),
            ("climate", "201,203,204,205"),
        )
    ]  # fmt: skip
    return item


def search_result(items: int = SEARCH_ITEMS) -> dict[str, Any]:
    """A page of GET /rest/V1/products?searchCriteria[pageSize]=… (CONTRACT.md §10.2)."""
    return {
        "items": [configurable(n) for n in range(1, items + 1)],
        "search_criteria": {"filter_groups": [], "page_size": items, "current_page": 1},
        "total_count": 187,
    }


def _move_first_attribute_to_end(product: dict[str, Any]) -> None:
    attributes = product["custom_attributes"]
    attributes.append(attributes.pop(0))


def slightly_different(document: dict[str, Any]) -> dict[str, Any]:
    """One price changed, one custom attribute moved to the end."""
    changed = copy.deepcopy(document)
    product = changed["items"][len(changed["items"]) // 2] if "items" in changed else changed
    product["price"] = product["price"] + 1
    _move_first_attribute_to_end(product)
    return changed


def volatile(document: dict[str, Any]) -> dict[str, Any]:
    """Only `updated_at` changed (in every product): equal under the route's rules."""
    changed = copy.deepcopy(document)
    for product in changed.get("items", [changed]):
        product["updated_at"] = "2024-06-30 12:00:00"
    return changed


def pairs() -> list[Pair]:
    """Equal, equivalent, volatile and different pairs of a ~1.5 KB and a ~20 KB document."""
    product_rules = CompareRules(
        ignore=("$.updated_at",), keyed={"$.custom_attributes": "attribute_code"}
    )
    search_rules = CompareRules(
        ignore=("$.items[*].updated_at",),
        keyed={"$.items[*].custom_attributes": "attribute_code"},
    )
    out: list[Pair] = []
    for name, document, rules in (
        ("product", fixtures.product(), product_rules),
        ("search", search_result(), search_rules),
    ):
        legacy = phpjson.encode(document)
        copied = bytes(bytearray(legacy))  # equal bytes, another object
        size = f"{name} {len(legacy) / 1024:.1f}KB"
        out.append(Pair(f"{size} equal", legacy, copied, rules, True))
        out.append(Pair(f"{size} equivalent", legacy, orjson.dumps(document), rules, True))
        out.append(
            Pair(f"{size} volatile", legacy, phpjson.encode(volatile(document)), rules, True)
        )
        different = phpjson.encode(slightly_different(document))
        out.append(Pair(f"{size} different", legacy, different, rules, False))
    return out


# --------------------------------------------------------------------------------------- timing


def median_ns(call: Timed, runs: int, batch_ns: int = BATCH_NS) -> float:
    """Median cost of one call, from `runs` timed batches sized to about `batch_ns` each."""
    start = time.perf_counter_ns()
    call()
    once = max(1, time.perf_counter_ns() - start)
    batch = max(1, batch_ns // once)
    samples: list[float] = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        for _ in range(batch):
            call()
        samples.append((time.perf_counter_ns() - start) / batch)
    return statistics.median(samples)


def measure(pair: Pair, runs: int, deepdiff: DeepDiffer | None, batch_ns: int = BATCH_NS) -> Row:
    """Time ours, parsing alone and (when given) DeepDiff on one pair."""
    legacy = Observed(200, HEADERS, pair.legacy)
    new = Observed(200, HEADERS, pair.new)
    result = diff(legacy, new, pair.rules)
    ours = median_ns(lambda: diff(legacy, new, pair.rules), runs, batch_ns)
    parse = median_ns(lambda: (orjson.loads(pair.legacy), orjson.loads(pair.new)), runs, batch_ns)
    theirs: float | None = None
    if deepdiff is not None:
        differ = deepdiff
        theirs = median_ns(
            lambda: differ(orjson.loads(pair.legacy), orjson.loads(pair.new)),
            max(3, runs // 4),
            batch_ns,
        )
    return Row(
        pair=pair.name,
        legacy_bytes=len(pair.legacy),
        new_bytes=len(pair.new),
        outcome=str(result.outcome),
        differences=len(result.differences),
        ignored=len(result.ignored),
        ours_ns=ours,
        parse_ns=parse,
        deepdiff_ns=theirs,
        deepdiff_vs_ours=None if theirs is None else theirs / ours,
        ours_vs_parse=ours / parse,
        share_of_proxy_cpu=ours / (PROXY_CPU_US * 1000),
    )


def run(
    runs: int = RUNS, deepdiff: DeepDiffer | None = None, batch_ns: int = BATCH_NS
) -> list[Row]:
    """Every pair, measured."""
    return [measure(pair, runs, deepdiff, batch_ns) for pair in pairs()]


# -------------------------------------------------------------------------------------- verdicts


def goals(rows: Sequence[Row], pair_list: Sequence[Pair]) -> list[dict[str, Any]]:
    """One verdict per pair and goal: PASS / MISS / n/a."""
    equal = {p.name for p in pair_list if p.equal}
    out: list[dict[str, Any]] = []
    for row in rows:
        ratio = row.deepdiff_vs_ours
        out.append(
            {
                "pair": row.pair,
                "goal": f"ours >= {GOAL_VS_DEEPDIFF:g}x faster than DeepDiff (incl. parsing)",
                "value": ratio,
                "verdict": "n/a" if ratio is None else _verdict(ratio >= GOAL_VS_DEEPDIFF),
            }
        )
        if row.pair in equal:
            out.append(
                {
                    "pair": row.pair,
                    "goal": f"equal documents <= {GOAL_EQUAL_VS_PARSE:g}x parsing them",
                    "value": row.ours_vs_parse,
                    "verdict": _verdict(row.ours_vs_parse <= GOAL_EQUAL_VS_PARSE),
                }
            )
    return out


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def _us(ns: float | None) -> str:
    return "-" if ns is None else f"{ns / 1000:.2f}"


def table(rows: Sequence[Row]) -> str:
    head = (
        f"{'pair':<28} {'outcome':<9} {'ours us':>9} {'parse us':>9} {'deepdiff us':>12} "
        f"{'dd/ours':>8} {'ours/parse':>10} {'of proxy':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = "-" if r.deepdiff_vs_ours is None else f"{r.deepdiff_vs_ours:.0f}x"
        lines.append(
            f"{r.pair:<28} {r.outcome:<9} {_us(r.ours_ns):>9} {_us(r.parse_ns):>9} "
            f"{_us(r.deepdiff_ns):>12} {ratio:>8} {r.ours_vs_parse:>10.2f} "
            f"{r.share_of_proxy_cpu:>8.1%}"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ main


def load_deepdiff(install: bool) -> DeepDiffer | None:
    """deepdiff.DeepDiff, pip-installed into this interpreter on first use when allowed."""
    try:
        module = importlib.import_module("deepdiff")
    except ImportError:
        if not install:
            return None
        print(f"deepdiff is not installed: {sys.executable} -m pip install deepdiff (bench only)")
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "deepdiff"], check=False
        )
        if done.returncode != 0:
            print("deepdiff: pip install failed; its columns read '-'")
            return None
        importlib.invalidate_caches()
        module = importlib.import_module("deepdiff")
    differ: DeepDiffer = module.DeepDiff
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed batches per figure ({RUNS})")
    parser.add_argument("--no-deepdiff", action="store_true", help="skip DeepDiff (no install)")
    parser.add_argument("--scratch", type=Path, help="folder for the JSON result")
    args = parser.parse_args(argv)
    deepdiff = None if args.no_deepdiff else load_deepdiff(install=True)
    pair_list = pairs()
    rows = [measure(pair, args.runs, deepdiff) for pair in pair_list]
    verdicts = goals(rows, pair_list)
    print(table(rows))
    print()
    for v in verdicts:
        value = "-" if v["value"] is None else f"{v['value']:.2f}"
        print(f"  {v['pair']:<28} {v['goal']:<55} {value:>9}  {v['verdict']}")
    worst = max(r.ours_ns for r in rows)
    print(
        f"\n  ours per pair: up to {worst / 1000:.1f} us, against the proxy's ~{PROXY_CPU_US:g} us "
        f"of CPU per request in legacy mode ({worst / (PROXY_CPU_US * 1000):.0%})"
    )
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="strangler-compare-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    out = scratch / "compare-bench.json"
    document = {
        "runs": args.runs,
        "proxy_cpu_us": PROXY_CPU_US,
        "rows": [asdict(r) for r in rows],
        "goals": verdicts,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
