"""Which addresses a feed fetch may connect to: public ones only, unless the operator allows a host.

A feed address is chosen by a moderator, so without this rule the bot could be made to read
its own machine, the local network or a cloud metadata service (169.254.169.254). The rule is
applied after DNS, inside the resolver aiohttp connects with, so the address checked is the
address used: a name that answers "public" to a first lookup and "private" to a second one
(DNS rebinding) gains nothing. Addresses typed as numbers never reach a resolver; the fetcher
checks them with `AddressPolicy.check_literal` before each request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str], Awaitable[list[str]]]  # host name -> its IP addresses, as text

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # IPv6 addresses that stand for an IPv4 one


class RefusedAddress(Exception):
    """The host resolved to an address feeds may not reach; `reason` is a status-line phrase."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address

    @property
    def reason(self) -> str:
        where = "" if self.host.strip("[]") == self.address else f"{self.host} "
        return (
            f"{where}leads to {self.address}, a private or local address the bot does not contact"
        )


def is_public(address: IPAddress) -> bool:
    """Whether `address` is on the public internet: not private, loopback, link-local,
    multicast, reserved or unspecified, also when an IPv6 address wraps an IPv4 one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64:  # DNS64 answers for IPv4-only hosts: judge the IPv4 address
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        embedded = address.ipv4_mapped or address.sixtofour
        if address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def parse_allowed_hosts(text: str | None) -> frozenset[str]:
    """Host names or addresses from a comma- or space-separated setting, in lower case."""
    return frozenset(_host_key(part) for part in (text or "").replace(",", " ").split())


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses only, except for `allowed_hosts` (names or addresses, as in the URL)."""

    allowed_hosts: frozenset[str] = frozenset()

    def allows_host(self, host: str) -> bool:
        return _host_key(host) in self.allowed_hosts

    def check(self, host: str, addresses: Iterable[str]) -> list[str]:
        """`addresses` if `host` may use them all, else RefusedAddress (one bad address is enough)."""
        addresses = list(addresses)
        if self.allows_host(host):
            return addresses
        for text in addresses:
            try:
                address = ipaddress.ip_address(text)
            except ValueError:  # e.g. an IPv6 address with a zone: link-local anyway
                raise RefusedAddress(host, text) from None
            if not is_public(address):
                raise RefusedAddress(host, text)
        return addresses

    def check_literal(self, host: str) -> None:
        """Check a host typed as an address (aiohttp connects to those without resolving)."""
        text = host.strip("[]")
        try:
            ipaddress.ip_address(text)
        except ValueError:
            return  # a name: the resolver checks it
        self.check(text, [text])


async def system_resolve(host: str) -> list[str]:
    """The addresses the operating system gives for `host` (the loop's getaddrinfo)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver for feed fetches: resolves with `resolve`, then applies `policy`."""

    def __init__(self, policy: AddressPolicy, resolve: Resolve = system_resolve) -> None:
        self._policy = policy
        self._resolve = resolve

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = self._policy.check(host, await self._resolve(host))
        results = []
        for text in addresses:
            address = ipaddress.ip_address(text)
            found = socket.AF_INET if address.version == 4 else socket.AF_INET6
            if family in (socket.AF_UNSPEC, found):
                results.append(
                    ResolveResult(
                        hostname=host,
                        host=text,
                        port=port,
                        family=found,
                        proto=0,
                        flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                    )
                )
        if not results:
            raise OSError(f"no address found for {host}")
        return results

    async def close(self) -> None:
        pass


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()
