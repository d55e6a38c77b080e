"""The one way newsprism reaches the network.

``Fetcher`` wraps an ``httpx.Client`` (inject one with a ``transport`` so tests run offline) and adds what a polite,
safe crawler needs: timeouts, a maximum body size, retries with exponential backoff on timeouts / 429 / 5xx, a
per-host delay between requests, robots.txt (checked for the ``newsprism`` agent, honouring Crawl-delay), a
User-Agent naming newsprism, conditional GET (ETag / Last-Modified) for feeds, and a guard that refuses private,
loopback, link-local and other non-public addresses, on the first request and on every redirect hop, unless
``allow_private=True``.

The guard pins what it checked: the Fetcher's own transport resolves a host once per connection, checks every
address, and connects to a checked address (TLS still names the host, for SNI and certificate checks; the Host header
is the URL's). A DNS server that answers a public address to the check and a private one to the connection (DNS
rebinding) is never asked twice. With an injected client or transport (tests), the check resolves on its own.

``Retry-After`` is read as seconds or as an HTTP date (``email.utils``), never negative, and capped.

Redirects are followed here, hop by hop, so every hop goes through the guard and robots.txt.
"""
from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from newsprism.ingest.decode import MAX_BYTES

USER_AGENT = "newsprism/0.1 (+https://github.com/newsprism/newsprism; news comparison research)"
ROBOTS_AGENT = "newsprism"


RETRY_AFTER_CAP = 60.0  # longest wait a Retry-After asks of one fetch (a watcher backs a feed off for longer)


class FetchError(Exception):
    """A URL that could not be fetched; the message names the URL and the reason. ``status`` is the HTTP status when
    there was one; ``retry_after`` the seconds the server asked us to wait (uncapped but finite), if it said."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class AddressRefused(Exception):
    """Raised while connecting: the host has no address, or one that the guard refuses."""


def parse_retry_after(value: str | None, *, now: datetime | None = None, cap: float | None = RETRY_AFTER_CAP
                      ) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date (RFC 9110), at least 0 and at most
    ``cap``; None when absent or unreadable."""
    if not value:
        return None
    v = value.strip()
    if v.isdigit():
        secs = float(v)
    else:
        try:
            when = email.utils.parsedate_to_datetime(v)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
            when = when.replace(tzinfo=timezone.utc)
        secs = (when - (now or datetime.now(timezone.utc))).total_seconds()
    secs = max(secs, 0.0)
    return min(secs, cap) if cap is not None else secs


@dataclass
class Fetched:
    url: str  # final URL after redirects
    status: int
    content: bytes
    content_type: str = ""
    charset: str | None = None
    not_modified: bool = False


def _default_resolver(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from None
    return sorted({i[4][0] for i in infos})


def is_public_address(addr: str) -> bool:
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT))


_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class _PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, with each connection's host resolved once, checked, and connected by address."""

    def __init__(self, addresses: Callable[[str], list[str]]):
        self._addresses = addresses

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last: Exception | None = None
        for addr in self._addresses(host):
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc  # the next checked address of the same host
        assert last is not None
        raise last


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose sockets come from ``_PinnedBackend``. Only the pool differs
    from ``httpx.HTTPTransport`` (its request handling, exception mapping and streaming are inherited), so
    ``super().__init__`` is not called: it would build a second pool and SSL context."""

    def __init__(self, backend: _PinnedBackend):  # noqa: D107 - see the class docstring
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=backend,
                                             max_connections=100, max_keepalive_connections=20,
                                             keepalive_expiry=5.0)


@dataclass
class Fetcher:
    """Polite, bounded, SSRF-guarded HTTP GETs. Thread-safe enough for sequential readers; cheap to create."""

    allow_private: bool = False
    timeout: float = 20.0
    max_bytes: int = MAX_BYTES
    retries: int = 2
    backoff: float = 0.5
    delay: float = 1.0  # seconds between two requests to the same host
    max_redirects: int = 5
    respect_robots: bool = True
    user_agent: str = USER_AGENT
    transport: httpx.BaseTransport | None = None
    client: httpx.Client | None = None
    resolver: Callable[[str], list[str]] = _default_resolver
    address_allowed: Callable[[str], bool] = is_public_address  # the guard's rule (tests narrow it on loopback)
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict, repr=False)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict, repr=False)
    _validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pinned: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.client is None:
            transport = self.transport
            if transport is None:
                transport = _PinnedTransport(_PinnedBackend(self.checked_addresses))
                self._pinned = True
            self.client = httpx.Client(transport=transport, timeout=self.timeout, follow_redirects=False,
                                       headers={"User-Agent": self.user_agent})
        else:
            self.client.headers.setdefault("User-Agent", self.user_agent)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    # -- guards ---------------------------------------------------------------------------------------------
    def check_url(self, url: str) -> None:
        """Refuse schemes other than http(s) and, unless allowed, hosts that resolve to non-public addresses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"{url}: only http and https URLs are fetched")
        host = parts.hostname
        if not host:
            raise FetchError(f"{url}: no host in URL")
        if self.allow_private:
            return
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if self._pinned:
                return  # a name is resolved and checked when its connection is made, and connected as checked
        try:
            self.checked_addresses(host)
        except AddressRefused as exc:
            raise FetchError(f"{url}: {exc}") from None

    def checked_addresses(self, host: str) -> list[str]:
        """``host``'s addresses (resolved once), all allowed by the guard unless ``allow_private``."""
        try:
            addrs = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addrs = self.resolver(host)
            except FetchError as exc:
                raise AddressRefused(str(exc)) from None
        if not addrs:
            raise AddressRefused(f"host {host!r} has no address")
        if not self.allow_private:
            bad = [a for a in addrs if not self.address_allowed(a)]
            if bad:
                raise AddressRefused(f"refused, host {host!r} resolves to a private or local address ({bad[0]}); "
                                     "pass allow_private to fetch it")
        return addrs

    def _polite_wait(self, host: str, delay: float) -> None:
        with self._lock:
            last = self._last.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else last + delay - now
            self._last[host] = max(now, now + wait)
        if wait > 0:
            self.sleep(wait)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = None
            try:
                got = self._get_once(key + "/robots.txt", {}, check_robots=False, max_bytes=512 * 1024)
                if got.status == 200:
                    rp = urllib.robotparser.RobotFileParser()
                    rp.parse(got.content.decode("utf-8", "replace").splitlines())
            except FetchError:
                rp = None  # no readable robots.txt: everything is allowed
            self._robots[key] = rp
        return self._robots[key]

    # -- requests -------------------------------------------------------------------------------------------
    def _get_once(self, url: str, headers: dict[str, str], *, check_robots: bool = True,
                  max_bytes: int | None = None) -> Fetched:
        """One GET with redirects followed hop by hop through the guards; retries on transient failures."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        for _hop in range(self.max_redirects + 1):
            self.check_url(url)
            delay = self.delay
            if check_robots and self.respect_robots:
                rp = self._robots_for(url)
                if rp is not None:
                    if not rp.can_fetch(ROBOTS_AGENT, url):
                        raise FetchError(f"{url}: disallowed by robots.txt")
                    cd = rp.crawl_delay(ROBOTS_AGENT)
                    if cd:
                        delay = max(delay, min(float(cd), 30.0))
            resp = self._request_with_retries(url, headers, delay, limit)
            if resp.status in (301, 302, 303, 307, 308):
                if not resp.location:
                    raise FetchError(f"{url}: HTTP {resp.status} redirect without a Location")
                url = urljoin(url, resp.location)
                continue
            assert resp.fetched is not None
            return resp.fetched
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    def _request_with_retries(self, url: str, headers: dict[str, str], delay: float, limit: int) -> _Raw:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            self._polite_wait(host, delay)
            try:
                raw = self._stream(url, headers, limit)
            except AddressRefused as exc:
                raise FetchError(f"{url}: {exc}") from None
            except httpx.TimeoutException:
                err = FetchError(f"{url}: timed out after {self.timeout:g} s")
            except httpx.TransportError as exc:
                err = FetchError(f"{url}: connection failed ({type(exc).__name__}: {exc})")
            else:
                if raw.status == 429 or raw.status >= 500:
                    err = FetchError(f"{url}: HTTP {raw.status}", status=raw.status, retry_after=raw.retry_after)
                    retry_after = raw.retry_after
                else:
                    return raw
                if attempt < self.retries:
                    attempt += 1
                    self.sleep(min(retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1),
                                   RETRY_AFTER_CAP))
                    continue
                raise err
            if attempt >= self.retries:
                raise err
            attempt += 1
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def _stream(self, url: str, headers: dict[str, str], limit: int) -> _Raw:
        assert self.client is not None
        with self.client.stream("GET", url, headers=headers, timeout=self.timeout) as r:
            ctype = r.headers.get("content-type", "")
            if r.status_code in (301, 302, 303, 307, 308):
                return _Raw(r.status_code, r.headers.get("location"), None, None)
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(f"{url}: body of {int(declared):,} bytes exceeds the {limit:,}-byte limit")
            buf = bytearray()
            decoded = False
            # Read the body as sent (no transparent decompression), so a gzip bomb is bounded by our own gunzip.
            # httpx's timeout bounds each read; a server dripping bytes is stopped by this whole-body deadline
            deadline = time.monotonic() + 3 * self.timeout
            try:
                for chunk in r.iter_raw():
                    buf += chunk
                    if len(buf) > limit:
                        raise FetchError(f"{url}: body exceeds the {limit:,}-byte limit")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url}: timed out, body not complete after {3 * self.timeout:g} s")
            except httpx.StreamConsumed:
                # an in-memory response (httpx.MockTransport): its body was read, and decoded, before we saw it
                buf = bytearray(r.content)
                decoded = True
                if len(buf) > limit:
                    raise FetchError(f"{url}: body exceeds the {limit:,}-byte limit") from None
            body = bytes(buf)
            enc = "" if decoded else r.headers.get("content-encoding", "").lower().strip()
            if enc in ("gzip", "x-gzip") or (enc == "" and not decoded and body[:2] == b"\x1f\x8b"
                                                and "gzip" not in ctype):
                from newsprism.ingest.decode import InputError, gunzip_bounded
                try:
                    body = gunzip_bounded(body, limit)
                except InputError as exc:
                    raise FetchError(f"{url}: {exc}") from None
            elif enc == "deflate":
                import zlib
                d = zlib.decompressobj()
                body = d.decompress(body, limit + 1)
                if len(body) > limit:
                    raise FetchError(f"{url}: decompressed body exceeds the {limit:,}-byte limit")
            elif enc not in ("", "identity"):
                raise FetchError(f"{url}: unsupported content-encoding {enc!r}")
            ra = r.headers.get("retry-after")
            fetched = Fetched(url=str(r.url), status=r.status_code, content=body, content_type=ctype.split(";")[0]
                              .strip().lower(), charset=r.charset_encoding, not_modified=r.status_code == 304)
            if r.status_code == 200 or r.status_code == 304:
                et, lm = r.headers.get("etag"), r.headers.get("last-modified")
                if et or lm:
                    with self._lock:
                        self._validators[url] = (et, lm)
            return _Raw(r.status_code, None, fetched, parse_retry_after(ra, cap=_RETRY_AFTER_MAX))

    def get(self, url: str, *, conditional: bool = False) -> Fetched:
        """GET ``url``; raises FetchError (with the URL in the message) for anything but 200 (or 304 when
        ``conditional`` and the server says the resource is unchanged since the last fetch)."""
        headers = {"Accept-Encoding": "gzip, identity"}
        if conditional and url in self._validators:
            et, lm = self._validators[url]
            if et:
                headers["If-None-Match"] = et
            if lm:
                headers["If-Modified-Since"] = lm
        got = self._get_once(url, headers)
        if got.status == 304 and conditional:
            return got
        if got.status != 200:
            raise FetchError(f"{url}: HTTP {got.status}", status=got.status)
        return got

    # Validators survive between runs when the caller saves and restores them (e.g. in the store's state).
    def validators(self) -> dict[str, list[str | None]]:
        return {u: list(v) for u, v in self._validators.items()}

    def load_validators(self, data: dict[str, list[str | None]]) -> None:
        for u, v in data.items():
            self._validators[u] = (v[0], v[1])


_RETRY_AFTER_MAX = 7 * 24 * 3600.0  # kept for callers that wait longer than one fetch may (a feed's backoff)


@dataclass
class _Raw:
    status: int
    location: str | None
    fetched: Fetched | None
    retry_after: float | None = None
