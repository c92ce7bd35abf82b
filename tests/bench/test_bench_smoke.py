"""The bench's pure parts: wrk parsing, the files it writes, the goals it judges.

No network and no nginx/wrk here: speed lives in bench/, and these tests only make sure the
bench reads and writes what it thinks it does. The one test that runs nginx and wrk for real is
opt-in (STRANGLER_BENCH_SMOKE=1): they are Debian packages the product does not need.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import fixtures, flag_propagation, nginxconf, report, wrk
from bench.report import BUSY, IDLE, ScenarioResult, Soak
from legacy_adapters.magento_wire import phpjson
from strangler import config
from strangler.model import Mode

# Real output of `wrk -t1 -c64 -d2s --latency` against the bench's nginx mirror (wrk 4.1.0).
WRK_C64 = """\
Running 2s test @ http://127.0.0.1:48723/rest/V1/products/24-MB01
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.64ms    2.30ms  22.71ms   86.58%
    Req/Sec    14.14k     3.41k   16.73k    85.00%
  Latency Distribution
     50%    4.00ms
     75%    5.20ms
     90%    7.06ms
     99%   13.59ms
  28182 requests in 2.01s, 48.19MB read
Requests/sec:  14044.61
Transfer/sec:     24.02MB
"""

# ... at 1 connection: microseconds, and a p99 in milliseconds.
WRK_C1 = """\
Running 2s test @ http://127.0.0.1:48723/rest/V1/products/24-MB01
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   199.13us  262.83us   3.69ms   95.85%
    Req/Sec     6.16k     0.96k    7.53k    70.00%
  Latency Distribution
     50%  150.00us
     75%  191.00us
     90%  239.00us
     99%    1.58ms
  12265 requests in 2.00s, 20.97MB read
Requests/sec:   6129.90
Transfer/sec:     10.48MB
"""

# ... against a path the backend does not have: every answer is a 404.
WRK_404 = """\
Running 1s test @ http://127.0.0.1:53261/rest/V1/products/nope
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    83.23us   31.34us 740.00us   77.70%
    Req/Sec    44.57k     1.78k   48.14k    72.73%
  Latency Distribution
     50%   84.00us
     75%   97.00us
     90%  119.00us
     99%  167.00us
  48628 requests in 1.10s, 13.63MB read
  Non-2xx or 3xx responses: 48628
Requests/sec:  44209.24
Transfer/sec:     12.40MB
"""


def test_wrk_output_at_64_connections() -> None:
    result = wrk.parse(WRK_C64)
    assert result == wrk.WrkResult(
        requests=28182,
        duration_s=2.01,
        requests_per_s=14044.61,
        avg_ms=4.64,
        p50_ms=4.0,
        p75_ms=5.2,
        p90_ms=7.06,
        p99_ms=13.59,
    )
    assert result.errors == 0


def test_wrk_output_mixes_units() -> None:
    result = wrk.parse(WRK_C1)
    assert result.p50_ms == pytest.approx(0.150)
    assert result.p99_ms == pytest.approx(1.58)
    assert result.avg_ms == pytest.approx(0.19913)


def test_wrk_counts_error_answers() -> None:
    result = wrk.parse(WRK_404)
    assert (result.non_2xx, result.socket_errors, result.errors) == (48628, 0, 48628)


def test_wrk_counts_socket_errors() -> None:
    text = WRK_C64.replace(
        "Requests/sec:", "  Socket errors: connect 0, read 2, write 1, timeout 7\nRequests/sec:"
    )
    assert wrk.parse(text).socket_errors == 10


@pytest.mark.parametrize(
    ("value", "unit", "ms"),
    [
        pytest.param("37.00", "us", 0.037, id="us"),
        pytest.param("1.20", "ms", 1.2, id="ms"),
        pytest.param("2.00", "s", 2000.0, id="s"),
        pytest.param("1.00", "m", 60000.0, id="m"),
    ],
)
def test_wrk_units(value: str, unit: str, ms: float) -> None:
    assert wrk.to_ms(value, unit) == pytest.approx(ms)


def test_wrk_output_without_latency_distribution_is_refused() -> None:
    without = "\n".join(line for line in WRK_C64.splitlines() if "%" not in line or "Req" in line)
    with pytest.raises(wrk.WrkOutputError, match="latency distribution"):
        wrk.parse(without)


def test_wrk_command_is_pinned_single_threaded_with_latency() -> None:
    argv = wrk.command("http://127.0.0.1:1/x", 64, 2.4, cpu=1)
    assert argv[1:3] == ["-c", "1"] and argv[0].endswith("taskset")
    assert argv[4:] == [
        "-t1",
        "-c64",
        "-d2s",
        "--latency",
        "--timeout",
        "10s",
        "http://127.0.0.1:1/x",
    ]


def test_the_product_is_magento_shaped_and_about_1_5_kb() -> None:
    body = fixtures.product_body()
    assert 1400 <= len(body) <= 1700
    assert body.startswith(b'{"id":1,"sku":"24-MB01","name":"Joust Duffle Bag"')
    assert b"<\\/p>" in body  # PHP's json_encode escapes "/"
    assert b'": ' not in body and b'", "' not in body and b"}, {" not in body  # compact
    assert phpjson.decode(body)["extension_attributes"]["stock_item"]["qty"] == 100


@pytest.mark.parametrize("mode", ["legacy", "shadow"])
def test_the_routes_file_passes_strangler_config(mode: str) -> None:
    text = fixtures.routes_yaml("http://127.0.0.1:1001", "http://127.0.0.1:1002", mode)
    table = config.parse(text, source="bench-routes.yaml", env={})
    [route] = table.routes
    assert (route.id, route.mode, route.new) == (fixtures.ROUTE_ID, Mode(mode), "catalog")
    assert route.shadow.sample == 1.0
    assert route.match.path.text == "/rest/V1/products/{sku}"
    assert table.backends["legacy"].url == "http://127.0.0.1:1001"


PORTS = nginxconf.Ports(legacy=1001, catalog=1002, proxy=1003, mirror=1004)


def test_backend_conf_serves_both_ports_from_www_and_counts_hits() -> None:
    conf = nginxconf.backend_conf(Path("/s/backend"), Path("/s/www"), PORTS)
    assert "daemon off;" in conf and "worker_processes 1;" in conf
    assert "pid /s/backend/nginx.pid;" in conf
    assert "listen 127.0.0.1:1001" in conf and "listen 127.0.0.1:1002" in conf
    assert conf.count("root /s/www;") == 2
    assert "access_log /s/backend/catalog-hits.log hit buffer=64k flush=1s;" in conf
    assert conf.count("{") == conf.count("}")
    assert nginxconf.www_file(Path("/s/www")) == Path("/s/www/rest/V1/products/24-MB01")


def test_workers_run_as_the_given_user_when_asked() -> None:
    assert "user " not in nginxconf.proxy_conf(Path("/s/proxy"), PORTS)
    conf = nginxconf.backend_conf(Path("/s/b"), Path("/s/www"), PORTS, user="root")
    assert conf.startswith("user root;\ndaemon off;\n")


def test_proxy_conf_keeps_upstreams_alive_and_mirrors_to_catalog() -> None:
    conf = nginxconf.proxy_conf(Path("/s/proxy"), PORTS)
    assert conf.count("keepalive 64;") == 2
    assert conf.count("proxy_http_version 1.1;") == 3
    assert conf.count('proxy_set_header Connection "";') == 3
    assert "server 127.0.0.1:1001;" in conf and "server 127.0.0.1:1002;" in conf
    assert "mirror /mirror;" in conf and "proxy_pass http://catalog$request_uri;" in conf
    assert "access_log /s/proxy/access.log;" in conf
    assert conf.count("{") == conf.count("}")


def point(rps: float, p50: float, p99: float) -> wrk.WrkResult:
    return wrk.WrkResult(int(rps * 10), 10.0, rps, p50, p50, p50, p50, p99)


def scenario(name: str, idle: wrk.WrkResult, busy: wrk.WrkResult) -> ScenarioResult:
    return ScenarioResult(name, {IDLE: idle, BUSY: busy})


def results(legacy_rps: float = 15000.0, shadow_p99: float = 4.0) -> dict[str, ScenarioResult]:
    found = [
        scenario(report.DIRECT, point(35000, 0.026, 0.05), point(37000, 1.8, 2.7)),
        scenario(report.NGINX, point(6700, 0.14, 0.27), point(41000, 1.5, 2.4)),
        scenario(report.MIRROR, point(7300, 0.13, 0.32), point(14000, 4.0, 12.5)),
        scenario(report.LEGACY, point(4000, 0.25, 0.5), point(legacy_rps, 4.0, 3.0)),
        scenario(report.SHADOW, point(3500, 0.30, 0.6), point(10000, 5.0, shadow_p99)),
    ]
    return {r.name: r for r in found}


def verdicts(found: list[report.Goal]) -> list[str]:
    return [g.verdict for g in found]


def test_goals_pass_and_miss() -> None:
    soak = Soak("shadow", ((0.0, 100_000), (150.0, 104_000), (300.0, 105_000)))
    found = report.goals(results(), soak)
    assert [round(g.value, 3) for g in found if g.value is not None] == [
        0.366, 0.667, 1.333, 0.32, 0.224, 0.274, 1.05,
    ]  # fmt: skip
    assert verdicts(found) == ["PASS"] * 7
    slow = report.goals(results(legacy_rps=9000.0, shadow_p99=20.0))
    assert verdicts(slow) == ["MISS", "PASS", "MISS", "MISS", "PASS", "PASS", "n/a"]


def test_a_missing_scenario_is_not_available_never_a_pass() -> None:
    found = results()
    found[report.SHADOW] = ScenarioResult(report.SHADOW, unavailable="no serve yet")
    goals = report.goals(found)
    assert verdicts(goals) == ["PASS", "n/a", "n/a", "n/a", "PASS", "n/a", "n/a"]
    assert goals[1].note == "strangler-shadow not available"


def test_table_shows_every_scenario_and_the_reason_for_a_missing_one() -> None:
    found = list(results().values())
    found[3] = ScenarioResult(report.LEGACY, unavailable="no `serve` subcommand yet")
    text = report.table(found)
    assert "strangler-legacy  not available: no `serve` subcommand yet" in text
    assert "41,000" in text and "12.500" in text
    assert len(text.splitlines()) == 2 + len(found)


def test_soak_growth() -> None:
    soak = Soak("shadow", ((0.0, 80_000), (5.0, 95_000), (10.0, 88_000)))
    assert (soak.start_kib, soak.end_kib, soak.max_kib) == (80_000, 88_000, 95_000)
    assert soak.growth == pytest.approx(1.1)
    assert "growth x1.100" in report.soak_lines(soak)


def test_flag_propagation_reads_the_admin_routes_answer() -> None:
    answer = {
        "routes": [
            {"id": "other", "effective_mode": "new"},
            {"id": "catalog-product", "file_mode": "legacy", "effective_mode": "shadow"},
        ],
        "kill_switch": None,
    }
    assert flag_propagation.route_mode(answer, "catalog-product") == "shadow"
    assert flag_propagation.route_mode(answer, "missing") is None
    assert flag_propagation.route_mode({"message": "bad token"}, "catalog-product") is None
    method, path, body = flag_propagation.flip_call("catalog-product", "shadow")
    assert (method, path) == ("POST", "/flips")
    assert json.loads(body)["route"] == "catalog-product"


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 21)]
    assert flag_propagation.summary(values) == {"min": 1, "median": 10, "p95": 19, "max": 20}


@pytest.mark.slow  # a load run: deselected by default, `make bench-smoke` runs it
def test_a_short_real_run_of_direct_and_nginx_proxy(tmp_path: Path) -> None:
    from bench import proxy

    argv = ["--duration", "1", "--warmup", "1", "--scenarios", "direct,nginx-proxy"]
    assert proxy.main([*argv, "--scratch", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "proxy-bench.json").read_text())
    for name in ("direct", "nginx-proxy"):
        busy = document["scenarios"][name]["points"]["64"]
        assert busy["requests"] > 0 and busy["non_2xx"] == 0 and busy["socket_errors"] == 0
    assert document["scenarios"]["nginx-proxy"]["cpu_us_per_request"] > 0
