"""Magento's wire format, in one place: every part of the project imports it from here.

- `phpjson`          the PHP-compatible JSON encoder (and the request-body decoder)
- `errors`           Magento's error bodies and the error catalogue
- `query`            PHP-style query strings (`a[b][0]=x`)
- `search_criteria`  the `searchCriteria` grammar, parsed and echoed
- `fields`           the `?fields=` response filter
- `tokens`           2.4.4+ JWT bearer tokens (issue, verify, revocation)
- `passwords`        Magento's password hash formats
- `money`            price rounding (PHP 8.4 `round`)
- `urls`             `/rest/<store>/V1/...` scopes
- `shapes`           Magento's REST objects in getter order
- `variants`         which 2.4.x behaviour we emulate where versions differ
"""
