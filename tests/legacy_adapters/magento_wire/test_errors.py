"""Magento's REST error bodies (CONTRACT.md §3): key order, parameters, aggregation, statuses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from legacy_adapters.magento_wire import errors
from legacy_adapters.magento_wire.phpjson import encode

REQUIRED = '"%fieldName" is required. Enter and try again.'


def wire(error: errors.MagentoError) -> bytes:
    return encode(error.body())


# ---------------------------------------------------------------- body shape


@pytest.mark.parametrize(
    ("error", "body"),
    [
        pytest.param(
            errors.InputError("Decoding error."), {"message": "Decoding error."}, id="bare"
        ),
        pytest.param(
            errors.InputError(REQUIRED, {"fieldName": "sku"}),
            {"message": REQUIRED, "parameters": {"fieldName": "sku"}},
            id="named",
        ),
        pytest.param(
            errors.NoSuchEntity("The %1 Cart doesn't contain the %2 item.", ["17", 41]),
            {"message": "The %1 Cart doesn't contain the %2 item.", "parameters": ["17", 41]},
            id="positional-list",
        ),
        pytest.param(
            errors.NoSuchEntity("The %1 Cart doesn't contain the %2 item.", ("17", 41)),
            {"message": "The %1 Cart doesn't contain the %2 item.", "parameters": ["17", 41]},
            id="positional-tuple",
        ),
        pytest.param(errors.InputError("m", {}), {"message": "m"}, id="empty-named-omitted"),
        pytest.param(errors.InputError("m", []), {"message": "m"}, id="empty-positional-omitted"),
        pytest.param(errors.InputError("m", None), {"message": "m"}, id="none-omitted"),
        pytest.param(errors.InputError("m", code=0), {"message": "m"}, id="zero-code-omitted"),
        pytest.param(errors.InputError("m", code=7), {"message": "m", "code": 7}, id="code"),
    ],
)
def test_body(error: errors.MagentoError, body: dict[str, Any]) -> None:
    assert error.body() == body


def test_named_parameters_render_as_object() -> None:
    error = errors.InputError(REQUIRED, {"fieldName": "username"})
    assert wire(error) == (
        b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
        b'"parameters":{"fieldName":"username"}}'
    )


def test_positional_parameters_render_as_array() -> None:
    error = errors.NoSuchEntity("The %1 Cart doesn't contain the %2 item.", ["17", 41])
    assert wire(error) == (
        b'{"message":"The %1 Cart doesn\'t contain the %2 item.","parameters":["17",41]}'
    )


def test_message_is_the_raw_template() -> None:
    error = errors.no_such_entity("cartId", 5)
    assert error.body()["message"] == "No such entity with %fieldName = %fieldValue"


def test_key_order_is_message_errors_code_parameters() -> None:
    inner = errors.InputError("inner")
    error = errors.InputError("outer", {"a": 1}, errors=[inner, inner], code=5)
    assert list(error.body()) == ["message", "errors", "code", "parameters"]


def test_parameters_keep_their_order() -> None:
    error = errors.InputError("m", {"z": 1, "a": 2})
    assert list(error.body()["parameters"]) == ["z", "a"]


def test_null_parameter_value_is_kept() -> None:
    assert wire(errors.no_such_entity("cartId", None)) == (
        b'{"message":"No such entity with %fieldName = %fieldValue",'
        b'"parameters":{"fieldName":"cartId","fieldValue":null}}'
    )


# ---------------------------------------------------------------- aggregation (§3.2)


def test_aggregate_of_one_is_the_error_itself() -> None:
    only = errors.required_field("username")
    assert errors.aggregate([only]) is only


def test_aggregate_of_two() -> None:
    error = errors.aggregate([errors.required_field("username"), errors.required_field("password")])
    assert isinstance(error, errors.InputError)
    assert error.status == 400
    assert wire(error) == (
        b'{"message":"One or more input exceptions have occurred.","errors":['
        b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
        b'"parameters":{"fieldName":"username"}},'
        b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
        b'"parameters":{"fieldName":"password"}}]}'
    )


def test_aggregate_entries_always_carry_parameters() -> None:
    error = errors.aggregate([errors.InputError("first"), errors.InputError("second %1", ["x"])])
    assert error.body() == {
        "message": "One or more input exceptions have occurred.",
        "errors": [
            {"message": "first", "parameters": []},
            {"message": "second %1", "parameters": ["x"]},
        ],
    }
    assert b'{"message":"first","parameters":[]}' in wire(error)


def test_aggregate_of_three_keeps_order() -> None:
    parts = [errors.required_field(f) for f in ("a", "b", "c")]
    entries = errors.aggregate(parts).body()["errors"]
    assert [e["parameters"]["fieldName"] for e in entries] == ["a", "b", "c"]


# ---------------------------------------------------------------- statuses (§1.2)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        pytest.param(errors.InputError("m"), 400, id="input"),
        pytest.param(errors.MagentoError("m"), 400, id="localized-default"),
        pytest.param(errors.NoSuchEntity("m"), 404, id="no-such-entity"),
        pytest.param(errors.AuthorizationError("m"), 401, id="authorization"),
        pytest.param(errors.AuthenticationError("m"), 401, id="authentication"),
        pytest.param(errors.WebapiError("m"), 400, id="webapi-default"),
        pytest.param(errors.WebapiError("m", 404), 404, id="webapi-404"),
        pytest.param(errors.WebapiError("m", 406), 406, id="webapi-406"),
        pytest.param(errors.InternalError(), 500, id="internal"),
    ],
)
def test_status(error: errors.MagentoError, status: int) -> None:
    assert error.status == status


def test_errors_are_exceptions() -> None:
    with pytest.raises(errors.MagentoError):
        raise errors.NoSuchEntity("m")


def test_webapi_error_has_no_parameters() -> None:
    assert errors.WebapiError("Decoding error.", 400).body() == {"message": "Decoding error."}


# ---------------------------------------------------------------- internal error


def test_internal_error_message_carries_a_uniqid_report_id() -> None:
    error = errors.InternalError()
    # PHP uniqid("webapi-"): the prefix, then 8 + 5 lower-case hex digits (seconds, microseconds)
    assert re.fullmatch(r"webapi-[0-9a-f]{13}", error.report_id)
    assert error.body() == {
        "message": "Internal Error. Details are available in Magento log file. "
        f"Report ID: {error.report_id}"
    }


def test_internal_error_report_ids_differ() -> None:
    assert errors.InternalError().report_id != errors.InternalError().report_id


def test_internal_error_with_given_report_id() -> None:
    error = errors.InternalError("webapi-65f1c0ffee123")
    assert error.body() == {
        "message": "Internal Error. Details are available in Magento log file. "
        "Report ID: webapi-65f1c0ffee123"
    }


# ---------------------------------------------------------------- the catalogue (§3.3, §2)


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        pytest.param(
            errors.route_not_found(),
            404,
            b'{"message":"Request does not match any route."}',
            id="route-not-found",
        ),
        pytest.param(errors.decoding_error(), 400, b'{"message":"Decoding error."}', id="decoding"),
        pytest.param(
            errors.content_type_empty(),
            400,
            b'{"message":"Content-Type header is empty."}',
            id="content-type-empty",
        ),
        pytest.param(
            errors.content_type_unsupported("text/plain"),
            400,
            b'{"message":"Server cannot understand Content-Type HTTP header media type '
            b'text\\/plain"}',
            id="content-type-unsupported",
        ),
        pytest.param(
            errors.not_acceptable("text/html"),
            406,
            b'{"message":"Server cannot match any of the given Accept HTTP header media type(s) '
            b'from the request: \\"text\\/html\\" with media types from the config of response '
            b'renderer."}',
            id="not-acceptable",
        ),
        pytest.param(
            errors.unsupported_charset(),
            400,
            b'{"message":"UTF-8 is the only supported charset."}',
            id="charset",
        ),
        pytest.param(
            errors.required_field("searchCriteria"),
            400,
            b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
            b'"parameters":{"fieldName":"searchCriteria"}}',
            id="required-field",
        ),
        pytest.param(
            errors.unsupported_field("foo"),
            400,
            b'{"message":"\\"%fieldName\\" is not supported. '
            b'Correct the field name and try again.",'
            b'"parameters":{"fieldName":"foo"}}',
            id="unsupported-field",
        ),
        pytest.param(
            errors.invalid_value("qty", 0),
            400,
            b'{"message":"Invalid value of \\"%value\\" provided for the %fieldName field.",'
            b'"parameters":{"fieldName":"qty","value":0}}',
            id="invalid-value",
        ),
        pytest.param(
            errors.no_such_entity("cartId", None),
            404,
            b'{"message":"No such entity with %fieldName = %fieldValue",'
            b'"parameters":{"fieldName":"cartId","fieldValue":null}}',
            id="unknown-guest-cart",
        ),
        pytest.param(
            errors.no_such_entity("customerId", 5),
            404,
            b'{"message":"No such entity with %fieldName = %fieldValue",'
            b'"parameters":{"fieldName":"customerId","fieldValue":5}}',
            id="no-customer-cart",
        ),
        pytest.param(
            errors.product_not_found(),
            404,
            b'{"message":"The product that was requested doesn\'t exist. '
            b'Verify the product and try again."}',
            id="product-not-found",
        ),
        pytest.param(
            errors.not_authorized(["self"]),
            401,
            b'{"message":"The consumer isn\'t authorized to access %resources.",'
            b'"parameters":{"resources":"self"}}',
            id="acl-self",
        ),
        pytest.param(
            errors.not_authorized(["Magento_Catalog::products", "Magento_Cart::manage"]),
            401,
            b'{"message":"The consumer isn\'t authorized to access %resources.",'
            b'"parameters":{"resources":"Magento_Catalog::products, Magento_Cart::manage"}}',
            id="acl-joined",
        ),
        pytest.param(
            errors.sign_in_incorrect(),
            401,
            b'{"message":"The account sign-in was incorrect or your account is disabled '
            b'temporarily. Please wait and try again later."}',
            id="sign-in",
        ),
        pytest.param(
            errors.invalid_type("abc", "int"),
            400,
            b'{"message":"The \\"abc\\" value\'s type is invalid. The \\"int\\" type was expected.'
            b' Verify and try again."}',
            id="invalid-type",
        ),
    ],
)
def test_catalogue(error: errors.MagentoError, status: int, body: bytes) -> None:
    assert error.status == status
    assert wire(error) == body


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        pytest.param(errors.route_not_found, errors.WebapiError, id="route-not-found"),
        pytest.param(errors.decoding_error, errors.WebapiError, id="decoding"),
        pytest.param(errors.product_not_found, errors.NoSuchEntity, id="product"),
        pytest.param(errors.sign_in_incorrect, errors.AuthenticationError, id="sign-in"),
        pytest.param(lambda: errors.not_authorized(["self"]), errors.AuthorizationError, id="acl"),
        pytest.param(lambda: errors.required_field("x"), errors.InputError, id="required"),
    ],
)
def test_catalogue_classes(factory: Any, kind: type[errors.MagentoError]) -> None:
    assert isinstance(factory(), kind)
