"""Find the server binaries the stack needs; install their Debian package when we can.

How this works: each server is looked up on PATH and in the sbin folders Debian uses (mariadbd
lives in /usr/sbin, which is not on a normal user's PATH). If it is missing and we are root (or
have password-less sudo) on a machine with apt-get, the Debian package is installed
non-interactively. Otherwise `ServerUnavailable` names the package to install; nothing skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/libexec")


class ServerUnavailable(RuntimeError):
    """A server binary is missing and could not be installed."""


@dataclass(frozen=True, slots=True)
class Binary:
    """A program we need, the names it goes by, and the Debian package that ships it."""

    names: tuple[str, ...]
    package: str


MARIADBD = Binary(("mariadbd", "mysqld"), "mariadb-server")
MARIADB_INSTALL_DB = Binary(("mariadb-install-db", "mysql_install_db"), "mariadb-server")
REDIS_SERVER = Binary(("redis-server",), "redis-server")


def find(binary: Binary) -> str | None:
    """Return the path of the first name found on PATH or in the sbin folders."""
    search = os.pathsep.join([os.environ.get("PATH", ""), *SBIN_DIRS])
    for name in binary.names:
        path = shutil.which(name, path=search)
        if path:
            return path
    return None


def _apt_prefix() -> list[str] | None:
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        return ["sudo", "-n"]
    return None


def _apt_install(package: str) -> bool:
    prefix = _apt_prefix()
    if prefix is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*prefix, "apt-get", "install", "-y", "--no-install-recommends", package]
    print(f"stack: installing Debian package {package} ...", file=sys.stderr, flush=True)
    if subprocess.run(install, env=env, check=False).returncode == 0:
        return True
    # A fresh image often has no package lists yet.
    subprocess.run([*prefix, "apt-get", "update"], env=env, check=False)
    return subprocess.run(install, env=env, check=False).returncode == 0


def require(binary: Binary, install: Callable[[str], bool] | None = None) -> str:
    """Path of `binary`, installing its Debian package if needed; raise naming the package.

    `install(package) -> bool` defaults to apt-get (when root or password-less sudo).
    """
    path = find(binary)
    if path is None and (install or _apt_install)(binary.package):
        path = find(binary)
    if path is None:
        raise ServerUnavailable(
            f"{binary.names[0]} not found and could not be installed: "
            f"install the Debian package '{binary.package}' (apt-get install {binary.package})"
        )
    return path


def main() -> int:
    """Install whatever server packages are missing (used by the Makefile's bootstrap)."""
    try:
        for binary in (MARIADBD, MARIADB_INSTALL_DB, REDIS_SERVER):
            print(f"{binary.names[0]}: {require(binary)}")
    except ServerUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
