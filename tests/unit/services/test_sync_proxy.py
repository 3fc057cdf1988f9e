"""``msp sync`` through a council's web proxy: a real CONNECT proxy on this computer
(``tests.proxy_server``) in front of a real office inbox (``tests.inbox_server``).

The office is known by a name only the proxy can resolve (``office.test``), as on a
council network where nothing leaves except through the proxy. TLS is with the office
end to end: the pin is checked through the tunnel, and a proxy that puts its own
server in the way gets nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msp_desktop.network.proxy import BadProxy, proxy_for
from msp_desktop.network.uploader import OfficeNotTrusted, OfficeUnreachable
from msp_desktop.services.network_sync import sync_now
from msp_desktop.store import Workspace
from tests.inbox_server import InboxServer, NetOffice, TlsFiles, closed_port, make_tls
from tests.proxy_server import ConnectProxy
from tests.unit.services.test_network_sync import (
    Sleeps,
    caseload,
    counts,
    no_receipt,
    provision,
    queued,
)

OFFICE_HOST = "office.test"


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls(tmp_path / "tls", names=(OFFICE_HOST,))


@pytest.fixture
def inbox(office: NetOffice, tls: TlsFiles) -> Iterator[InboxServer]:
    with InboxServer(office, tls) as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def port_of(server: InboxServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def office_url(server: InboxServer) -> str:
    return f"https://{OFFICE_HOST}:{port_of(server)}"


@pytest.fixture(autouse=True)
def no_proxy_but_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_sync_goes_through_the_proxy_with_the_pin_checked_end_to_end(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    with ConnectProxy(hosts={OFFICE_HOST: port_of(inbox)}) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        report = sync_now(workspace, sleep=sleeps)

    assert report.ok, report.errors
    assert report.records_confirmed == 4
    # One tunnel for the bundle, one for asking for office packs: both to the office.
    assert [asked.target for asked in proxy.asked] == [f"{OFFICE_HOST}:{port_of(inbox)}"] * 2
    assert [(r.method, r.path) for r in inbox.requests] == [
        ("POST", "/v1/bundles"), ("GET", "/v1/packs/next")]  # fmt: skip
    assert office.imported() == [1]
    assert queued(workspace) == []


def test_a_proxy_that_wants_a_password_gets_it_from_its_address_and_only_it(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    hosts = {OFFICE_HOST: port_of(inbox)}
    with ConnectProxy(hosts=hosts, password=("sw01", "p@ss word")) as proxy:
        # Without the password: refused by the proxy, said so, everything kept.
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        refused = sync_now(workspace, sleep=sleeps)
        no_receipt(refused)
        (error,) = refused.errors
        assert isinstance(error, OfficeUnreachable)
        assert f"the proxy at 127.0.0.1:{proxy.port} would not connect to the office" in (
            error.message
        )
        assert "407 Proxy Authentication Required" in error.message
        assert inbox.requests == []
        assert queued(workspace) == [1]
        assert counts(workspace)["in-bundle"] == 4

        # With it in the proxy's address (percent-encoded as URLs are): sent.
        monkeypatch.setenv("HTTPS_PROXY", f"http://sw01:p%40ss%20word@127.0.0.1:{proxy.port}")
        report = sync_now(workspace, sleep=sleeps)

    assert report.ok, report.errors
    assert office.imported() == [1]
    # The password went to the proxy in the CONNECT, never to the office.
    assert proxy.asked[-1].authorization == "Basic c3cwMTpwQHNzIHdvcmQ="
    assert inbox.posts
    for request in inbox.requests:
        assert "user-agent" in request.header_names  # headers were recorded
        assert "proxy-authorization" not in request.header_names
        assert "authorization" not in request.header_names


def test_a_proxy_that_puts_its_own_server_in_the_way_gets_nothing(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A TLS-inspecting proxy: its own certificate for the office's name.
    inspection = make_tls(tmp_path / "inspection", "Council inspection", (OFFICE_HOST,))
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    with (
        InboxServer(office, inspection) as in_the_middle,
        ConnectProxy(divert=port_of(in_the_middle)) as proxy,
    ):
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        report = sync_now(workspace, sleep=sleeps)
        assert in_the_middle.requests == []  # not one byte of HTTP

    no_receipt(report)
    (error,) = report.errors
    assert isinstance(error, OfficeNotTrusted)
    assert "its certificate is not the one in the office keys" in error.message
    assert sleeps.waits == []
    assert inbox.requests == []
    assert office.imported() == []
    assert queued(workspace) == [1]


def test_no_proxy_names_hosts_reached_directly(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    with ConnectProxy(hosts={OFFICE_HOST: port_of(inbox)}) as proxy:
        monkeypatch.setenv("https_proxy", proxy.url)
        monkeypatch.setenv("no_proxy", "intranet.local,.test")
        report = sync_now(workspace, sleep=sleeps)

    # Direct, and this laptop cannot resolve the office's name on its own.
    assert proxy.asked == []
    no_receipt(report)
    (error,) = report.errors
    assert "the address office.test could not be found" in error.message
    assert queued(workspace) == [1]


def test_a_proxy_that_cannot_be_reached_is_named_and_everything_stays_queued(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    port = closed_port()
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{port}")  # no scheme, as often written

    report = sync_now(workspace, sleep=sleeps)

    no_receipt(report)
    (error,) = report.errors
    assert f"the proxy at 127.0.0.1:{port} could not be reached" in error.message
    assert "everything stays queued" in error.message.lower()
    assert queued(workspace) == [1]


def test_a_proxy_setting_this_app_cannot_use_is_said_before_anything_is_sealed(
    workspace: Workspace,
    office: NetOffice,
    inbox: InboxServer,
    tls: TlsFiles,
    sleeps: Sleeps,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision(workspace, office, office_url(inbox), tls.sha256)
    caseload(workspace)
    before = counts(workspace)
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")

    with pytest.raises(BadProxy) as raised:
        sync_now(workspace, sleep=sleeps)

    assert raised.value.message == (
        "The proxy setting HTTPS_PROXY (socks5://…) is not one this app can use: give "
        "the proxy as http://host:port (the office connection is still encrypted end to "
        "end). Nothing was sent; everything stays queued."
    )
    assert raised.value.exit_code == 14
    assert counts(workspace) == before  # nothing sealed, nothing changed
    assert inbox.requests == []


@pytest.mark.parametrize(
    ("url", "environ", "expected"),
    [
        ("https://office.test", {"HTTPS_PROXY": "http://proxy:3128"}, "proxy:3128"),
        ("https://office.test", {"https_proxy": "proxy", "HTTPS_PROXY": "other:1"}, "proxy:8080"),
        ("https://office.test", {"ALL_PROXY": "proxy:1"}, "proxy:1"),
        ("https://office.test:8443", {"HTTPS_PROXY": "p:1", "NO_PROXY": "office.test:8443"}, None),
        ("https://office.test:8443", {"HTTPS_PROXY": "p:1", "NO_PROXY": "office.test:443"}, "p:1"),
        ("https://in.office.test", {"HTTPS_PROXY": "p:1", "NO_PROXY": "office.test"}, None),
        ("https://notoffice.test", {"HTTPS_PROXY": "p:1", "NO_PROXY": "office.test"}, "p:1"),
        ("https://office.test", {"HTTPS_PROXY": "p:1", "NO_PROXY": "*"}, None),
        ("https://127.0.0.1:9", {"HTTPS_PROXY": "p:1"}, None),  # this computer: never
        ("https://localhost", {"HTTPS_PROXY": "p:1"}, None),
        ("http://127.0.0.1:9", {"HTTPS_PROXY": "p:1"}, None),  # plain http: a test office
        ("https://office.test", {"HTTP_PROXY": "p:1"}, None),  # not for https
    ],
)
def test_which_proxy_is_used(url: str, environ: dict[str, str], expected: str | None) -> None:
    found = proxy_for(url, environ)
    assert (str(found) if found else None) == expected


def test_a_proxy_port_that_is_not_a_number_is_one_sentence() -> None:
    with pytest.raises(BadProxy) as raised:
        proxy_for("https://office.test", {"HTTPS_PROXY": "http://proxy:99999"})
    assert raised.value.message.startswith("The proxy setting HTTPS_PROXY has a port that is")
