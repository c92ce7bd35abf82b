"""The one place that records which Magento 2.4.x behaviour we emulate where versions differ.

Target: Magento Open Source 2.4.8 on PHP 8.4 (`../shared/magento/CONTRACT.md`, "Target version").
Every choice below is a [V] (version-dependent) or [U] (uncertain) point of the contract; the code
that depends on one reads the constant from here, so changing the target is a one-file edit.

- Bearer tokens (§2):
    JWT HS256, kid "1"; revocation by jwt_auth_revoked
- Admin token with TwoFactorAuth (§2):
    2FA modelled as disabled: admin token is issued
- Invalid/expired token (§2):
    caller becomes a guest, ACL decides (401)
- Product not found message (§3.3, note b):
    "The product that was requested doesn't exist…"
- Add-to-cart of unknown SKU (§3.3):
    404 product-not-found (no website plugin, 2.4.8 GA)
- Add-to-cart of disabled product:
    400 "Product that you are trying to add is not available."
- Unknown guest mask on GET/DELETE (§3.3, note a):
    404 cartId with fieldValue null (not 0)
- Unknown guest mask on POST/PUT item (§3.3):
    400 "quoteId" is required
- Guest add-item quote id source (§4):
    the URL mask; a body quote_id is ignored
- customer_is_guest of REST guest carts (§6):
    true
- Page past the end of a search (§10.2):
    items [] with the real total_count
- Web API input limiting (§10.2):
    off: no pageSize means every match, no page_size echo
- Discount total segment position (§8):
    after subtotal (never emitted: no cart rules)
- Rounding (§9):
    PHP 8.4 round(): Decimal(repr(x)) half-up
- Lock-out after failed token requests (§2):
    6 failures lock for 1800 s (oauth_token_request_log)
- Media gallery label without a stored label (§16):
    emitted as null
- custom_attributes order (§10.1, §16):
    canonical: by attribute_id ascending
- Product extension_attributes order (§10.1):
    website_ids, category_links, stock_item, configurable_*
- Sort direction other than ASC/DESC:
    400 'Sort order "%1" is not supported…' [U]
- Filter on an unknown attribute:
    400 "Invalid attribute name: %1" [U]
- Sort on an unknown attribute:
    ignored, like EAV addAttributeToSort [U]
- Unknown condition_type:
    applied as eq, echoed as sent [U]
- Equal sort keys in a search (§10.2):
    ties ordered by entity id (Magento leaves them to the database)
- A malformed or non-string `fields=` (§1.4):
    filters everything away: `[]` (FieldsFilter::filter)
- Unknown category id (§11, contract says `categoryId` [L]):
    404 with fieldName "id", as CategoryRepository::get throws it
- Merging a customer's cart into an assigned guest cart (§4):
    lines are copied (Quote::merge); the old cart keeps its rows, deactivated
- XML requests and responses:
    not emulated: an XML Content-Type is 400, an XML-only Accept is 406
- Overlong integer ids in a path (e.g. carts/99999999999999999999):
    clamped like PHP's (int) cast, so they find nothing (404)
"""

from __future__ import annotations

MAGENTO_VERSION = "2.4.8"
PHP_VERSION = "8.4"

ADMIN_TWO_FACTOR_AUTH = False
GUEST_CART_IS_GUEST = True
UNKNOWN_MASK_FIELD_VALUE: int | None = None  # 2026 2.4-develop answers 0
UNKNOWN_SKU_ON_ADD_STATUS = 404  # 2.4.9 line: 400 "not available"
PAST_LAST_PAGE_EMPTY = True
INPUT_LIMIT_ENABLED = False
MEDIA_LABEL_DEFAULT: str | None = None

MAX_TOKEN_FAILURES = 6  # oauth/authentication_lock/max_failures_count
TOKEN_LOCK_SECONDS = 1800  # oauth/authentication_lock/timeout
