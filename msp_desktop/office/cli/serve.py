"""``msp-office serve`` and ``msp-office openapi``: flags, their checks, and the start.

Nothing here needs the web stack: the checks (where to listen, TLS files, limits) run
first and say what is wrong in one sentence; only then is the server imported, so
``msp-office`` without the ``office`` extra says how to install it instead of failing
on an import.

Listening without TLS is allowed on loopback only (127.0.0.1, ::1, localhost) unless
``--insecure-http`` says a reverse proxy in front terminates TLS. The metrics
listener (``--metrics-bind``) is plain HTTP always, so it too is loopback only unless
``--insecure-metrics`` says the address is on a management network.
"""

from __future__ import annotations

import argparse
import ipaddress
import ssl
from pathlib import Path

from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.office.cli.commands import PROG, database_url, office_layout
from msp_desktop.office.files import write_atomic
from msp_desktop.office.inbox.limits import Rate
from msp_desktop.office.inbox.openapi import openapi_bytes
from msp_desktop.office.inbox.receive import MIB, Inbox, InboxSettings
from msp_desktop.owner_only import how_to_make_private, readable_by_others

__all__ = ["add_openapi_arguments", "add_serve_arguments", "check_bind", "openapi", "serve"]

MAX_BUNDLE_MB = 320  # the format's own cap (DEFAULT_LIMITS.max_bundle_bytes)


class ServiceNotInstalled(KnownError):
    """The web stack (the ``office`` extra) is not installed."""

    exit_code = ExitCode.NOT_INSTALLED


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of ``msp-office serve`` (``--dir`` and ``--db`` are added by the caller)."""
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, metavar="N", help="port (default: 8443)")
    p.add_argument("--tls-cert", type=Path, metavar="FILE", help="PEM certificate (chain)")
    p.add_argument("--tls-key", type=Path, metavar="FILE", help="its PEM private key (owner-only)")
    p.add_argument(
        "--insecure-http",
        action="store_true",
        help="plain HTTP on a non-loopback address: only behind a proxy that terminates TLS",
    )
    p.add_argument("--max-bundle-mb", type=int, default=64, metavar="MB",
                   help="largest bundle accepted, in MiB (default: 64)")  # fmt: skip
    p.add_argument("--rate-per-ip", type=int, default=60, metavar="N",
                   help="uploads a minute from one address (default: 60)")  # fmt: skip
    p.add_argument("--burst-per-ip", type=int, default=20, metavar="N",
                   help="uploads at once from one address (default: 20)")  # fmt: skip
    p.add_argument("--rate-per-device", type=int, default=30, metavar="N",
                   help="bundles a minute from one device (default: 30)")  # fmt: skip
    p.add_argument("--burst-per-device", type=int, default=30, metavar="N",
                   help="bundles at once from one device (default: 30)")  # fmt: skip
    p.add_argument("--max-pending", type=int, default=8, metavar="N",
                   help="uploads in progress at once; more must retry (default: 8)")  # fmt: skip
    p.add_argument("--max-pending-per-address", type=int, default=2, metavar="N",
                   help="of those, from one address (default: 2)")  # fmt: skip
    p.add_argument("--min-upload-kib", type=int, default=4, metavar="KIB",
                   help="slowest upload kept, KiB/s over each 15 s (default: 4)")  # fmt: skip
    p.add_argument("--min-free-mb", type=int, metavar="MB",
                   help="/v1/health fails below this much free disk space where quarantine "
                   "and receipts go (default: twice --max-bundle-mb)")  # fmt: skip
    p.add_argument("--metrics-bind", metavar="HOST:PORT",
                   help="serve GET /v1/metrics (Prometheus text, plain HTTP) on this address; "
                   "off unless given, e.g. 127.0.0.1:9464")  # fmt: skip
    p.add_argument("--insecure-metrics", action="store_true",
                   help="allow --metrics-bind on a non-loopback address (no TLS, no login: "
                   "a management network only)")  # fmt: skip


def add_openapi_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of ``msp-office openapi``."""
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, tls: bool, insecure_http: bool) -> None:
    """Refuse plain HTTP on anything but loopback unless ``--insecure-http``."""
    if tls or insecure_http or is_loopback(host):
        return
    raise InvalidInput(
        f"Without --tls-cert and --tls-key the inbox speaks plain HTTP, so it listens only on "
        f"127.0.0.1 or ::1, not {host}; give a certificate and key, or add --insecure-http "
        "if a reverse proxy in front of it terminates TLS."
    )


def parse_metrics_bind(value: str | None, *, insecure: bool) -> tuple[str, int] | None:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) of ``--metrics-bind``: loopback only,
    unless ``--insecure-metrics``; None when not given."""
    if value is None:
        if insecure:
            raise InvalidInput("--insecure-metrics only goes with --metrics-bind HOST:PORT.")
        return None
    host, sep, port = value.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isascii() or not port.isdigit() or int(port) > 65535:
        raise InvalidInput(
            "--metrics-bind takes HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464 (port 0: any free)."
        )
    if not insecure and not is_loopback(host):
        raise InvalidInput(
            f"The metrics are plain HTTP with no login, so --metrics-bind listens only on "
            f"127.0.0.1, ::1 or localhost, not {host}; add --insecure-metrics to serve them "
            "on a management network (a firewall should still keep others out)."
        )
    return host, int(port)


def check_tls(cert: Path | None, key: Path | None) -> tuple[Path, Path] | None:
    """Both TLS files or neither; the key owner-only; the pair must load together."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise InvalidInput("Give both --tls-cert and --tls-key, or neither.")
    for path, what in ((cert, "TLS certificate"), (key, "TLS key")):
        if not path.is_file():
            raise InvalidInput(f"There is no {what} file at {path}.")
    if readable_by_others(key):
        raise InvalidInput(
            f"The TLS key {key} can be read by other users; make it owner-only "
            f"({how_to_make_private(key)}) and check who may have copied it."
        )
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError):
        raise InvalidInput(
            f"The TLS certificate {cert} and key {key} do not load: they must be PEM files, "
            "the key unencrypted, and belong together."
        ) from None
    return cert, key


def _positive(value: int, flag: str, most: int | None = None) -> int:
    if value < 1 or (most is not None and value > most):
        upper = f" and at most {most}" if most is not None else ""
        raise InvalidInput(f"{flag} must be at least 1{upper}.")
    return value


def settings_from(args: argparse.Namespace) -> InboxSettings:
    """The inbox settings from the flags, each checked."""
    return InboxSettings(
        office_dir=office_layout(args).root,
        db_url=database_url(args),
        max_bundle_bytes=_positive(args.max_bundle_mb, "--max-bundle-mb", MAX_BUNDLE_MB) * MIB,
        ip_rate=Rate(
            per_minute=_positive(args.rate_per_ip, "--rate-per-ip"),
            burst=_positive(args.burst_per_ip, "--burst-per-ip"),
        ),
        device_rate=Rate(
            per_minute=_positive(args.rate_per_device, "--rate-per-device"),
            burst=_positive(args.burst_per_device, "--burst-per-device"),
        ),
        max_pending=_positive(args.max_pending, "--max-pending"),
        max_pending_per_address=_positive(
            args.max_pending_per_address, "--max-pending-per-address"
        ),
        min_bytes_per_second=_positive(args.min_upload_kib, "--min-upload-kib", 1024) * 1024,
        min_free_bytes=None
        if args.min_free_mb is None
        else _positive(args.min_free_mb, "--min-free-mb", 1024 * 1024) * MIB,
    )


def serve(args: argparse.Namespace) -> int:
    """``msp-office serve``: the office inbox over HTTPS until stopped."""
    settings = settings_from(args)
    if not 0 <= args.port <= 65535:
        raise InvalidInput("--port must be a port number, 1 to 65535 (0: any free port).")
    tls_files = check_tls(args.tls_cert, args.tls_key)
    check_bind(args.host, tls=tls_files is not None, insecure_http=args.insecure_http)
    metrics_bind = parse_metrics_bind(args.metrics_bind, insecure=args.insecure_metrics)
    inbox = Inbox(settings)  # the office's keys and database, checked before listening
    try:
        from msp_desktop.office.inbox import server  # the optional web stack
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in ("starlette", "uvicorn", "anyio", "h11"):
            raise ServiceNotInstalled(
                f"{PROG} serve needs the web service packages; install them with: "
                "pip install 'msp-desktop[office]'"
            ) from None
        raise
    tls = server.TlsFiles(*tls_files) if tls_files else None
    return server.run(
        inbox, host=args.host, port=args.port, tls=tls, prog=PROG, metrics_bind=metrics_bind
    )


def openapi(args: argparse.Namespace) -> int:
    """``msp-office openapi --out FILE``: the service's OpenAPI description, to publish."""
    out: Path = args.out
    if out.exists() and not args.force:
        raise InvalidInput(f"{out} already exists; add --force to replace it.")
    write_atomic(out, openapi_bytes(), mode=0o644)
    print(f"Wrote {out}")
    return 0
