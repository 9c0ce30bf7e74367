"""Refusing private, loopback and link-local addresses (SSRF protection)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from newsdesk.ingest.fetch.errors import FetchError, Reason


def is_public(address: str) -> bool:
    """Whether an IP address is reachable on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.IPv4Network("100.64.0.0/10"))
    )


async def resolve(host: str, port: int, url: str) -> list[str]:
    """Every address ``host`` resolves to; a DNS failure is a :class:`FetchError`."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [host.strip("[]")]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise FetchError(Reason.DNS, f"DNS lookup of {host} failed ({err.strerror})", url) from None
    except UnicodeError:  # the IDNA codec refuses an empty label or one over 63 characters
        raise FetchError(Reason.INVALID_URL, f"{host} is not a valid host name", url) from None
    return sorted({str(info[4][0]) for info in infos})


async def check_host(host: str, port: int, url: str, *, allow_private: bool) -> None:
    """Refuse a host that resolves to any non-public address, unless allowed."""
    addresses = await resolve(host, port, url)
    if allow_private:
        return
    private = [a for a in addresses if not is_public(a)]
    if private:
        raise FetchError(
            Reason.PRIVATE_ADDRESS,
            f"{host} resolves to a private or local address ({private[0]}); "
            "set fetch.allow_private_addresses or NEWSDESK_ALLOW_PRIVATE=1 to allow it",
            url,
        )
