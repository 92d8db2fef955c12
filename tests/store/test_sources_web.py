"""Batch inputs by URL (xxgk.store.sources.web) against a local threaded HTTP server on 127.0.0.1.

No network beyond loopback: addresses outside it appear only in refusals, which happen before any
connection. Where a test needs "a public host", DNS (`web.resolve`) or the address rule
(`web.address_refusal`) is stood in for 127.0.0.1 alone; every other address keeps the real rule.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from xxgk.errors import InputError, InputTooLarge
from xxgk.store.sources import FetchFailed, Item, RefusedInput, address_refusal, iter_items
from xxgk.store.sources import web

REPORT = "渠县临巴镇2024年政府信息公开工作年度报告\n一、总体情况\n".encode() * 50


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.server.seen.append((self.path, self.headers.get("Host", "")))
        path = unquote(urlsplit(self.path).path)
        if path in ("/report.txt", "/报告/2023年.txt", "/2023 年报.txt"):
            return self._send(200, REPORT)
        if path == "/redirect":
            return self._send(302, b"", Location="/report.txt")
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return self._send(302, b"", Location=f"/chain/{n - 1}" if n > 1 else "/report.txt")
        if path == "/to-metadata":
            return self._send(302, b"", Location="http://169.254.169.254/latest/meta-data/")
        if path == "/to-intranet":
            return self._send(301, b"", Location="http://10.20.30.40/admin")
        if path == "/to-file":
            return self._send(302, b"", Location="file:///etc/passwd")
        if path == "/declared-big":
            return self._send(200, b"x" * 5000)
        if path == "/streamed-big":  # no Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 100)
            return None
        if path == "/gzip":
            return self._send(200, gzip.compress(REPORT), **{"Content-Encoding": "gzip"})
        if path == "/gzip-bomb":
            return self._send(200, gzip.compress(bytes(10 * 1024 * 1024)), **{"Content-Encoding": "gzip"})
        if path == "/slow":
            time.sleep(1.5)
            return self._send(200, REPORT)
        return self._send(404, b"not here")

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str]]

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (the size-limit tests do, on purpose) is not an error here."""


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.seen = []
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def base(server: _Server) -> str:
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


def _one(url: str, **kw: object) -> Item:
    (item,) = iter_items([url], **kw)  # type: ignore[arg-type]
    return item


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 stands for a public server; every other address keeps the real rule."""
    real = web.address_refusal
    monkeypatch.setattr(web, "address_refusal", lambda a: None if a == "127.0.0.1" else real(a))


def test_fetch_with_private_allowed(base: str, server: _Server) -> None:
    url = f"{base}/report.txt"
    item = _one(url, allow_private=True)
    assert (item.kind, item.error, item.fetched_at, item.size) == ("url", None, None, None)
    before = datetime.now(timezone.utc)
    assert item.load() == REPORT
    after = datetime.now(timezone.utc)
    assert item.origin == url and item.name == url
    assert item.fetched_at is not None and item.fetched_at.tzinfo is not None
    assert before <= item.fetched_at <= after
    assert [p for p, _ in server.seen] == ["/report.txt"]


def test_same_url_refused_without_allow_private(base: str, server: _Server) -> None:
    item = _one(f"{base}/report.txt")
    assert item.error is not None and "private address refused" in item.error and "loopback" in item.error
    with pytest.raises(RefusedInput, match="private address refused"):
        item.load()
    # A name, not a literal: refused when it resolves, before connecting.
    port = server.server_address[1]
    named = _one(f"http://localhost:{port}/report.txt")
    assert named.error is None
    with pytest.raises(RefusedInput, match="private address refused"):
        named.load()
    # Another spelling of 127.0.0.1 (a decimal integer host).
    with pytest.raises(RefusedInput, match="loopback"):
        _one(f"http://2130706433:{port}/report.txt").load()
    assert server.seen == []


def test_redirect_followed_and_the_final_url_is_the_origin(base: str) -> None:
    item = _one(f"{base}/redirect", allow_private=True)
    assert item.load() == REPORT
    assert item.name == f"{base}/redirect" and item.origin == f"{base}/report.txt"


def test_five_redirects_followed_six_refused(base: str) -> None:
    assert _one(f"{base}/chain/5", allow_private=True).load() == REPORT
    with pytest.raises(FetchFailed, match="too many redirects"):
        _one(f"{base}/chain/6", allow_private=True).load()


def test_redirect_to_a_private_address_refused(base: str, server: _Server, loopback_is_public: None) -> None:
    assert _one(f"{base}/report.txt").load() == REPORT  # the stand-in public server is reachable
    with pytest.raises(RefusedInput, match="private address refused") as e:
        _one(f"{base}/to-metadata").load()
    assert "169.254.169.254" in str(e.value) and "link-local" in str(e.value)
    with pytest.raises(RefusedInput, match="private address refused.*10.20.30.40"):
        _one(f"{base}/to-intranet").load()
    with pytest.raises(RefusedInput, match="scheme not allowed"):
        _one(f"{base}/to-file").load()
    assert [p for p, _ in server.seen] == ["/report.txt", "/to-metadata", "/to-intranet", "/to-file"]


def test_every_resolved_address_checked_and_the_checked_one_connected(
    base: str, server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.server_address[1]
    answers = {"reports.example": ["127.0.0.1"], "rebind.example": ["93.184.216.34", "127.0.0.1"]}
    asked: list[str] = []

    def resolve(host: str, p: int) -> list[str]:
        asked.append(host)
        return answers[host]

    monkeypatch.setattr(web, "resolve", resolve)
    # A name with one private answer among public ones is refused, nothing connected.
    with pytest.raises(RefusedInput, match="rebind.example（127.0.0.1）"):
        _one(f"http://rebind.example:{port}/report.txt").load()
    assert server.seen == []
    # Allowed: the connection goes to the resolved address, the Host header keeps the name.
    item = _one(f"http://reports.example:{port}/redirect", allow_private=True)
    assert item.load() == REPORT
    assert server.seen == [("/redirect", f"reports.example:{port}"), ("/report.txt", f"reports.example:{port}")]
    assert item.origin == f"http://reports.example:{port}/report.txt"
    assert asked == ["rebind.example", "reports.example", "reports.example"]  # once per request


def test_non_ascii_path_sent_percent_encoded(base: str, server: _Server) -> None:
    item = _one(f"{base}/报告/2023年.txt?年=2023", allow_private=True)
    assert item.load() == REPORT
    assert server.seen[0][0] == "/%E6%8A%A5%E5%91%8A/2023%E5%B9%B4.txt?%E5%B9%B4=2023"


def test_oversized_responses_cut_off(base: str) -> None:
    with pytest.raises(InputTooLarge, match="too large.*5000"):  # refused from Content-Length
        _one(f"{base}/declared-big", allow_private=True, max_bytes=1000).load()
    with pytest.raises(InputTooLarge, match="too large"):  # no length: stopped while streaming
        _one(f"{base}/streamed-big", allow_private=True, max_bytes=1000).load()
    with pytest.raises(InputTooLarge, match="too large"):  # 10 MB of zeros in a 10 KB gzip body
        _one(f"{base}/gzip-bomb", allow_private=True, max_bytes=100_000).load()
    assert _one(f"{base}/streamed-big", allow_private=True, max_bytes=5000).load() == b"y" * 5000


def test_gzip_body_decoded(base: str) -> None:
    assert _one(f"{base}/gzip", allow_private=True).load() == REPORT


def test_http_errors_timeouts_and_refused_connections(base: str) -> None:
    with pytest.raises(FetchFailed, match="HTTP 404"):
        _one(f"{base}/missing.pdf", allow_private=True).load()
    with pytest.raises(FetchFailed, match="timed out"):
        _one(f"{base}/slow", allow_private=True, fetch_timeout=0.2).load()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchFailed, match="connection failed"):
        _one(f"http://127.0.0.1:{port}/r.pdf", allow_private=True).load()
    with pytest.raises(FetchFailed, match="host not found"):
        _one("http://no-such-host.invalid/r.pdf").load()


def test_failed_items_are_input_errors(base: str) -> None:
    """The batch catches one class for every failure of an item."""
    for url in (f"{base}/missing.pdf", "ftp://example.com/r.pdf", f"{base}/report.txt"):
        with pytest.raises(InputError):
            _one(url).load()


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
        ("172.31.255.254", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"), ("100.64.0.1", "not globally reachable"), ("192.0.2.1", "private"),
        ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fc00::1", "private"),
        ("fd12:3456::1", "private"), ("ff02::1", "multicast"), ("fec0::1", "site-local"),
        ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"), ("2002:7f00:1::1", "loopback"), ("2002:a00:1::", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"), ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"),
        ("fe80::1%eth0", "link-local"), ("64:ff9b:1::a00:1", "private"),
    ],
)
def test_refused_addresses(address: str, why: str) -> None:
    refusal = address_refusal(address)
    assert refusal is not None and why in refusal


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2002:808:808::1", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808"])
def test_public_addresses_allowed(address: str) -> None:
    assert address_refusal(address) is None


def test_url_list_file_fetched_in_order(base: str, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{base}/redirect\n\nftp://example.com/r.pdf\n# done\n{base}/gzip\n{base}/2023 年报.txt\n", encoding="utf-8")
    items = list(iter_items([str(listing)], allow_private=True))
    assert [i.name for i in items] == [f"{base}/redirect", "ftp://example.com/r.pdf", f"{base}/gzip", f"{base}/2023 年报.txt"]
    assert items[0].load() == REPORT and items[2].load() == REPORT and items[3].load() == REPORT
    assert items[1].error is not None and "scheme not allowed" in items[1].error


# -- HTTPS: the connection goes to the checked address, TLS still speaks to (and checks) the name --


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[_Server, Path, list[str | None]]]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=reports.example",
         "-addext", "subjectAltName=DNS:reports.example"],
        check=True, capture_output=True,
    )
    names: list[str | None] = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, c: names.append(name)  # type: ignore[assignment,misc,func-returns-value]
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.seen = []
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv, cert, names
    srv.shutdown()
    srv.server_close()


def test_https_pinned_to_the_checked_address_with_the_name_for_tls(
    tls_server: tuple[_Server, Path, list[str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, cert, names = tls_server
    port = srv.server_address[1]
    monkeypatch.setattr(web, "resolve", lambda host, p: ["127.0.0.1"] if host == "reports.example" else [])
    url = f"https://reports.example:{port}/redirect"
    # The certificate is checked against the system's trust store: a self-signed one fails.
    with pytest.raises(FetchFailed, match="TLS error"):
        _one(url, allow_private=True).load()
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: real(cafile=str(cert)))
    names.clear()
    srv.seen.clear()
    item = _one(url, allow_private=True)
    assert item.load() == REPORT
    assert item.origin == f"https://reports.example:{port}/report.txt"
    assert names == ["reports.example", "reports.example"]  # SNI carried the name, not 127.0.0.1
    assert srv.seen == [("/redirect", f"reports.example:{port}"), ("/report.txt", f"reports.example:{port}")]
