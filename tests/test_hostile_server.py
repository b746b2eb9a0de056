"""The server answers only whom it should (issue 13, point 6), tried on loopback against the real server.

`streamlit run serve.py` (what `make run` does) is started with nothing but .streamlit/config.toml (no
address flag), behind a fake HTTP proxy that records every outbound connection, then sent raw HTTP
requests and WebSocket handshakes with hostile Host and Origin headers.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import threading
import tomllib
import urllib.parse
from collections.abc import Iterator

import pytest
from browser_support import ROOT, start_streamlit, stop_streamlit

import serve

# --- the guard's rules, without a server -------------------------------------------------------------


@pytest.mark.parametrize(
    ("netloc", "allowed"),
    [
        pytest.param("127.0.0.1:8501", True, id="loopback-with-port"),
        pytest.param("LOCALHOST", True, id="case-folded"),
        pytest.param("localhost.", True, id="trailing-dot"),
        pytest.param("evil.example", False, id="rebinding-name"),
        pytest.param("127.0.0.1.evil.example", False, id="loopback-prefix"),
        pytest.param("user@127.0.0.1", False, id="userinfo"),
        pytest.param("127.0.0.1:99999", False, id="port-out-of-range"),
        pytest.param("127.0.0.1/x", False, id="path"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="missing"),
    ],
)
def test_host_allowed_takes_only_the_configured_names(netloc, allowed):
    assert serve.host_allowed(netloc, ["localhost", "127.0.0.1"]) is allowed


def test_host_patterns_cover_subdomains_and_star():
    assert serve.host_allowed("app.team.example:443", ["*.team.example"])
    assert not serve.host_allowed("team.example.evil:443", ["*.team.example"])
    assert serve.host_allowed("anything.example", ["*"])


def test_an_empty_allowlist_falls_back_to_loopback_and_the_address_never_to_anything(monkeypatch):
    options = {"server.allowedHosts": [], "server.address": "10.0.0.5"}
    monkeypatch.setattr(serve.config, "get_option", options.get)
    assert serve.allowed_hosts() == ["localhost", "127.0.0.1", "::1", "10.0.0.5"]
    options["server.address"] = "0.0.0.0"
    assert serve.allowed_hosts() == ["localhost", "127.0.0.1", "::1"]


def test_the_config_binds_to_loopback_and_names_the_server_address():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["allowedHosts"] == ["localhost", "127.0.0.1"]
    assert config["browser"]["serverAddress"] == "localhost"  # no external-IP lookup for the banner
    assert config["browser"]["gatherUsageStats"] is False
    assert "streamlit run serve.py" in (ROOT / "Makefile").read_text()


# --- a fake proxy that records outbound calls ----------------------------------------------------------


class RecordingProxy:
    """A TCP listener that records the first line of every connection and answers 502."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.seen: list[str] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.seen.append("(connection)")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, proxy) -> Iterator[tuple[str, int]]:
    """serve.py as `make run` starts it (config.toml only), every outbound call going to `proxy`."""
    folder = tmp_path_factory.mktemp("served")
    env = {name: proxy.url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    url, process = start_streamlit(
        folder, seed_demo=False, script="serve.py", address=None, NO_PROXY="", no_proxy="", **env
    )
    yield url, process.pid
    stop_streamlit(process)


def _port(url: str) -> int:
    return urllib.parse.urlsplit(url).port


def _get(
    url: str, path: str = "/", host: str | None = None, origin: str | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", _port(url), timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host if host is not None else f"127.0.0.1:{_port(url)}")
    if origin is not None:
        connection.putheader("Origin", origin)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _handshake(url: str, host: str, origin: str | None) -> str:
    """The status line a WebSocket handshake on /_stcore/stream gets."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
        *([f"Origin: {origin}"] if origin else []),
    ]
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n", 1)[0].decode()


# --- on loopback -----------------------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp{,6} writes them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]  # noqa: SIM115 - read whole
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_server_listens_on_loopback_only_by_default(server):
    url, _ = server
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    assert _listening_addresses(_port(url)) == {"0100007F"}  # 127.0.0.1, and not 0.0.0.0 nor ::


def test_a_foreign_host_header_is_refused_so_dns_rebinding_fails(server):
    url, _ = server
    port = _port(url)
    assert _get(url, "/", host=f"127.0.0.1:{port}").status == 200
    assert _get(url, "/", host=f"localhost:{port}").status == 200
    for path in ("/", "/review", "/_stcore/health", "/_stcore/host-config"):
        response = _get(url, path, host=f"evil.example:{port}")
        assert response.status == 400, path
    assert _get(url, "/", host="").status == 400


def test_the_websocket_refuses_a_foreign_host_or_origin(server):
    url, _ = server
    port = _port(url)
    same = f"http://127.0.0.1:{port}"
    assert _handshake(url, f"127.0.0.1:{port}", same).startswith("HTTP/1.1 101")
    assert _handshake(url, f"evil.example:{port}", "http://evil.example").startswith("HTTP/1.1 403")
    assert _handshake(url, f"127.0.0.1:{port}", "http://evil.example").startswith("HTTP/1.1 403")


def test_every_response_forbids_framing_by_other_sites(server):
    url, _ = server
    for path in ("/", "/studio", "/_stcore/health"):
        response = _get(url, path)
        assert response.getheader("X-Frame-Options") == "SAMEORIGIN", path
        assert response.getheader("Content-Security-Policy") == "frame-ancestors 'self'", path


def test_no_other_site_may_read_a_response(server):
    # server.enableCORS = true and no corsAllowedOrigins: with false, Streamlit 1.67 answers every
    # origin with `Access-Control-Allow-Origin: *` (XSRF protection does not turn it back on)
    url, _ = server
    for path in ("/", "/_stcore/health", "/_stcore/host-config"):
        response = _get(url, path, origin="http://evil.example")
        assert response.status == 200, path
        assert response.getheader("Access-Control-Allow-Origin") is None, path


def test_no_outbound_call_at_start_nor_on_a_cross_origin_attempt(server, proxy):
    import requests

    url, _ = server
    _get(url, "/")
    _handshake(url, f"127.0.0.1:{_port(url)}", "http://evil.example")
    assert proxy.seen == []
    # The fake proxy does see what goes through it (the check above could fail):
    requests.get("http://checkip.amazonaws.com", proxies={"http": proxy.url}, timeout=5)
    assert proxy.seen == ["GET http://checkip.amazonaws.com/ HTTP/1.1"]
    proxy.seen.clear()


def test_allowed_hosts_are_configurable_by_environment(tmp_path):
    url, process = start_streamlit(
        tmp_path,
        seed_demo=False,
        script="serve.py",
        STREAMLIT_SERVER_ALLOWED_HOSTS="journey.team.example 127.0.0.1",
    )
    try:
        port = _port(url)
        assert _get(url, "/", host=f"journey.team.example:{port}").status == 200
        assert _get(url, "/", host=f"localhost:{port}").status == 400  # the list replaces config.toml's
        assert _get(url, "/", host=f"evil.example:{port}").status == 400
    finally:
        stop_streamlit(process)


def test_the_server_imports_the_pages_libraries_before_any_session_and_nothing_of_ui():
    # two sessions' first page runs would otherwise import SQLAlchemy in two threads at once, and one
    # got a partially initialised package (a browser test failed on it); ui must stay unimported
    import subprocess
    import sys

    code = (
        "import sys, serve; "
        "print(all(m in sys.modules for m in ('sqlalchemy', 'sqlmodel', 'altair', 'mjml', 'liquid')), "
        "any(m == 'ui' or m.startswith('ui.') for m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["True", "False"]
