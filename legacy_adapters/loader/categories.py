"""The category tree while loading: find or create categories by name path, resolve walks.

How this works: `CategoryTree` mirrors catalog_category_entity (id, parent, name) in memory and
creates rows through the callback it is given, so a path such as ("Men", "Tops", "Jackets") is
found under the catalog's root or created with Magento's path/level/position rules. `walk()`
resolves the simple sample-data format (CONTRACT.md §14): names are matched from the root
downwards, every match is linked, and after a leaf the walk restarts at the root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Node:
    entity_id: int
    parent_id: int
    name: str
    path: str
    level: int
    position: int
    children: dict[str, Node] = field(default_factory=dict)


@dataclass(slots=True)
class CategoryTree:
    """Categories by name under their parent; `create(parent, name, position)` inserts one."""

    nodes: dict[int, Node]
    create: Callable[[Node, str, int], Node]
    created: int = 0

    @classmethod
    def from_rows(
        cls, rows: Sequence[dict[str, object]], create: Callable[[Node, str, int], Node]
    ) -> CategoryTree:
        nodes: dict[int, Node] = {}
        for row in rows:  # ordered by level, so parents come first
            node = Node(
                int(str(row["entity_id"])),
                int(str(row["parent_id"])),
                str(row["name"] or ""),
                str(row["path"]),
                int(str(row["level"])),
                int(str(row["position"])),
            )
            nodes[node.entity_id] = node
            parent = nodes.get(node.parent_id)
            if parent is not None and parent is not node:
                parent.children.setdefault(node.name, node)
        return cls(nodes, create)

    def child(self, parent: Node, name: str, position: int | None = None) -> Node:
        """The child called `name`, created (last among its siblings) if missing."""
        found = parent.children.get(name)
        if found is not None:
            return found
        if position is None:
            position = max((c.position for c in parent.children.values()), default=0) + 1
        node = self.create(parent, name, position)
        parent.children[name] = node
        self.nodes[node.entity_id] = node
        self.created += 1
        return node

    def ensure(self, root: Node, path: Sequence[str], position: int | None = None) -> Node:
        node = root
        for i, name in enumerate(path):
            node = self.child(node, name, position if i == len(path) - 1 else None)
        return node

    def find(self, root: Node, path: Sequence[str]) -> Node | None:
        node: Node | None = root
        for name in path:
            node = node.children.get(name) if node else None
        return node

    def names(self, node: Node, root: Node) -> tuple[str, ...]:
        """Names from below `root` down to `node` (inclusive)."""
        names: list[str] = []
        while node is not root and node.entity_id in self.nodes:
            names.append(node.name)
            parent = self.nodes.get(node.parent_id)
            if parent is None or parent is node:
                break
            node = parent
        return tuple(reversed(names))

    def walk(self, root: Node, names: Sequence[str]) -> tuple[list[int], list[str]]:
        """(ids linked, names not found) for a simple-format category walk."""
        linked: list[int] = []
        missing: list[str] = []
        level = root
        for name in names:
            node = level.children.get(name) or root.children.get(name)
            if node is None:
                missing.append(name)
                level = root
                continue
            if node.entity_id not in linked:
                linked.append(node.entity_id)
            level = node if node.children else root
        return linked, missing
