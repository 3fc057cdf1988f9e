"""The web proxy a council network may require between the laptop and the office.

Council networks often let nothing out except through a proxy. ``msp sync`` then
reaches the office inbox through it with HTTP ``CONNECT``: the proxy joins two TCP
connections and sees only encrypted bytes. TLS is made with the office end to end, so
the office certificate's pin (or the system's CAs and the host name, without a pin) is
checked exactly as on a direct connection, before any byte of a bundle is sent.

Where the proxy comes from, in the usual order of command-line tools (curl, pip):
``HTTPS_PROXY`` (or ``https_proxy``), then ``ALL_PROXY``; on Windows without either,
the system's proxy settings (Internet Options), as ``urllib.request.getproxies`` reads
them. ``NO_PROXY`` (or the system's bypass list) names hosts reached directly. A
proxy that wants a password takes it in its URL (``http://user:password@proxy:8080``);
it goes only to the proxy, as ``Proxy-Authorization: Basic``. An office on this
computer itself (``localhost``, ``127.0.0.1``, ``::1``: a test office, the only one
allowed over plain ``http://``) is never reached through a proxy.

A TLS-inspection proxy (one that opens the encrypted traffic with its own certificate)
breaks the pin on purpose: the laptop sees the inspection certificate, not the
office's, and sends nothing. The office either has its inbox host left out of
inspection (the usual exception for pinned applications) or pins the inspection
certificate when it provisions the laptops (docs/office-guide.md, "Proxies").
"""

from __future__ import annotations

import base64
import ipaddress
import os
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode

__all__ = ["BadProxy", "Proxy", "proxy_for"]

DEFAULT_PROXY_PORT = 8080


class BadProxy(KnownError):
    """The proxy setting cannot be used as written (it names no host, or is not http)."""

    exit_code = ExitCode.OFFICE_UNREACHABLE


@dataclass(frozen=True)
class Proxy:
    """A proxy to tunnel through: its host and port, and the header that signs in to it."""

    host: str
    port: int
    authorization: str | None = None
    """``Basic …`` from the user and password in the proxy's URL, for the proxy only."""

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"  # never the password


def _from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    # As urllib reads them: HTTPS_PROXY and https_proxy both work, the lower case wins.
    for lower_wins in (False, True):
        for key, value in environ.items():
            if value and key.lower().endswith("_proxy") and (key == key.lower()) == lower_wins:
                found[key.lower()[: -len("_proxy")]] = value
    return found


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listed(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names ``host``: "*", the host itself or a domain it is in
    ("example.org" or ".example.org"), each optionally with ":port"."""
    host = host.lower().rstrip(".")
    for entry in no_proxy.replace(" ", "").lower().split(","):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, wanted_port = entry.partition(":")
        if wanted_port and wanted_port != str(port):
            continue
        name = name.lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _parse(setting: str, name: str) -> Proxy:
    written = setting.strip()
    if "://" not in written:
        written = "http://" + written  # "proxy.council.local:8080", as often written
    try:
        parts = urlsplit(written)
    except ValueError:  # "http://[::1", an unclosed bracket
        raise BadProxy(
            f"The proxy setting {name} cannot be read: give it as http://host:port. "
            "Nothing was sent; everything stays queued."
        ) from None
    if parts.scheme not in ("http", ""):
        raise BadProxy(
            f"The proxy setting {name} ({parts.scheme}://…) is not one this app can use: "
            "give the proxy as http://host:port (the office connection is still encrypted "
            "end to end). Nothing was sent; everything stays queued."
        )
    if not parts.hostname:
        raise BadProxy(
            f"The proxy setting {name} names no proxy host: give it as http://host:port. "
            "Nothing was sent; everything stays queued."
        )
    try:
        port = parts.port or DEFAULT_PROXY_PORT
    except ValueError:
        raise BadProxy(
            f"The proxy setting {name} has a port that is not a number from 1 to 65535. "
            "Nothing was sent; everything stays queued."
        ) from None
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return Proxy(parts.hostname, port, authorization)


def proxy_for(url: str, environ: Mapping[str, str] | None = None) -> Proxy | None:
    """The proxy to reach ``url`` (the office inbox) through, or None to go direct.

    ``environ`` is for tests; by default the process's environment (and on Windows the
    system's proxy settings). Raises ``BadProxy``, in one sentence, for a setting that
    cannot be used.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or _loopback(parts.hostname):
        return None  # this computer itself: a test office, never behind a proxy
    port = parts.port or 443
    proxies = _from_environment(os.environ if environ is None else environ)
    if proxies:
        bypassed = _listed(parts.hostname, port, proxies.get("no", ""))
    elif environ is None and sys.platform == "win32":
        # No proxy in the environment: Windows' own settings (Internet Options).
        proxies = {key.lower(): value for key, value in urllib.request.getproxies().items()}
        bypassed = bool(proxies) and bool(urllib.request.proxy_bypass(parts.hostname))
    else:
        return None
    setting, name = proxies.get("https"), "HTTPS_PROXY"
    if not setting:
        setting, name = proxies.get("all"), "ALL_PROXY"
    if not setting or bypassed:
        return None
    return _parse(setting, name)
