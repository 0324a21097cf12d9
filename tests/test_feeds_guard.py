"""The address rule on its own: which addresses count as public, and the resolver that applies it."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.feeds.guard import (
    AddressPolicy,
    GuardedResolver,
    RefusedAddress,
    is_public,
    parse_allowed_hosts,
)

NOT_PUBLIC = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo around 127.0.0.1
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"]


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_private_local_and_special_addresses_are_not_public(text):
    assert not is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_public(text):
    assert is_public(ipaddress.ip_address(text))


PRIVATE_V4 = st.sampled_from(["127.0.0.0/8", "10.0.0.0/8", "192.168.0.0/16", "169.254.0.0/16"])


@given(PRIVATE_V4, st.integers(min_value=0, max_value=2**16 - 1))
@example("127.0.0.0/8", 1)
def test_a_private_ipv4_address_stays_private_inside_ipv6(network, offset):
    v4 = ipaddress.IPv4Network(network)[offset % ipaddress.IPv4Network(network).num_addresses]
    wrapped = [
        ipaddress.IPv6Address(f"::ffff:{v4}"),
        ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80)),
        ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(v4)),
    ]
    assert not any(is_public(address) for address in wrapped)


def test_allowed_hosts_are_read_from_a_setting():
    assert parse_allowed_hosts(" 127.0.0.1, Feeds.Test. [::1]") == {
        "127.0.0.1",
        "feeds.test",
        "::1",
    }
    assert parse_allowed_hosts(None) == frozenset()


def test_an_allowed_host_may_use_any_address_and_others_may_not():
    policy = AddressPolicy(parse_allowed_hosts("feeds.test, 127.0.0.1"))

    assert policy.check("FEEDS.test", ["127.0.0.1"]) == ["127.0.0.1"]
    policy.check_literal("127.0.0.1")
    with pytest.raises(RefusedAddress):
        policy.check("other.test", ["127.0.0.1"])
    with pytest.raises(RefusedAddress):
        policy.check_literal("[::1]")
    policy.check_literal("news.example.org")  # a name: left to the resolver


async def test_the_resolver_checks_every_answer_so_rebinding_gains_nothing():
    """A name that answers "public" first and "loopback" next is refused on the second answer,
    at connection time: there is no earlier lookup whose answer could be reused."""
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    async def rebinding(host: str) -> list[str]:
        return next(answers)

    resolver = GuardedResolver(AddressPolicy(), rebinding)

    first = await resolver.resolve("rebind.test", 443, socket.AF_UNSPEC)
    assert [(r["host"], r["port"], r["family"]) for r in first] == [
        ("93.184.215.14", 443, socket.AF_INET)
    ]
    with pytest.raises(RefusedAddress) as refused:
        await resolver.resolve("rebind.test", 443, socket.AF_UNSPEC)
    assert refused.value.reason.startswith("rebind.test leads to 127.0.0.1")


async def test_the_resolver_keeps_the_family_asked_for():
    async def both(host: str) -> list[str]:
        return ["93.184.215.14", "2606:4700:4700::1111"]

    resolver = GuardedResolver(AddressPolicy(), both)

    only_v6 = await resolver.resolve("dual.test", 80, socket.AF_INET6)
    assert [r["host"] for r in only_v6] == ["2606:4700:4700::1111"]
    with pytest.raises(OSError, match="no address found"):
        await GuardedResolver(AddressPolicy(), lambda host: _none()).resolve("x.test", 80)


async def _none() -> list[str]:
    return []
