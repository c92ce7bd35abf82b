"""nginx configurations for the bench: a fast backend, and nginx as the proxy to beat.

Pure: ports and folders in, nginx.conf text out. Two masters run at once so that pinning is
real: the backend (two ports, `legacy` and `catalog`, serving the same product file) shares
core 1 with wrk, and the proxy under test (one worker) has core 0 to itself. Both keep client
and upstream connections open for a long time (`keepalive_requests`), so what is measured is
steady-state proxying rather than reconnects every 1,000 requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.fixtures import CONTENT_TYPE, PRODUCT_PATH

KEEPALIVE_REQUESTS = 1_000_000


@dataclass(frozen=True, slots=True)
class Ports:
    """Every port of one bench run."""

    legacy: int  # backend: the legacy store
    catalog: int  # backend: the new catalog service (same answer)
    proxy: int  # nginx reverse proxy to legacy
    mirror: int  # nginx reverse proxy to legacy, mirroring every request to catalog


def _common(folder: Path, workers: int, user: str | None) -> str:
    """Everything outside `http {}`, and the temp paths nginx would otherwise put in /var.

    `user`: whom workers run as when the master is root (nginx's default, nobody, cannot read
    a private scratch folder such as pytest's tmp_path); None leaves nginx's default.
    """
    user_line = f"user {user};\n" if user else ""
    return f"""{user_line}\
daemon off;
master_process on;
worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 4096; multi_accept on; }}
http {{
    client_body_temp_path {folder / "tmp-body"};
    proxy_temp_path {folder / "tmp-proxy"};
    fastcgi_temp_path {folder / "tmp-fastcgi"};
    uwsgi_temp_path {folder / "tmp-uwsgi"};
    scgi_temp_path {folder / "tmp-scgi"};
    keepalive_requests {KEEPALIVE_REQUESTS};
    keepalive_timeout 75s;
    server_tokens off;
"""


def backend_conf(folder: Path, www: Path, ports: Ports, *, user: str | None = None) -> str:
    """The backend: `legacy` and `catalog` ports serve the product file from `www`.

    The file lives at `www` + PRODUCT_PATH. Each port logs only the status of every request,
    buffered, to `<name>-hits.log`: the bench counts lines to see what reached each side.
    """
    servers = "".join(
        f"""\
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        access_log {folder / f"{name}-hits.log"} hit buffer=64k flush=1s;
        location / {{
            root {www};
            default_type "{CONTENT_TYPE}";
            etag off;
        }}
    }}
"""
        for name, port in (("legacy", ports.legacy), ("catalog", ports.catalog))
    )
    http = '    sendfile on;\n    tcp_nopush on;\n    log_format hit "$status";\n'
    return _common(folder, 1, user) + http + servers + "}\n"


def proxy_conf(folder: Path, ports: Ports, *, user: str | None = None) -> str:
    """nginx in front of the backend: a plain reverse proxy, and one that mirrors to catalog.

    Upstreams keep up to 64 idle connections (HTTP/1.1, `Connection` cleared), as a tuned
    production nginx does. Both servers write an access log, like strangler's defaults.
    """
    upstreams = "".join(
        f"""\
    upstream {name} {{
        server 127.0.0.1:{port};
        keepalive 64;
        keepalive_requests {KEEPALIVE_REQUESTS};
    }}
"""
        for name, port in (("legacy", ports.legacy), ("catalog", ports.catalog))
    )
    upstream_opts = """\
            proxy_http_version 1.1;
            proxy_set_header Connection "";
"""
    return (
        _common(folder, 1, user)
        + f"    access_log {folder / 'access.log'};\n"
        + upstreams
        + f"""\
    server {{
        listen 127.0.0.1:{ports.proxy} backlog=4096;
        location / {{
            proxy_pass http://legacy;
{upstream_opts}        }}
    }}
    server {{
        listen 127.0.0.1:{ports.mirror} backlog=4096;
        location / {{
            mirror /mirror;
            proxy_pass http://legacy;
{upstream_opts}        }}
        location = /mirror {{
            internal;
            proxy_pass http://catalog$request_uri;
{upstream_opts}        }}
    }}
}}
"""
    )


def www_file(www: Path) -> Path:
    """Where the backend's product file goes so that PRODUCT_PATH serves it."""
    return www / PRODUCT_PATH.lstrip("/")
