"""Magento's password hashes (`Magento\\Framework\\Encryption\\Encryptor`).

How this works: a stored hash is `<hex hash>:<salt>:<version>`. Version `1` is
`sha256(salt + password)`; version `2` is Argon2id13 (32-byte output, opslimit 2, memlimit 64 MiB,
salt = the first 16 bytes of the salt string); version `3_32_2_67108864` is the same Argon2id with
its parameters spelled out (Magento 2.4's default). A hash upgraded in place chains versions
(`…:salt:1:2`): the password is run through each version in turn. `hash_password` writes the
current default, so a verifier in any other service can check what the legacy side stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw

SALT_LENGTH = 32
ARGON_VERSION = "3_32_2_67108864"
_SALT_ALPHABET = string.ascii_letters + string.digits


def _argon2id(
    secret: bytes, salt: str, *, length: int = 32, ops: int = 2, mem_bytes: int = 67108864
) -> str:
    raw_salt = salt.encode()[:16]
    if 0 < len(raw_salt) < 16:  # Encryptor::getArgonHash: str_pad($salt, 16, $salt)
        raw_salt = (raw_salt * 16)[:16]
    raw = hash_secret_raw(
        secret=secret,
        salt=raw_salt,
        time_cost=ops,
        memory_cost=mem_bytes // 1024,
        parallelism=1,
        hash_len=length,
        type=Type.ID,
    )
    return raw.hex()


def _apply(version: str, value: str, salt: str) -> str:
    if version == "0":
        return hashlib.md5((salt + value).encode()).hexdigest()
    if version == "1":
        return hashlib.sha256((salt + value).encode()).hexdigest()
    if version == "2":
        return _argon2id(value.encode(), salt)
    if version.startswith("3_"):
        _, length, ops, mem = version.split("_")
        return _argon2id(value.encode(), salt, length=int(length), ops=int(ops), mem_bytes=int(mem))
    raise ValueError(f"unknown Magento hash version {version!r}")


def hash_password(password: str, *, salt: str | None = None, version: str = ARGON_VERSION) -> str:
    """A new Magento hash of `password` (Argon2id by default, like Magento 2.4 with sodium)."""
    salt = salt or "".join(secrets.choice(_SALT_ALPHABET) for _ in range(SALT_LENGTH))
    return f"{_apply(version, password, salt)}:{salt}:{version}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches a stored Magento hash (any version, chained or not)."""
    if not stored:
        return False
    parts = stored.split(":")
    if len(parts) < 3:
        return False
    expected, salt, versions = parts[0], parts[1], parts[2:]
    value = password
    try:
        for version in versions:
            value = _apply(version, value, salt)
    except (ValueError, HashingError):  # unknown version, or Argon2 refusing the salt/params
        return False
    return hmac.compare_digest(value, expected)
