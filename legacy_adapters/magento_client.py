"""An async Magento 2 REST client (aiohttp) for scripts, parity checks and migrations.

How this works: `MagentoClient(base_url, session)` speaks Magento's REST contract — store-code
URL forms, bearer tokens, `searchCriteria` encoding, the guest and customer cart flows — and
returns decoded JSON. A non-2xx answer raises `MagentoApiError` carrying the status and
Magento's error body, so callers can tell a 404 "no such entity" from a transport failure.
`raw()` returns status, headers and body bytes untouched, for byte-level comparisons.

    async with aiohttp.ClientSession() as http:
        shop = MagentoClient("http://127.0.0.1:8081", http)
        token = await shop.admin_token("admin", "secret")
        product = await shop.product("24-MB01", token=token)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

Filter = tuple[str, Any, str]  # (field, value, condition_type)


class MagentoApiError(Exception):
    """Magento answered with an error status; `body` is its decoded error object."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


@dataclass(frozen=True, slots=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


def search_query(
    filter_groups: Sequence[Sequence[Filter]] = (),
    *,
    sort_orders: Sequence[tuple[str, str]] = (),
    page_size: int | None = None,
    current_page: int | None = None,
) -> dict[str, str]:
    """Query parameters for a searchCriteria (filters in a group are OR-ed, groups AND-ed)."""
    params: dict[str, str] = {}
    for g, group in enumerate(filter_groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params[f"{prefix}[field]"] = field
            params[f"{prefix}[value]"] = str(value)
            params[f"{prefix}[condition_type]"] = condition
    for s, (field, direction) in enumerate(sort_orders):
        params[f"searchCriteria[sortOrders][{s}][field]"] = field
        params[f"searchCriteria[sortOrders][{s}][direction]"] = direction
    if page_size is not None:
        params["searchCriteria[pageSize]"] = str(page_size)
    if current_page is not None:
        params["searchCriteria[currentPage]"] = str(current_page)
    if not params:  # searchCriteria is mandatory; an empty one means "everything"
        params["searchCriteria"] = ""
    return params


class MagentoClient:
    def __init__(
        self, base_url: str, session: aiohttp.ClientSession, *, store_code: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.store_code = store_code

    def url(self, path: str) -> str:
        """`/V1/...` under `/rest[/<store code>]`."""
        scope = f"/{self.store_code}" if self.store_code else ""
        return f"{self.base_url}/rest{scope}{path}"

    async def raw(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> RawResponse:
        headers = {"Accept": "application/json"}
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        async with self.session.request(
            method, self.url(path), params=params, data=data, headers=headers
        ) as response:
            return RawResponse(response.status, dict(response.headers), await response.read())

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        answer = await self.raw(method, path, token=token, params=params, body=body)
        try:
            decoded = json.loads(answer.body) if answer.body else None
        except ValueError:
            decoded = answer.body.decode(errors="replace")
        if not 200 <= answer.status < 300:
            raise MagentoApiError(answer.status, decoded)
        return decoded

    # ------------------------------------------------------------ tokens
    async def admin_token(self, username: str, password: str) -> str:
        token: str = await self.call(
            "POST", "/V1/integration/admin/token", body={"username": username, "password": password}
        )
        return token

    async def customer_token(self, username: str, password: str) -> str:
        token: str = await self.call(
            "POST",
            "/V1/integration/customer/token",
            body={"username": username, "password": password},
        )
        return token

    # ------------------------------------------------------------ catalog
    async def product(self, sku: str, *, token: str, fields: str | None = None) -> Any:
        params = {"fields": fields} if fields else None
        return await self.call(
            "GET", f"/V1/products/{quote(sku, safe='')}", token=token, params=params
        )

    async def products(
        self,
        *,
        token: str,
        filter_groups: Sequence[Sequence[Filter]] = (),
        sort_orders: Sequence[tuple[str, str]] = (),
        page_size: int | None = None,
        current_page: int | None = None,
    ) -> Any:
        params = search_query(
            filter_groups, sort_orders=sort_orders, page_size=page_size, current_page=current_page
        )
        return await self.call("GET", "/V1/products", token=token, params=params)

    async def category_tree(
        self, *, token: str, root: int | None = None, depth: int | None = None
    ) -> Any:
        params = {
            k: str(v) for k, v in (("rootCategoryId", root), ("depth", depth)) if v is not None
        }
        return await self.call("GET", "/V1/categories", token=token, params=params or None)

    async def category(self, category_id: int, *, token: str) -> Any:
        return await self.call("GET", f"/V1/categories/{category_id}", token=token)

    # ------------------------------------------------------------ guest carts
    async def guest_cart_create(self) -> str:
        mask: str = await self.call("POST", "/V1/guest-carts", body={})
        return mask

    async def guest_cart(self, mask: str) -> Any:
        return await self.call("GET", f"/V1/guest-carts/{mask}")

    async def guest_cart_add(self, mask: str, sku: str, qty: float) -> Any:
        return await self.call(
            "POST",
            f"/V1/guest-carts/{mask}/items",
            body={"cartItem": {"sku": sku, "qty": qty, "quote_id": mask}},
        )

    async def guest_cart_update(self, mask: str, item_id: int, qty: float) -> Any:
        return await self.call(
            "PUT",
            f"/V1/guest-carts/{mask}/items/{item_id}",
            body={"cartItem": {"qty": qty, "quote_id": mask}},
        )

    async def guest_cart_delete(self, mask: str, item_id: int) -> Any:
        return await self.call("DELETE", f"/V1/guest-carts/{mask}/items/{item_id}")

    async def guest_cart_items(self, mask: str) -> Any:
        return await self.call("GET", f"/V1/guest-carts/{mask}/items")

    async def guest_cart_totals(self, mask: str) -> Any:
        return await self.call("GET", f"/V1/guest-carts/{mask}/totals")

    # ------------------------------------------------------------ customer carts
    async def my_cart_create(self, token: str) -> int:
        cart_id: int = await self.call("POST", "/V1/carts/mine", token=token)
        return cart_id

    async def my_cart(self, token: str) -> Any:
        return await self.call("GET", "/V1/carts/mine", token=token)

    async def my_cart_add(self, token: str, sku: str, qty: float) -> Any:
        return await self.call(
            "POST", "/V1/carts/mine/items", token=token, body={"cartItem": {"sku": sku, "qty": qty}}
        )

    async def my_cart_update(self, token: str, item_id: int, qty: float) -> Any:
        return await self.call(
            "PUT", f"/V1/carts/mine/items/{item_id}", token=token, body={"cartItem": {"qty": qty}}
        )

    async def my_cart_delete(self, token: str, item_id: int) -> Any:
        return await self.call("DELETE", f"/V1/carts/mine/items/{item_id}", token=token)

    async def my_cart_totals(self, token: str) -> Any:
        return await self.call("GET", "/V1/carts/mine/totals", token=token)

    async def me(self, token: str) -> Any:
        return await self.call("GET", "/V1/customers/me", token=token)
