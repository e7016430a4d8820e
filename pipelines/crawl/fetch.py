"""One HTTP request under every safety limit: the fetch code shared by the local and Beam crawls.

Why it exists: the local asyncio crawler and the Beam host workers must refuse exactly the same
things (SSRF, oversize, bombs, slow servers, wrong content types) and record exactly the same
bytes, so the single request lives here. Redirects are not followed: the caller decides whether a
``Location`` is in scope, allowed by robots.txt and new, like any other link.
"""

from __future__ import annotations

import asyncio
import time
from importlib.metadata import PackageNotFoundError, version
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import aiohttp
from aiohttp.resolver import ThreadedResolver

from lingoloom.pipelines.crawl.safety import AddressPolicy, BoundedDecoder, GuardedResolver, Refused, media_type
from lingoloom.schemas.crawl import CrawlSettings

#: Response headers that describe the wire encoding; the WARC stores the decoded body, so they are
#: kept under an ``X-Crawler-`` prefix (Common Crawl's convention) instead of misdescribing it.
_WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
_CHUNK = 64 * 1024


def user_agent(settings: CrawlSettings) -> str:
    """``lingoloom-bot/0.1.0 (+contact URL)``: who we are and where to complain."""
    try:
        ours = version("lingoloom")
    except PackageNotFoundError:
        ours = "dev"
    return f"{settings.user_agent}/{ours} (+{settings.contact_url})"


@dataclass
class Response:
    """A completed HTTP exchange, body already content-decoded (within the limits)."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    request_line: str
    request_headers: list[tuple[str, str]]
    ip: str | None
    fetch_date: datetime
    wire_bytes: int
    timing: dict[str, float] = field(default_factory=dict)
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def warc_headers(self) -> list[tuple[str, str]]:
        """Response headers as archived: wire-encoding headers renamed, a true Content-Length."""
        out = [(f"X-Crawler-{k}" if k.lower() in _WIRE_HEADERS else k, v) for k, v in self.headers]
        return out + [("Content-Length", str(len(self.body)))]


class Fetcher:
    """An aiohttp session with the SSRF-guarded resolver, timeouts and our User-Agent.

    Use as ``async with Fetcher(settings) as f: await f.get(url, accept)``.
    """

    def __init__(self, settings: CrawlSettings):
        self.settings = settings
        self.policy = AddressPolicy(settings.allow_private_addresses)
        self.user_agent = user_agent(settings)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        s = self.settings
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(ThreadedResolver(), self.policy),
            limit=s.concurrency,
            limit_per_host=s.per_host_concurrency,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=s.connect_timeout_seconds, sock_read=s.read_timeout_seconds
            ),
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
                "Accept-Encoding": "gzip, deflate, br",
            },
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: str, accept: tuple[str, ...] | None) -> Response:
        """GET ``url`` once (no redirects). ``accept`` = media types whose 2xx body is read (None: any).

        Raises :class:`Refused` with the reason: ``ssrf_blocked``, ``timeout``, ``connect_error``,
        ``network_error``, ``too_large``, ``decompression_bomb``, ``bad_encoding``, ``content_type``.
        """
        assert self._session is not None, "use Fetcher as an async context manager"
        self.policy.check_host(urlsplit(url).hostname or "")
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.total_timeout_seconds):
                return await self._get(url, accept, started)
        except TimeoutError as err:
            raise Refused("timeout", f"{url} after {time.monotonic() - started:.1f}s") from err
        except aiohttp.ClientConnectorError as err:
            raise Refused("connect_error", str(err)) from err
        except (aiohttp.ClientError, OSError) as err:
            raise Refused("network_error", f"{type(err).__name__}: {err}") from err
        except (ValueError, UnicodeError) as err:  # malformed URL or response line that aiohttp/yarl reject
            raise Refused("bad_response", f"{type(err).__name__}: {err}") from err

    async def _get(self, url: str, accept: tuple[str, ...] | None, started: float) -> Response:
        s = self.settings
        fetch_date = datetime.now(timezone.utc)
        async with self._session.get(url, allow_redirects=False) as resp:
            headers_at = time.monotonic()
            peer = resp.connection.transport.get_extra_info("peername") if resp.connection else None
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers]
            body = b""
            wire = 0
            if 200 <= resp.status < 300:
                if accept is not None and media_type(resp.headers.get("Content-Type")) not in accept:
                    raise Refused("content_type", media_type(resp.headers.get("Content-Type")) or "missing")
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > s.max_body_bytes:
                    raise Refused("too_large", f"Content-Length {declared} > {s.max_body_bytes}")
                decoder = BoundedDecoder(resp.headers.get("Content-Encoding"), s.max_decoded_bytes, s.max_compression_ratio)
                async for chunk in resp.content.iter_chunked(_CHUNK):
                    wire += len(chunk)
                    if wire > s.max_body_bytes:
                        raise Refused("too_large", f"> {s.max_body_bytes} bytes on the wire")
                    decoder.feed(chunk)
                body = decoder.finish()
            request = resp.request_info
            path = urlsplit(str(request.url)).path or "/"
            query = urlsplit(str(request.url)).query
            return Response(
                url=url,
                status=resp.status,
                reason=resp.reason or "",
                headers=headers,
                body=body,
                request_line=f"GET {path}{'?' + query if query else ''} HTTP/1.1",
                request_headers=[("Host", urlsplit(url).netloc)] + [(k, v) for k, v in request.headers.items() if k.lower() != "host"],
                ip=peer[0] if peer else None,
                fetch_date=fetch_date,
                wire_bytes=wire,
                http_version=f"HTTP/{resp.version.major}.{resp.version.minor}" if resp.version else "HTTP/1.1",
                timing={
                    "headers_seconds": round(headers_at - started, 6),
                    "total_seconds": round(time.monotonic() - started, 6),
                },
            )
