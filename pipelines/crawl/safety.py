"""Safety guards of the crawler: SSRF, body size, decompression bombs and content types.

Why it exists: a crawler follows links chosen by strangers. A link may point at the crawling
machine's own network (cloud metadata endpoints, admin panels), a response may be endless, or a
few kilobytes of gzip may inflate to gigabytes. Each guard here turns such a case into a counted
refusal with a reason instead of a leak, a hang or an out-of-memory crash.
"""

from __future__ import annotations

import ipaddress
import socket
import zlib
from typing import Iterable

import brotli
from aiohttp.abc import AbstractResolver, ResolveResult

#: Decoded bytes allowed before the compression-ratio test applies (small pages compress well).
RATIO_FLOOR_BYTES = 1 << 20


class Refused(Exception):
    """A fetch refused on purpose; ``reason`` is the counted drop reason."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class AddressPolicy:
    """Refuses private, loopback, link-local, multicast, reserved and unspecified addresses unless
    they fall inside a network the run allows explicitly (``allow_private_addresses``)."""

    def __init__(self, allowed: Iterable[str] = ()):
        try:
            self.allowed = [ipaddress.ip_network(a, strict=False) for a in allowed]
        except ValueError as err:
            raise ValueError(f"allow_private_addresses: {err}; give CIDRs or IPs such as '127.0.0.1'") from err

    def check(self, address: str) -> None:
        """Raise :class:`Refused` (``ssrf_blocked``) for a forbidden address."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self.allowed):
            return
        if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
            raise Refused("ssrf_blocked", f"{address} is not a public address")

    def check_host(self, host: str) -> None:
        """Check a host that is an IP literal (these never reach the resolver); names pass here."""
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return
        self.check(host.strip("[]"))


class GuardedResolver(AbstractResolver):
    """Resolver that refuses a name if ANY of its addresses is forbidden; the connection then goes
    only to addresses checked here, so DNS rebinding between check and connect is impossible."""

    def __init__(self, inner: AbstractResolver, policy: AddressPolicy):
        self.inner = inner
        self.policy = policy

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        for result in results:
            self.policy.check(result["host"])
        return results

    async def close(self) -> None:
        await self.inner.close()


class BoundedDecoder:
    """Streaming Content-Encoding decoder (identity, gzip, x-gzip, deflate, br) with an output cap
    and a ratio cap, so a decompression bomb is stopped after at most ``max_bytes`` of output."""

    def __init__(self, encoding: str | None, max_bytes: int, max_ratio: float):
        self.encoding = (encoding or "identity").strip().lower()
        self.max_bytes = max_bytes
        self.max_ratio = max_ratio
        self.consumed = 0
        self.produced = 0
        self._parts: list[bytes] = []
        self._first_deflate = True
        if self.encoding in ("identity", ""):
            self._z = None
        elif self.encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        elif self.encoding == "br":
            self._z = brotli.Decompressor()
        else:
            raise Refused("unsupported_encoding", self.encoding)

    def _emit(self, data: bytes) -> None:
        self.produced += len(data)
        if self.produced > self.max_bytes:
            raise Refused("decompression_bomb" if self._z is not None else "too_large", f"> {self.max_bytes} bytes")
        if self._z is not None and self.produced > RATIO_FLOOR_BYTES and self.produced > self.max_ratio * max(self.consumed, 1):
            raise Refused("decompression_bomb", f"ratio {self.produced / max(self.consumed, 1):.0f}")
        self._parts.append(data)

    def _room(self) -> int:
        """Output allowed from the next decoding step: small steps, so the ratio test fires early."""
        return min(self.max_bytes - self.produced + 1, RATIO_FLOOR_BYTES)

    def feed(self, chunk: bytes) -> None:
        """Decode one chunk from the wire."""
        self.consumed += len(chunk)
        try:
            if self._z is None:
                self._emit(chunk)
            elif isinstance(self._z, brotli.Decompressor):
                self._emit(self._z.process(chunk, output_buffer_limit=self._room()))
                while not self._z.can_accept_more_data():
                    self._emit(self._z.process(b"", output_buffer_limit=self._room()))
            else:
                self._feed_zlib(chunk)
        except (zlib.error, brotli.error) as err:
            raise Refused("bad_encoding", f"{self.encoding}: {err}") from err

    def _feed_zlib(self, chunk: bytes) -> None:
        if self.encoding == "deflate" and self._first_deflate:
            self._first_deflate = False
            probe = zlib.decompressobj(zlib.MAX_WBITS)
            try:
                probe.decompress(chunk[:2] + b"", 0)
            except zlib.error:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
        data = chunk
        while data:
            self._emit(self._z.decompress(data, self._room()))
            data = self._z.unconsumed_tail

    def finish(self) -> bytes:
        """All decoded bytes."""
        if self._z is not None and not isinstance(self._z, brotli.Decompressor):
            self._emit(self._z.flush())
        return b"".join(self._parts)


def media_type(content_type: str | None) -> str:
    """``text/html`` from ``Text/HTML; charset=UTF-8``; empty when absent."""
    return (content_type or "").split(";", 1)[0].strip().lower()
