"""URLs: downloaded with the standard library, only from public addresses unless allowed.

A batch fed a URL list scraped from the web is a server-side request forgery waiting to happen:
`http://169.254.169.254/` (cloud metadata), `http://localhost:8000/admin`, `file:///etc/passwd`,
a public name whose DNS answers 10.0.0.5, a public page that redirects to any of these. So:

- only http and https; user names and passwords in URLs are refused (they would be stored as the
  version's origin);
- the host is resolved once per request and every address it resolves to is checked
  (`address_refusal`); the connection is then made to the checked address itself, with the Host
  header and TLS SNI/certificate check still on the name, so a second DNS answer (rebinding) is
  never used; the peer's address is checked again on the open socket;
- every redirect is a new request with the same checks, at most `MAX_REDIRECTS`;
- the body is bounded while it streams (Content-Length first, then the bytes actually read,
  after decoding gzip/deflate), each wait by `fetch_timeout`, the whole fetch by
  `FETCH_DEADLINE_FACTOR` × `fetch_timeout`;
- proxies from the environment are not used (a proxy would make the address check meaningless).

Name resolution uses the system resolver (`socket.getaddrinfo`), whose own timeout applies.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from urllib.parse import SplitResult, quote, urljoin, urlsplit, urlunsplit

from ... import __version__
from ...errors import InputError
from .item import FetchFailed, Item, RefusedInput, too_large
from .limits import CHUNK, FETCH_DEADLINE_FACTOR, MAX_REDIRECTS
from .local import Options

__all__ = ["url_item", "address_refusal", "fetch", "resolve"]

SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_USER_AGENT = f"xxgk/{__version__} (batch)"
#: Characters left as they are in a request path and query (RFC 3986 reserved and unreserved, and %).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_refusal(address: str) -> str | None:
    """Why connecting to `address` is refused when private addresses are not allowed, or None for a
    public address. IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d,
    6to4 2002::/16, Teredo 2001::/32, NAT64 64:ff9b::/96) are judged by the IPv4 address they carry."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"无法识别的地址（bad address）{address!r}"
    for inner in _embedded(ip):
        why = _refusal(inner)
        if why is not None:
            return f"{why}（内含 IPv4 地址 {inner}）"
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped is not None or ip in _NAT64):
        return None  # only a way of writing, or reaching, the IPv4 address judged above
    return _refusal(ip)


#: NAT64 prefixes (RFC 6052, RFC 8215): a DNS64 resolver answers 64:ff9b::a.b.c.d for an IPv4-only
#: host, so on an IPv6-only network every fetch goes through them; they are judged by a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, 6to4, Teredo, NAT64, IPv4-compatible."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    packed = ip.packed
    if packed[:12] == bytes(12) and packed[12:] not in (bytes(4), b"\x00\x00\x00\x01"):  # ::a.b.c.d
        found.append(ipaddress.IPv4Address(packed[12:]))
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        found.append(ipaddress.IPv4Address(packed[12:]))
    return found


def _refusal(ip: IPAddress) -> str | None:
    checks = (
        (ip.is_unspecified, "未指定地址（unspecified address）"),
        (ip.is_loopback, "本机地址（loopback address）"),
        (ip.is_link_local, "链路本地地址（link-local address）"),
        (ip.is_multicast, "组播地址（multicast address）"),
        (ip.is_reserved, "保留地址（reserved address）"),
        (ip.is_private, "内网地址（private address）"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "站点本地地址（site-local address）"),
        (not ip.is_global, "非公网地址（private address: not globally reachable）"),
    )
    for hit, what in checks:
        if hit:
            return what
    return None


def _refused_address(host: str, address: str, why: str) -> RefusedInput:
    shown = host if host == address else f"{host}（{address}）"
    return RefusedInput(f"拒绝访问内网地址（private address refused）：{shown} 是{why}；确需下载内网文件时请明确允许（allow_private）")


def check_url(url: str, allow_private: bool) -> SplitResult:
    """The URL split, or RefusedInput/InputError for what its text alone says against it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise InputError(f"无效的网址（bad URL）：{e}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}:" if scheme else "没有协议"
        raise RefusedInput(f"协议不允许（scheme not allowed）：{shown}，只下载 http/https 网址")
    if parts.username is not None or parts.password is not None:
        raise RefusedInput("网址含用户名或密码（credentials in URL not allowed）：会被记入来源，请去掉")
    if not parts.hostname:
        raise InputError("无效的网址（bad URL）：没有主机名")
    if port == 0:
        raise InputError("无效的网址（bad URL）：端口为 0")
    if not allow_private:
        try:
            literal = ipaddress.ip_address(parts.hostname)
        except ValueError:
            literal = None
        if literal is not None:
            why = address_refusal(str(literal))
            if why is not None:
                raise _refused_address(parts.hostname, parts.hostname, why)
    return parts


def url_item(url: str, opts: Options) -> Item:
    """A URL as an Item: refused now for what its text says (scheme, credentials, a literal private
    address); the name is resolved and checked, and the body fetched, by `load()`."""
    try:
        check_url(url, opts.allow_private)
    except InputError as e:
        return Item.refused(url, url, e, kind="url")
    return Item(name=url, origin=url, kind="url", _loader=lambda item: fetch(item, opts))


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (a module function so that tests can stand in for DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        raise FetchFailed(f"无法解析主机名（host not found）：{host}（{e}）") from None
    out: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in out:
            out.append(addr)
    return out


def fetch(item: Item, opts: Options) -> bytes:
    """Download `item.name`; on success set `item.origin` to the final URL and `item.fetched_at`."""
    deadline = time.monotonic() + opts.fetch_timeout * FETCH_DEADLINE_FACTOR
    url = item.name
    for _hop in range(MAX_REDIRECTS + 1):
        parts = check_url(url, opts.allow_private)
        status, location, body = _request(parts, opts, deadline)
        if status in _REDIRECTS:
            if not location:
                raise FetchFailed(f"下载失败（fetch failed）：HTTP {status} 重定向没有 Location")
            url = urljoin(url, location)
            continue
        item.origin = urlunsplit(parts._replace(fragment=""))
        item.fetched_at = datetime.now(timezone.utc)
        return body
    raise FetchFailed(f"重定向过多（too many redirects）：超过 {MAX_REDIRECTS} 次，最后指向 {url}")


def _request(parts: SplitResult, opts: Options, deadline: float) -> tuple[int, str | None, bytes]:
    """One GET: (status, Location, body); the body is read only for a 200."""
    host = parts.hostname or ""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise FetchFailed(f"无法解析主机名（host not found）：{host}")
    if not opts.allow_private:
        for addr in addresses:  # every answer: a name that also answers a private address is refused
            why = address_refusal(addr)
            if why is not None:
                raise _refused_address(host, addr, why)
    check = None if opts.allow_private else address_refusal
    conn: http.client.HTTPConnection
    timeout = _remaining(deadline, opts.fetch_timeout)
    if https:
        conn = _PinnedHTTPSConnection(host, port, addresses, check, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = _PinnedHTTPConnection(host, port, addresses, check, timeout=timeout)
    target = quote(parts.path or "/", safe=_SAFE_PATH)
    if parts.query:
        target += "?" + quote(parts.query, safe=_SAFE_QUERY)
    try:
        conn.request("GET", target, headers={
            "User-Agent": _USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "close",
        })
        resp = conn.getresponse()
        if resp.status in _REDIRECTS:
            return resp.status, _header_text(resp.getheader("Location")), b""
        if resp.status != 200:
            raise FetchFailed(f"下载失败（fetch failed）：HTTP {resp.status} {resp.reason}")
        return resp.status, None, _read_body(conn, resp, opts, deadline)
    except InputError:
        raise
    except TimeoutError:
        raise FetchFailed(f"下载超时（timed out）：{opts.fetch_timeout:g} 秒内没有响应") from None
    except ssl.SSLError as e:
        raise FetchFailed(f"TLS 错误（TLS error）：{e.reason or e}") from None
    except (http.client.HTTPException, ValueError) as e:
        raise FetchFailed(f"下载失败（bad HTTP response）：{type(e).__name__} {e}".strip()) from None
    except OSError as e:
        raise FetchFailed(f"下载失败（fetch failed）：{e.strerror or e}") from None
    finally:
        conn.close()


def _remaining(deadline: float, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("下载超时（timed out）：整个下载超过时限")
    return min(timeout, left)


def _read_body(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse, opts: Options, deadline: float) -> bytes:
    """The body, decoded from gzip/deflate, never more than `max_bytes` held."""
    limit = opts.max_bytes
    encoding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
    decoder: zlib._Decompress | None
    if encoding in ("identity", ""):
        decoder = None
        length = resp.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > limit:
            raise too_large(int(length), limit, what="服务器声明 ")
    elif encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj(zlib.MAX_WBITS)
    else:
        raise FetchFailed(f"下载失败（unsupported Content-Encoding: {encoding}）")
    parts: list[bytes] = []
    total = 0
    while True:
        if conn.sock is not None:
            conn.sock.settimeout(_remaining(deadline, opts.fetch_timeout))
        chunk = resp.read1(CHUNK * 4)
        if not chunk:
            break
        if decoder is not None:
            try:  # never more out than one byte past the limit (max_length is ≥ 1 here: 0 means no bound)
                chunk = decoder.decompress(chunk, limit + 1 - total)
            except zlib.error as e:
                raise FetchFailed(f"下载失败（bad {encoding} body）：{e}") from None
        total += len(chunk)
        if total > limit:
            raise too_large(total, limit, what="下载中已超过 ")
        parts.append(chunk)
    return b"".join(parts)


def _header_text(value: str | None) -> str | None:
    """A header as sent: http.client decodes Latin-1, servers send a raw UTF-8 Location."""
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _connect(addresses: list[str], port: int, timeout: float | None, check: Callable[[str], str | None] | None) -> socket.socket:
    """A socket to the first of the vetted addresses that answers, whose peer is one of them."""
    errors = []
    for addr in addresses:
        try:
            sock = socket.create_connection((addr, port), timeout=timeout)
        except OSError as e:
            errors.append(f"{addr}: {e.strerror or e}")
            continue
        peer = str(sock.getpeername()[0])
        why = check(peer) if check is not None else None
        if why is not None or ipaddress.ip_address(peer.split("%", 1)[0]) != ipaddress.ip_address(addr.split("%", 1)[0]):
            sock.close()
            raise RefusedInput(f"拒绝访问内网地址（private address refused）：连接到了 {peer}，{why or '不是检查过的地址'}")
        return sock
    raise FetchFailed(f"无法连接（connection failed）：{'; '.join(errors)}")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted addresses, keeps the host name for the Host header."""

    def __init__(self, host: str, port: int, addresses: list[str], check: Callable[[str], str | None] | None, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(host, port, **kw)
        self._addresses = addresses
        self._check = check

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout, self._check)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the vetted addresses; TLS SNI and the certificate check use the host name."""

    def __init__(self, host: str, port: int, addresses: list[str], check: Callable[[str], str | None] | None, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(host, port, **kw)
        self._addresses = addresses
        self._check = check

    def connect(self) -> None:
        sock = _connect(self._addresses, self.port, self.timeout, self._check)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
