"""GET /V1/categories, /V1/categories/{id} and /V1/categories/list (CONTRACT.md §11).

The expected tree, names, positions and product counts are computed here from the category
and link rows of the loaded catalog; counts follow §11: a non-anchor category counts its own
links, an anchor category the distinct products of its whole subtree, both within the website.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from magento import Magento

from tests.conftest import bearer

TREE_KEYS = [
    "id",
    "parent_id",
    "name",
    "is_active",
    "position",
    "level",
    "product_count",
    "children_data",
]
CATEGORY_KEYS = (
    "id",
    "parent_id",
    "name",
    "is_active",
    "position",
    "level",
    "children",
    "created_at",
    "updated_at",
    "path",
    "available_sort_by",
    "include_in_menu",
    "extension_attributes",
    "custom_attributes",
)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@dataclass
class Node:
    entity_id: int
    parent_id: int
    path: str
    position: int
    level: int
    name: str | None = None
    is_active: bool | None = None
    is_anchor: bool = False
    children: list[int] = field(default_factory=list)
    links: set[int] = field(default_factory=set)  # products in the website linked directly


@dataclass
class Tree:
    nodes: dict[int, Node]
    store_root: int  # the default store group's root category

    def subtree(self, entity_id: int) -> Iterator[Node]:
        node = self.nodes[entity_id]
        yield node
        for child in node.children:
            yield from self.subtree(child)

    def product_count(self, entity_id: int) -> int:
        node = self.nodes[entity_id]
        if not node.is_anchor:
            return len(node.links)
        return len(set().union(*(n.links for n in self.subtree(entity_id))))

    def height(self, entity_id: int) -> int:
        children = self.nodes[entity_id].children
        return 1 + max(self.height(c) for c in children) if children else 0


def _category_values(cursor: Any, code: str, store_id: int) -> dict[int, Any]:
    cursor.execute(
        "SELECT a.attribute_id, a.backend_type FROM eav_attribute a "
        "JOIN eav_entity_type t ON t.entity_type_id = a.entity_type_id "
        "WHERE t.entity_type_code = 'catalog_category' AND a.attribute_code = %s",
        (code,),
    )
    attr = cursor.fetchone()
    cursor.execute(
        f"SELECT entity_id, value FROM catalog_category_entity_{attr['backend_type']} "
        "WHERE attribute_id = %s AND store_id IN (0, %s) ORDER BY store_id",
        (attr["attribute_id"], store_id),
    )
    return {int(r["entity_id"]): r["value"] for r in cursor.fetchall()}  # store row wins


@pytest.fixture(scope="module")
def tree(magento_db: Any) -> Tree:
    """The category tree of the default store view (store 1, website 1), from the rows."""
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT g.root_category_id, s.store_id, s.website_id FROM store s "
            "JOIN store_group g ON g.group_id = s.group_id WHERE s.code = 'default'"
        )
        store = cursor.fetchone()
        cursor.execute(
            "SELECT entity_id, parent_id, path, position, level FROM catalog_category_entity"
        )
        nodes = {
            int(r["entity_id"]): Node(
                int(r["entity_id"]),
                int(r["parent_id"]),
                r["path"],
                int(r["position"]),
                int(r["level"]),
            )
            for r in cursor.fetchall()
        }
        names = _category_values(cursor, "name", store["store_id"])
        active = _category_values(cursor, "is_active", store["store_id"])
        anchor = _category_values(cursor, "is_anchor", store["store_id"])
        cursor.execute(
            "SELECT ccp.category_id, ccp.product_id FROM catalog_category_product ccp "
            "JOIN catalog_product_website w ON w.product_id = ccp.product_id "
            "AND w.website_id = %s",
            (store["website_id"],),
        )
        links = cursor.fetchall()
    for node in nodes.values():
        node.name = names.get(node.entity_id)
        node.is_active = (
            None if active.get(node.entity_id) is None else int(active[node.entity_id]) == 1
        )
        node.is_anchor = int(anchor.get(node.entity_id) or 0) == 1
        if node.parent_id in nodes and node.parent_id != node.entity_id:
            nodes[node.parent_id].children.append(node.entity_id)
    for link in links:
        nodes[int(link["category_id"])].links.add(int(link["product_id"]))
    return Tree(nodes, int(store["root_category_id"]))


async def get(legacy: Any, token: str, path: str, **params: str) -> tuple[int, Any]:
    response = await legacy.get(path, params=params, headers=bearer(token))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.status, await response.json()


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node["children_data"]:
        yield from walk(child)


def depth_of(node: dict[str, Any]) -> int:
    children = node["children_data"]
    return 1 + max(depth_of(c) for c in children) if children else 0


# ---------------------------------------------------------------- the tree


@pytest.mark.parametrize(
    ("prefix", "root"),
    [
        pytest.param("/rest/V1", "store", id="store-view-default"),
        pytest.param("/rest/default/V1", "store", id="store-view-by-code"),
        pytest.param("/rest/all/V1", "top", id="admin-scope"),
    ],
)
async def test_default_root_depends_on_scope(
    legacy: Any, admin_token: str, tree: Tree, prefix: str, root: str
) -> None:
    top = next(n.entity_id for n in tree.nodes.values() if n.level == 0)
    status, body = await get(legacy, admin_token, f"{prefix}/categories", depth="0")
    assert status == 200
    assert body["id"] == (tree.store_root if root == "store" else top)
    assert body["children_data"] == []


@pytest.mark.usefixtures("requires_luma")
async def test_luma_roots_are_default_category_and_root_catalog(
    legacy: Any, admin_token: str
) -> None:
    _, store = await get(legacy, admin_token, "/rest/V1/categories", depth="0")
    _, admin = await get(legacy, admin_token, "/rest/all/V1/categories", depth="0")
    assert (store["id"], store["name"], store["level"]) == (2, "Default Category", 1)
    assert (admin["id"], admin["name"], admin["is_active"]) == (1, "Root Catalog", None)


@pytest.mark.parametrize(
    "depth",
    [
        pytest.param(0, id="root-only"),
        pytest.param(1, id="root-and-children"),
        pytest.param(2, id="two-levels"),
        pytest.param(99, id="deeper-than-the-tree"),
    ],
)
async def test_depth_limits_the_tree(legacy: Any, admin_token: str, tree: Tree, depth: int) -> None:
    status, body = await get(legacy, admin_token, "/rest/V1/categories", depth=str(depth))
    assert status == 200
    assert tree.height(tree.store_root) >= 3
    assert depth_of(body) == min(depth, tree.height(tree.store_root))


async def test_nodes_match_the_rows_and_children_follow_position(
    legacy: Any, admin_token: str, tree: Tree
) -> None:
    status, body = await get(legacy, admin_token, "/rest/V1/categories")
    assert status == 200
    seen = list(walk(body))
    assert {n["id"] for n in seen} == {n.entity_id for n in tree.subtree(tree.store_root)}
    for node in seen:
        row = tree.nodes[node["id"]]
        assert list(node) == TREE_KEYS
        assert (
            node["parent_id"],
            node["name"],
            node["is_active"],
            node["position"],
            node["level"],
        ) == (row.parent_id, row.name, row.is_active, row.position, row.level)
        positions = [c["position"] for c in node["children_data"]]
        assert positions == sorted(positions), node["id"]
        assert {c["id"] for c in node["children_data"]} == set(row.children)


async def test_product_count_follows_the_anchor_rule(
    legacy: Any, admin_token: str, tree: Tree
) -> None:
    status, body = await get(legacy, admin_token, "/rest/V1/categories")
    assert status == 200
    counts = {n["id"]: n["product_count"] for n in walk(body)}
    assert counts == {i: tree.product_count(i) for i in counts}
    kinds = {tree.nodes[i].is_anchor for i in counts if tree.nodes[i].children}
    assert kinds == {True, False}  # both rules were exercised


async def test_explicit_root_category_id(legacy: Any, admin_token: str, tree: Tree) -> None:
    branch = next(c for c in tree.nodes[tree.store_root].children if tree.nodes[c].children)
    for name in ("rootCategoryId", "root_category_id"):
        status, body = await get(legacy, admin_token, "/rest/V1/categories", **{name: str(branch)})
        assert status == 200
        assert body["id"] == branch
        assert {c["id"] for c in body["children_data"]} == set(tree.nodes[branch].children)


async def test_unknown_root_category_id_is_404(legacy: Any, admin_token: str, tree: Tree) -> None:
    missing = max(tree.nodes) + 1000
    status, body = await get(
        legacy, admin_token, "/rest/V1/categories", rootCategoryId=str(missing)
    )
    # CategoryRepository::get throws NoSuchEntityException::singleField('id', $categoryId)
    assert (status, body) == (
        404,
        {
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "id", "fieldValue": missing},
        },
    )


# ---------------------------------------------------------------- one category


@pytest.fixture
def branch(tree: Tree) -> Node:
    """A category below the store root whose children are all active (Luma: Gear)."""
    return next(
        n
        for n in tree.subtree(tree.store_root)
        if n.level == tree.nodes[tree.store_root].level + 1
        and n.children
        and all(tree.nodes[c].is_active for c in n.children)
    )


async def test_category_is_the_flat_category_object(
    legacy: Any, admin_token: str, branch: Node
) -> None:
    response = await legacy.get(
        f"/rest/V1/categories/{branch.entity_id}", headers=bearer(admin_token)
    )
    raw = await response.read()
    body = await response.json()
    assert response.status == 200
    assert list(body) == [k for k in CATEGORY_KEYS if k in body]
    assert {"id", "parent_id", "position", "level", "children", "path", "available_sort_by"} <= set(
        body
    )
    assert (
        body["id"],
        body["parent_id"],
        body["name"],
        body["is_active"],
        body["position"],
        body["level"],
        body["path"],
    ) == (
        branch.entity_id,
        branch.parent_id,
        branch.name,
        branch.is_active,
        branch.position,
        branch.level,
        branch.path,
    )
    assert set(body["children"].split(",")) == {str(c) for c in branch.children}
    assert TIMESTAMP.fullmatch(body["created_at"]) and TIMESTAMP.fullmatch(body["updated_at"])
    assert body["available_sort_by"] == []
    assert f'"path":"{branch.path.replace("/", chr(92) + "/")}"'.encode() in raw


async def test_leaf_category_has_empty_children_string(
    legacy: Any, admin_token: str, tree: Tree
) -> None:
    leaf = next(n for n in tree.subtree(tree.store_root) if not n.children)
    status, body = await get(legacy, admin_token, f"/rest/V1/categories/{leaf.entity_id}")
    assert status == 200
    assert body["children"] == ""


async def test_unknown_category_is_404(legacy: Any, admin_token: str, tree: Tree) -> None:
    missing = max(tree.nodes) + 1000
    status, body = await get(legacy, admin_token, f"/rest/V1/categories/{missing}")
    assert (status, body) == (
        404,
        {
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "id", "fieldValue": missing},
        },
    )


async def test_non_numeric_category_id_is_a_type_error(legacy: Any, admin_token: str) -> None:
    status, body = await get(legacy, admin_token, "/rest/V1/categories/abc")
    assert (status, body) == (
        400,
        {
            "message": 'The "abc" value\'s type is invalid. The "int" '
            "type was expected. Verify and try again."
        },
    )


# ---------------------------------------------------------------- categories/list


@pytest.mark.parametrize(
    "trailing_slash",
    [
        pytest.param(False, id="prefix-and-itself"),
        pytest.param(True, id="strictly-below-prefix"),
    ],
)
async def test_list_with_pymagento_path_prefix(
    legacy: Any, admin_token: str, branch: Node, tree: Tree, trailing_slash: bool
) -> None:
    """pymagento's get_categories(path_prefix=...) (path like "1/2/3/%" OR path = "1/2/3")."""
    prefix = branch.path + ("/" if trailing_slash else "")

    def fetch() -> list[Any]:
        base_url = str(legacy.make_url(""))
        with Magento(token=admin_token, base_url=base_url, scope="default") as client:
            return list(client.get_categories(path_prefix=prefix))

    found = await asyncio.to_thread(fetch)
    expected = {n.entity_id for n in tree.nodes.values() if n.path.startswith(branch.path + "/")}
    if not trailing_slash:
        expected.add(branch.entity_id)
    assert {c["id"] for c in found} == expected
    assert all(c["path"].startswith(branch.path) for c in found)


async def test_list_envelope_and_echo(
    legacy: Any, admin_token: str, branch: Node, tree: Tree
) -> None:
    status, body = await get(
        legacy,
        admin_token,
        "/rest/V1/categories/list",
        **{
            "searchCriteria[filter_groups][0][filters][0][field]": "parent_id",
            "searchCriteria[filter_groups][0][filters][0][value]": str(branch.entity_id),
            "searchCriteria[pageSize]": "100",
        },
    )
    assert status == 200
    assert list(body) == ["items", "search_criteria", "total_count"]
    assert {c["id"] for c in body["items"]} == set(branch.children)
    assert body["total_count"] == len(branch.children)
    assert body["search_criteria"] == {
        "filter_groups": [
            {
                "filters": [
                    {"field": "parent_id", "value": str(branch.entity_id), "condition_type": "eq"}
                ]
            }
        ],
        "page_size": 100,
    }


async def test_list_requires_search_criteria(legacy: Any, admin_token: str) -> None:
    status, body = await get(legacy, admin_token, "/rest/V1/categories/list")
    assert (status, body) == (
        400,
        {
            "message": '"%fieldName" is required. Enter and try again.',
            "parameters": {"fieldName": "searchCriteria"},
        },
    )


# ---------------------------------------------------------------- authorization


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/rest/V1/categories", id="tree"),
        pytest.param("/rest/V1/categories/2", id="one"),
        pytest.param("/rest/V1/categories/list?searchCriteria=", id="list"),
    ],
)
async def test_categories_need_an_admin_token(legacy: Any, customer_token: str, path: str) -> None:
    for headers in ({}, bearer(customer_token)):
        response = await legacy.get(path, headers=headers)
        assert response.status == 401
        assert await response.json() == {
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Catalog::categories"},
        }
