"""Magento password hashes (CONTRACT.md §2, `Framework\\Encryption\\Encryptor`).

Expected hashes are computed here from the definitions: version 1 = sha256(salt + password),
version 2 / 3_32_2_67108864 = Argon2id13 (32-byte output, opslimit 2, memlimit 64 MiB, salt = the
first 16 bytes of the salt string, padded by repeating it when shorter, as `getArgonHash` does
with `str_pad`), chained versions applied left to right.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from argon2.low_level import Type, hash_secret_raw

from legacy_adapters.magento_wire import passwords

SALT = "0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P"  # 32 chars, like Magento's generated salts
PASSWORD = "roni_cost3@example.com"


def sha256_v1(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode()).hexdigest()


def argon2id(secret: str, salt: str) -> str:
    raw_salt = salt.encode()[:16]
    if len(raw_salt) < 16:
        raw_salt = (raw_salt * 16)[:16]  # PHP str_pad($salt, 16, $salt)
    return hash_secret_raw(
        secret=secret.encode(),
        salt=raw_salt,
        time_cost=2,
        memory_cost=65536,  # KiB = 64 MiB
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    ).hex()


# ---------------------------------------------------------------- version 1


def test_version_1_is_sha256_of_salt_then_password() -> None:
    stored = f"{sha256_v1(PASSWORD, SALT)}:{SALT}:1"
    assert passwords.verify_password(PASSWORD, stored)


def test_hash_password_version_1() -> None:
    stored = passwords.hash_password(PASSWORD, salt=SALT, version="1")
    assert stored == f"{sha256_v1(PASSWORD, SALT)}:{SALT}:1"


def test_version_1_wrong_password() -> None:
    stored = f"{sha256_v1(PASSWORD, SALT)}:{SALT}:1"
    assert not passwords.verify_password(PASSWORD + "x", stored)


def test_version_1_password_then_salt_is_not_it() -> None:
    reversed_order = hashlib.sha256((PASSWORD + SALT).encode()).hexdigest()
    assert not passwords.verify_password(PASSWORD, f"{reversed_order}:{SALT}:1")


def test_version_1_non_ascii_password() -> None:
    password = "p\u00e4ssw\u00f6rd"
    assert passwords.verify_password(password, f"{sha256_v1(password, SALT)}:{SALT}:1")


# ---------------------------------------------------------------- Argon2id


def test_default_hash_is_argon2id_3_32_2_67108864() -> None:
    stored = passwords.hash_password(PASSWORD)
    digest, salt, version = stored.split(":")
    assert version == "3_32_2_67108864"
    assert re.fullmatch(r"[A-Za-z0-9]{32}", salt)
    assert digest == argon2id(PASSWORD, salt)


def test_default_hash_round_trip() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert passwords.verify_password(PASSWORD, stored)
    assert not passwords.verify_password("wrong", stored)


def test_salts_differ() -> None:
    assert passwords.hash_password(PASSWORD) != passwords.hash_password(PASSWORD)


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("2", id="version-2"),
        pytest.param("3_32_2_67108864", id="version-3-explicit-params"),
    ],
)
def test_argon_versions_verify(version: str) -> None:
    stored = f"{argon2id(PASSWORD, SALT)}:{SALT}:{version}"
    assert passwords.verify_password(PASSWORD, stored)


def test_argon_uses_only_first_16_salt_bytes() -> None:
    stored = f"{argon2id(PASSWORD, SALT)}:{SALT[:16]}ANYTHING-ELSE:2"
    assert passwords.verify_password(PASSWORD, stored)


def test_argon_short_salt_is_padded_like_php_str_pad() -> None:
    salt = "abc"
    stored = f"{argon2id(PASSWORD, salt)}:{salt}:2"
    assert passwords.verify_password(PASSWORD, stored)


# ---------------------------------------------------------------- chained (upgraded) hashes


def test_chained_1_then_2() -> None:
    stored = f"{argon2id(sha256_v1(PASSWORD, SALT), SALT)}:{SALT}:1:2"
    assert passwords.verify_password(PASSWORD, stored)


def test_chained_1_then_3() -> None:
    stored = f"{argon2id(sha256_v1(PASSWORD, SALT), SALT)}:{SALT}:1:3_32_2_67108864"
    assert passwords.verify_password(PASSWORD, stored)


def test_chained_wrong_password() -> None:
    stored = f"{argon2id(sha256_v1(PASSWORD, SALT), SALT)}:{SALT}:1:2"
    assert not passwords.verify_password("wrong", stored)


def test_chain_order_matters() -> None:
    stored = f"{sha256_v1(argon2id(PASSWORD, SALT), SALT)}:{SALT}:1:2"
    assert not passwords.verify_password(PASSWORD, stored)


def test_chained_1_then_1() -> None:
    stored = f"{sha256_v1(sha256_v1(PASSWORD, SALT), SALT)}:{SALT}:1:1"
    assert passwords.verify_password(PASSWORD, stored)


# ---------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param("not-a-hash", id="no-separators"),
        pytest.param(f"{'0' * 64}:{SALT}", id="no-version"),
        pytest.param(f"{'0' * 64}:{SALT}:9", id="unknown-version"),
        pytest.param(f"{'0' * 64}:{SALT}:", id="empty-version"),
        pytest.param(f"{'0' * 64}:{SALT}:3_32_2", id="version-3-missing-param"),
        pytest.param(f"{'0' * 64}:{SALT}:3_a_b_c", id="version-3-non-numeric"),
        pytest.param(f"{'0' * 64}::2", id="argon-empty-salt"),
        pytest.param(f"{sha256_v1(PASSWORD, SALT).upper()}:{SALT}:1", id="upper-case-hex"),
        pytest.param(f"{sha256_v1(PASSWORD, SALT)}:{SALT}x:1", id="other-salt"),
    ],
)
def test_malformed_or_mismatched_is_false(stored: str | None) -> None:
    assert passwords.verify_password(PASSWORD, stored) is False
