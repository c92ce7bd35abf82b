"""Customer and customer-address objects (CONTRACT.md §6, `customers/me`)."""

from __future__ import annotations

from typing import Any

from legacy_adapters.records import Customer, CustomerAddress


def customer_address(a: CustomerAddress, customer: Customer) -> dict[str, Any]:
    """Customer\\Api\\Data\\AddressInterface."""
    out: dict[str, Any] = {"id": a.entity_id, "customer_id": a.customer_id}
    out["region"] = {
        "region_code": a.region_code,
        "region": a.region,
        "region_id": a.region_id or 0,
    }
    if a.region_id is not None:
        out["region_id"] = a.region_id
    out["country_id"] = a.country_id
    out["street"] = list(a.street)
    if a.company is not None:
        out["company"] = a.company
    out["telephone"] = a.telephone
    if a.postcode is not None:
        out["postcode"] = a.postcode
    out["city"] = a.city
    out["firstname"] = a.firstname
    out["lastname"] = a.lastname
    if customer.default_shipping == a.entity_id:
        out["default_shipping"] = True
    if customer.default_billing == a.entity_id:
        out["default_billing"] = True
    return out


def customer(c: Customer) -> dict[str, Any]:
    """Customer\\Api\\Data\\CustomerInterface, as `GET customers/me` answers."""
    out: dict[str, Any] = {"id": c.entity_id, "group_id": c.group_id}
    if c.default_billing is not None:
        out["default_billing"] = str(c.default_billing)
    if c.default_shipping is not None:
        out["default_shipping"] = str(c.default_shipping)
    optional: list[tuple[str, Any]] = [
        ("confirmation", c.confirmation),
        ("created_at", c.created_at),
        ("updated_at", c.updated_at),
        ("created_in", c.created_in),
        ("dob", c.dob),
    ]
    out.update((k, v) for k, v in optional if v is not None)
    out["email"] = c.email
    out["firstname"] = c.firstname
    out["lastname"] = c.lastname
    optional = [
        ("middlename", c.middlename),
        ("prefix", c.prefix),
        ("suffix", c.suffix),
        ("gender", c.gender),
        ("store_id", c.store_id),
        ("taxvat", c.taxvat),
        ("website_id", c.website_id),
    ]
    out.update((k, v) for k, v in optional if v is not None)
    out["addresses"] = [customer_address(a, c) for a in c.addresses]
    out["disable_auto_group_change"] = c.disable_auto_group_change
    out["extension_attributes"] = {"is_subscribed": False}
    return out


def guest_customer() -> dict[str, Any]:
    """The `customer` of a guest cart: only the non-nullable getters survive, as null."""
    return {"email": None, "firstname": None, "lastname": None}
