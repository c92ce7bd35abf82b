"""REST URL scopes (CONTRACT.md §1.1, `Webapi\\Controller\\PathProcessor`)."""

from __future__ import annotations

import pytest

from legacy_adapters.magento_wire import urls
from legacy_adapters.magento_wire.urls import RestPath

STORES = frozenset({"default", "fr"})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/rest/V1/products", RestPath(None, "/V1/products"), id="no-store"),
        pytest.param(
            "/rest/default/V1/products/24-MB01",
            RestPath("default", "/V1/products/24-MB01"),
            id="default-store",
        ),
        pytest.param("/rest/fr/V1/carts/mine", RestPath("fr", "/V1/carts/mine"), id="other-store"),
        pytest.param("/rest/all/V1/products", RestPath("all", "/V1/products"), id="admin-scope"),
        pytest.param(
            "/rest/unknown/V1/products",
            RestPath(None, "/unknown/V1/products"),
            id="unknown-store-stays-in-path",
        ),
        pytest.param(
            "/rest/DEFAULT/V1/products",
            RestPath(None, "/DEFAULT/V1/products"),
            id="store-code-case-sensitive",
        ),
        pytest.param(
            "/rest/ALL/V1/products", RestPath(None, "/ALL/V1/products"), id="all-case-sensitive"
        ),
        pytest.param(
            "/rest/admin/V1/products",
            RestPath(None, "/admin/V1/products"),
            id="admin-code-is-not-a-store",
        ),
        pytest.param("/rest/V1/products/", RestPath(None, "/V1/products/"), id="trailing-slash"),
        pytest.param(
            "/rest/default/V1/products/",
            RestPath("default", "/V1/products/"),
            id="store-and-trailing-slash",
        ),
        pytest.param(
            "/rest/V1/products/a%2Fb",
            RestPath(None, "/V1/products/a%2Fb"),
            id="encoded-slash-kept",
        ),
        pytest.param(
            "/rest/default/V1/products/24%20MB",
            RestPath("default", "/V1/products/24%20MB"),
            id="encoded-space-kept",
        ),
        pytest.param("/rest", RestPath(None, "/"), id="bare-rest"),
        pytest.param("/rest/", RestPath(None, "/"), id="rest-slash"),
        pytest.param("/rest/default", RestPath("default", "/"), id="store-only"),
        pytest.param("/rest/default/", RestPath("default", "/"), id="store-slash"),
    ],
)
def test_split(path: str, expected: RestPath) -> None:
    assert urls.split(path, STORES) == expected


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/V1/products", id="no-rest-prefix"),
        pytest.param("/restful/V1/products", id="prefix-of-a-word"),
        pytest.param("/rest-api/V1/products", id="hyphenated"),
        pytest.param("/soap/default/V1/products", id="soap"),
        pytest.param("/", id="root"),
        pytest.param("", id="empty"),
        pytest.param("/REST/V1/products", id="upper-case-rest"),
        pytest.param("/graphql", id="graphql"),
    ],
)
def test_split_not_rest(path: str) -> None:
    assert urls.split(path, STORES) is None


def test_default_store_codes() -> None:
    assert urls.split("/rest/default/V1/products") == RestPath("default", "/V1/products")
    assert urls.split("/rest/fr/V1/products") == RestPath(None, "/fr/V1/products")


def test_store_unknown_to_the_caller_stays_in_path() -> None:
    assert urls.split("/rest/default/V1/x", frozenset()) == RestPath(None, "/default/V1/x")


@pytest.mark.parametrize(
    ("path", "normalized"),
    [
        pytest.param("/rest/default/V1/carts/mine", "/rest/V1/carts/mine", id="store-removed"),
        pytest.param("/rest/all/V1/products", "/rest/V1/products", id="admin-removed"),
        pytest.param("/rest/V1/products", "/rest/V1/products", id="unchanged"),
    ],
)
def test_normalized(path: str, normalized: str) -> None:
    rest = urls.split(path, STORES)
    assert rest is not None
    assert rest.normalized == normalized


@pytest.mark.parametrize(
    ("service_path", "segments"),
    [
        pytest.param("/V1/products/24-MB01", ["V1", "products", "24-MB01"], id="plain"),
        pytest.param("/V1/products/24-MB01/", ["V1", "products", "24-MB01"], id="trailing-slash"),
        pytest.param("/V1/products/a%2Fb", ["V1", "products", "a%2Fb"], id="encoded-slash-kept"),
        pytest.param("/V1/guest-carts", ["V1", "guest-carts"], id="two"),
        pytest.param("/", [], id="root"),
        pytest.param("", [], id="empty"),
    ],
)
def test_route_segments(service_path: str, segments: list[str]) -> None:
    assert urls.route_segments(service_path) == segments
