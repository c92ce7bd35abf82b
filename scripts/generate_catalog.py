"""Write a synthetic Magento catalog in Luma's sample-data CSV formats.

    python -m scripts.generate_catalog --products 100000 --out /tmp/catalog --seed 1

Progress goes to stderr every 10%; the one-line summary goes to stdout. The tree it writes is
read by the sample-data loader exactly as Luma's is (see legacy_adapters.sample_data.generator).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from legacy_adapters.sample_data import generator


def _count(text: str) -> int:
    """argparse type for --products: a whole number, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.generate_catalog",
        description="Write a synthetic Magento catalog in Luma's sample-data CSV formats.",
    )
    parser.add_argument(
        "--products", type=_count, default=1000, help="total product rows (default 1000)"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="directory to write magento2-sample-data/ into"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def _progress_printer(stream: TextIO) -> Callable[[int, int], None]:
    """A progress callback that prints one line each time another tenth is done."""
    printed = 0

    def report(done: int, total: int) -> None:
        nonlocal printed
        tenth = done * 10 // total if total else 10
        if tenth > printed:
            printed = tenth
            print(f"generate_catalog: {done:,}/{total:,} products ({tenth * 10}%)", file=stream)

    return report


def main(argv: list[str] | None = None) -> int:
    """Generate the catalog; 0 on success, 1 when the files cannot be written."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        catalog = generator.generate(
            args.out, args.products, seed=args.seed, progress=_progress_printer(sys.stderr)
        )
    except OSError as exc:
        print(f"generate_catalog: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {catalog.products} products ({catalog.configurables} configurable, "
        f"{catalog.simples} simple), {catalog.categories} categories, {catalog.attributes} "
        f"attributes to {catalog.root} (seed {catalog.seed}) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
