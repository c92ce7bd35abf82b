"""Magento's REST route table and matcher (pure): method + `/V1/...` path -> route and params.

How this works: each `Route` is a method, a path template (`/V1/guest-carts/:cartId/items`),
the handler name, the ACL resources the caller needs, and the parameters Magento forces from
the caller's identity (`%customer_id%`). `match()` compares decoded segments; where several
templates match (`carts/mine` and `carts/:cartId`), the one with fewer variables wins, as in
Magento's router where literal routes shadow parametrised ones. No match -> None (404
"Request does not match any route.").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

ANONYMOUS = "anonymous"
SELF = "self"


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str
    handler: str
    resources: tuple[str, ...] = (ANONYMOUS,)
    body: bool = False  # whether the service method takes body parameters

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.template.strip("/").split("/"))

    @property
    def variables(self) -> int:
        return sum(1 for s in self.segments if s.startswith(":"))


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    params: dict[str, str]


PRODUCTS = ("Magento_Catalog::products",)
CATEGORIES = ("Magento_Catalog::categories",)
STORES = ("Magento_Backend::stores",)
STOCK = ("Magento_CatalogInventory::cataloginventory",)
CART_MANAGE = ("Magento_Cart::manage",)

ROUTES: tuple[Route, ...] = (
    Route("POST", "/V1/integration/admin/token", "admin_token", body=True),
    Route("POST", "/V1/integration/customer/token", "customer_token", body=True),
    Route(
        "POST", "/V1/integration/customer/revoke-customer-token", "revoke_customer_token", (SELF,)
    ),
    Route("GET", "/V1/products", "product_search", PRODUCTS),
    Route("GET", "/V1/products/:sku", "product_get", PRODUCTS),
    Route("GET", "/V1/stockItems/:productSku", "stock_item_get", STOCK),
    Route("GET", "/V1/categories", "category_tree", CATEGORIES),
    Route("GET", "/V1/categories/list", "category_list", CATEGORIES),
    Route("GET", "/V1/categories/:categoryId", "category_get", CATEGORIES),
    Route("GET", "/V1/store/websites", "store_websites", STORES),
    Route("GET", "/V1/store/storeGroups", "store_groups", STORES),
    Route("GET", "/V1/store/storeViews", "store_views", STORES),
    Route("GET", "/V1/customers/me", "customer_me", (SELF,)),
    # guest carts
    Route("POST", "/V1/guest-carts", "guest_cart_create", body=True),
    Route("GET", "/V1/guest-carts/:cartId", "guest_cart_get"),
    Route("PUT", "/V1/guest-carts/:cartId", "guest_cart_assign", (SELF,), body=True),
    Route("GET", "/V1/guest-carts/:cartId/items", "guest_cart_items"),
    Route("POST", "/V1/guest-carts/:cartId/items", "guest_cart_item_add", body=True),
    Route("PUT", "/V1/guest-carts/:cartId/items/:itemId", "guest_cart_item_update", body=True),
    Route("DELETE", "/V1/guest-carts/:cartId/items/:itemId", "guest_cart_item_delete"),
    Route("GET", "/V1/guest-carts/:cartId/totals", "guest_cart_totals"),
    # customer carts
    Route("POST", "/V1/carts/mine", "mine_cart_create", (SELF,), body=True),
    Route("GET", "/V1/carts/mine", "mine_cart_get", (SELF,)),
    Route("GET", "/V1/carts/mine/items", "mine_cart_items", (SELF,)),
    Route("POST", "/V1/carts/mine/items", "mine_cart_item_add", (SELF,), body=True),
    Route("PUT", "/V1/carts/mine/items/:itemId", "mine_cart_item_update", (SELF,), body=True),
    Route("DELETE", "/V1/carts/mine/items/:itemId", "mine_cart_item_delete", (SELF,)),
    Route("GET", "/V1/carts/mine/totals", "mine_cart_totals", (SELF,)),
    # admin carts
    Route("GET", "/V1/carts/:cartId", "admin_cart_get", CART_MANAGE),
)


def _bind(route: Route, segments: Sequence[str]) -> dict[str, str] | None:
    template = route.segments
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for want, got in zip(template, segments, strict=True):
        if want.startswith(":"):
            if got == "":
                return None
            params[want[1:]] = unquote(got)
        elif want != got:
            return None
    return params


def match(method: str, segments: Sequence[str], routes: Sequence[Route] = ROUTES) -> Match | None:
    """The route for `method` and raw (still percent-encoded) path segments, or None."""
    best: Match | None = None
    for route in routes:
        if route.method != method:
            continue
        params = _bind(route, segments)
        if params is not None and (best is None or route.variables < best.route.variables):
            best = Match(route, params)
    return best
