"""The `strangler` command: argv -> subcommand.

Subcommands are thin functions over library code; later issues add serve, check, explain, flip.
"""

from __future__ import annotations

import argparse

from strangler import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="strangler", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"strangler {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0
