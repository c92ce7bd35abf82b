"""Magento's REST error bodies, and the errors every Magento-speaking service raises.

How this works: Magento renders an error as
`{"message", "errors", "code", "parameters", "trace"}` in exactly that key order, each key but
`message` only when non-empty. `message` is the raw template (`%fieldName`, `%1` stay in place);
named placeholders come with `parameters` as an object, positional ones as an array. Exceptions
raised as web-API exceptions (route not found, decoding errors, type conversion) are already
rendered and carry no parameters. `ErrorProcessor::maskException` picks the status:

    MagentoError                      status   Magento class
    ├── InputError                    400      LocalizedException / InputException / StateException
    ├── NoSuchEntity                  404      NoSuchEntityException
    ├── AuthorizationError            401      AuthorizationException (ACL)
    ├── AuthenticationError           401      AuthenticationException (credentials)
    ├── WebapiError                   any      Webapi\\Exception (already-rendered message)
    └── InternalError                 500      anything unexpected, production mode
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

Parameters = Mapping[str, Any] | Sequence[Any]


class MagentoError(Exception):
    """An error with Magento's REST rendering; `status` is the HTTP status Magento answers with."""

    status = 400

    def __init__(
        self,
        message: str,
        parameters: Parameters | None = None,
        *,
        errors: Sequence[MagentoError] = (),
        code: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.parameters = parameters
        self.errors = tuple(errors)
        self.code = code

    def body(self) -> dict[str, Any]:
        """The error object in Magento's key order."""
        out: dict[str, Any] = {"message": self.message}
        if self.errors:
            out["errors"] = [
                {"message": e.message, "parameters": e.parameters or []} for e in self.errors
            ]
        if self.code:
            out["code"] = self.code
        if self.parameters:
            out["parameters"] = (
                dict(self.parameters)
                if isinstance(self.parameters, Mapping)
                else list(self.parameters)
            )
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.parameters!r})"


class InputError(MagentoError):
    status = 400


class NoSuchEntity(MagentoError):
    status = 404


class AuthorizationError(MagentoError):
    status = 401


class AuthenticationError(MagentoError):
    status = 401


class WebapiError(MagentoError):
    """An already-rendered message with its own status (Magento\\Framework\\Webapi\\Exception)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class InternalError(MagentoError):
    status = 500

    def __init__(self, report_id: str | None = None) -> None:
        # PHP uniqid("webapi-"): 13 lower-case hex digits after the prefix.
        self.report_id = report_id or "webapi-" + secrets.token_hex(7)[:13]
        super().__init__(
            "Internal Error. Details are available in Magento log file. "
            f"Report ID: {self.report_id}"
        )


# ---------------------------------------------------------------- the catalogue (CONTRACT.md §3.3)


def route_not_found() -> WebapiError:
    return WebapiError("Request does not match any route.", 404)


def decoding_error() -> WebapiError:
    return WebapiError("Decoding error.", 400)


def content_type_empty() -> WebapiError:
    return WebapiError("Content-Type header is empty.", 400)


def content_type_unsupported(media_type: str) -> WebapiError:
    return WebapiError(
        f"Server cannot understand Content-Type HTTP header media type {media_type}", 400
    )


def not_acceptable(accept: str) -> WebapiError:
    return WebapiError(
        "Server cannot match any of the given Accept HTTP header media type(s) from the request: "
        f'"{accept}" with media types from the config of response renderer.',
        406,
    )


def unsupported_charset() -> WebapiError:
    return WebapiError("UTF-8 is the only supported charset.", 400)


def invalid_type(value: Any, expected: str) -> WebapiError:
    """Type conversion failure, e.g. a non-numeric pageSize."""
    shown = value if isinstance(value, str) else repr(value)
    return WebapiError(
        f'The "{shown}" value\'s type is invalid. The "{expected}" type was expected. '
        "Verify and try again.",
        400,
    )


def required_field(field: str) -> InputError:
    return InputError('"%fieldName" is required. Enter and try again.', {"fieldName": field})


def unsupported_field(field: str) -> InputError:
    return InputError(
        '"%fieldName" is not supported. Correct the field name and try again.',
        {"fieldName": field},
    )


def invalid_value(field: str, value: Any) -> InputError:
    return InputError(
        'Invalid value of "%value" provided for the %fieldName field.',
        {"fieldName": field, "value": value},
    )


def no_such_entity(field: str, value: Any) -> NoSuchEntity:
    return NoSuchEntity(
        "No such entity with %fieldName = %fieldValue", {"fieldName": field, "fieldValue": value}
    )


def product_not_found() -> NoSuchEntity:
    return NoSuchEntity(
        "The product that was requested doesn't exist. Verify the product and try again."
    )


def not_authorized(resources: Sequence[str]) -> AuthorizationError:
    return AuthorizationError(
        "The consumer isn't authorized to access %resources.",
        {"resources": ", ".join(resources)},
    )


def sign_in_incorrect() -> AuthenticationError:
    return AuthenticationError(
        "The account sign-in was incorrect or your account is disabled temporarily. "
        "Please wait and try again later."
    )


def aggregate(errors: Sequence[MagentoError]) -> MagentoError:
    """One error stands alone; two or more become Magento's aggregate input exception."""
    if len(errors) == 1:
        return errors[0]
    return InputError("One or more input exceptions have occurred.", errors=errors)
