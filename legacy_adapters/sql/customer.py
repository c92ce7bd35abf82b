"""Customers, admin users and token bookkeeping."""

from __future__ import annotations

CUSTOMER = "SELECT * FROM customer_entity WHERE entity_id = %s"
CUSTOMER_BY_EMAIL = "SELECT * FROM customer_entity WHERE email = %s AND website_id = %s"
CUSTOMER_ADDRESSES = """
SELECT a.*, r.code AS region_code FROM customer_address_entity a
LEFT JOIN directory_country_region r ON r.region_id = a.region_id
WHERE a.parent_id = %s AND a.is_active = 1 ORDER BY a.entity_id
"""
ADMIN_BY_USERNAME = "SELECT * FROM admin_user WHERE username = %s"

TOKEN_FAILURES = """
SELECT failures_count, lock_expires_at FROM oauth_token_request_log
WHERE user_name = %s AND user_type = %s
"""
RECORD_FAILURE = """
INSERT INTO oauth_token_request_log (user_name, user_type, failures_count, lock_expires_at)
VALUES (%s, %s, 1, NULL)
ON DUPLICATE KEY UPDATE failures_count = failures_count + 1,
  lock_expires_at = IF(failures_count >= %s, %s, lock_expires_at)
"""
RESET_FAILURES = "DELETE FROM oauth_token_request_log WHERE user_name = %s AND user_type = %s"

REVOKED_BEFORE = """
SELECT revoke_before FROM jwt_auth_revoked WHERE user_type_id = %s AND user_id = %s
"""
REVOKE = """
INSERT INTO jwt_auth_revoked (user_type_id, user_id, revoke_before) VALUES (%s, %s, %s)
ON DUPLICATE KEY UPDATE revoke_before = VALUES(revoke_before)
"""
