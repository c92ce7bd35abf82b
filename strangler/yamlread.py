"""Reading YAML nodes with their line numbers: every problem recorded, none raised.

`Reader` is what routes.yaml parsing reads with: each method checks one node's shape and, on
a problem, records `file:line: key.path: message` and returns None (the `*_field` helpers return
the default), so one pass over a file reports every problem. `${VAR}` and `${VAR:-default}` in
strings come from the environment mapping given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import yaml

from strangler.errors import Problem

T = TypeVar("T")
ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass
class Reader:
    source: str
    env: Mapping[str, str]

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.problems.append(Problem(self.source, line, path, message))

    def mapping(self, node: yaml.Node, path: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"must be a mapping, got {kind_of(node)}")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key in out:
                self.problem(key_node, where, "duplicate key")
            elif key not in allowed:
                self.problem(
                    key_node, where, f"unknown key (expected one of: {', '.join(sorted(allowed))})"
                )
            out[key] = value
        return out

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, f"must be a list, got {kind_of(node)}")
            return []
        return list(node.value)

    def scalar(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, f"must be a single value, got {kind_of(node)}")
            return None
        return str(node.value)

    def string(self, node: yaml.Node, path: str) -> str | None:
        text = self.scalar(node, path)
        if text is None:
            return None
        missing = [
            m.group(1)
            for m in ENV_VAR.finditer(text)
            if m.group(2) is None and m.group(1) not in self.env
        ]
        if missing:
            self.problem(node, path, f"environment variable {missing[0]} is not set")
            return None
        return ENV_VAR.sub(lambda m: self.env.get(m.group(1), m.group(2) or ""), text)

    def number(
        self, node: yaml.Node, path: str, low: float, high: float, integer: bool = False
    ) -> float | None:
        text = self.scalar(node, path)
        if text is None:
            return None
        try:
            value = float(text) if not integer else int(text)
        except ValueError:
            kind = "an integer" if integer else "a number"
            self.problem(node, path, f"must be {kind}, got {text!r}")
            return None
        if not low <= value <= high:
            self.problem(node, path, f"must be within [{_num(low)}, {_num(high)}], got {text}")
            return None
        return value

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        text = self.scalar(node, path)
        if text is None:
            return None
        lowered = text.lower()
        if lowered in ("true", "yes", "on"):
            return True
        if lowered in ("false", "no", "off"):
            return False
        self.problem(node, path, f"must be true or false, got {text!r}")
        return None

    def strings(self, node: yaml.Node, path: str) -> list[str]:
        out = []
        for i, item in enumerate(self.sequence(node, path)):
            value = self.string(item, f"{path}[{i}]")
            if value is not None:
                out.append(value)
        return out

    def choice(self, node: yaml.Node, path: str, options: type[T]) -> T | None:
        text = self.scalar(node, path)
        if text is None:
            return None
        try:
            return options(text)  # type: ignore[call-arg]
        except ValueError:
            names = ", ".join(str(o.value) for o in options)  # type: ignore[attr-defined]
            self.problem(node, path, f"must be one of {names}, got {text!r}")
            return None

    # -- optional fields of a mapping: absent or invalid (already reported) -> the default

    def number_field(
        self,
        fields: dict[str, yaml.Node],
        key: str,
        path: str,
        low: float,
        high: float,
        default: float,
    ) -> float:
        node = fields.get(key)
        value = None if node is None else self.number(node, f"{path}.{key}", low, high)
        return default if value is None else value

    def int_field(
        self, fields: dict[str, yaml.Node], key: str, path: str, low: int, high: int, default: int
    ) -> int:
        node = fields.get(key)
        value = (
            None if node is None else self.number(node, f"{path}.{key}", low, high, integer=True)
        )
        return default if value is None else int(value)

    def bool_field(self, fields: dict[str, yaml.Node], key: str, path: str, default: bool) -> bool:
        node = fields.get(key)
        value = None if node is None else self.boolean(node, f"{path}.{key}")
        return default if value is None else value

    def strings_field(
        self, fields: dict[str, yaml.Node], key: str, path: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        node = fields.get(key)
        return default if node is None else tuple(self.strings(node, f"{path}.{key}"))

    def choice_field(
        self, fields: dict[str, yaml.Node], key: str, path: str, options: type[T], default: T
    ) -> T:
        node = fields.get(key)
        value = None if node is None else self.choice(node, f"{path}.{key}", options)
        return default if value is None else value


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def any_keys(node: yaml.Node) -> set[str]:
    return {str(k.value) for k, _ in node.value} if isinstance(node, yaml.MappingNode) else set()
