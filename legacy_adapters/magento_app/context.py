"""What a handler gets: the matched route, its inputs, the store scope and the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from legacy_adapters.magento_app.routes import Route
from legacy_adapters.magento_wire.tokens import UserType


@dataclass(frozen=True, slots=True)
class Scope:
    """The store a request runs in: `/rest/V1` and `/rest/default/V1` -> store 1, `all` -> 0."""

    store_id: int
    website_id: int
    code: str

    @property
    def is_admin(self) -> bool:
        return self.store_id == 0


@dataclass(frozen=True, slots=True)
class Caller:
    user_type: UserType
    user_id: int | None = None

    @property
    def is_customer(self) -> bool:
        return self.user_type is UserType.CUSTOMER and self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return self.user_type in (UserType.ADMIN, UserType.INTEGRATION)


GUEST = Caller(UserType.GUEST)


@dataclass(frozen=True, slots=True)
class Call:
    route: Route
    params: Mapping[str, str]  # path parameters, decoded
    query: Mapping[str, Any]  # the query string, parsed PHP-style
    body: Mapping[str, Any]  # the JSON body, keys snake_cased
    scope: Scope
    caller: Caller
    now: float  # unix time of the request

    def customer_id(self) -> int:
        """The caller's customer id (routes with the `self` ACL always have one)."""
        assert self.caller.user_id is not None
        return self.caller.user_id


def allowed(caller: Caller, resources: tuple[str, ...]) -> bool:
    """Magento's ACL for our routes: anonymous for all, self for customers, the rest for admins."""
    if "anonymous" in resources:
        return True
    if "self" in resources:
        return caller.is_customer
    return caller.is_admin
