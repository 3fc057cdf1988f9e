"""A real PostgreSQL for office tests: a throwaway cluster, or a server already running.

``postgres_server`` (session scope) gives a ``PostgresServer``; each test asks it for
a fresh, empty schema (``new_schema``, or the ``postgres_url`` fixture) and gets a URL
whose ``search_path`` is that schema alone, so to the office it is an empty database
of its own. The schema is dropped when the test ends; tests never see each other's
rows. (A schema takes a millisecond to make, a database some 60 ms.)

- ``$MSP_TEST_POSTGRES_DSN`` (a ``postgresql://`` URL of a role that may create
  schemas in its database) uses that server.
- Otherwise ``initdb`` and ``pg_ctl`` are looked for on PATH, then in
  ``/usr/lib/postgresql/*/bin`` (where Debian's ``postgresql`` package puts them,
  newest version first). A cluster is made in a temporary folder, listening on a Unix
  socket in that folder only (no TCP port to collide with), with trust
  authentication (this cluster only, reachable only through that folder), and with
  fsync off (it is thrown away). It is stopped and removed at the end of the session.
- PostgreSQL refuses to run as root, and CI runs as root: then ``initdb`` and the
  server run as the ``postgres`` user (made by the Debian package; else ``nobody``),
  which owns the temporary folder.
- Without the binaries the tests skip, naming the package to install; under
  ``CI=true`` they fail, as for every tool ``.ci/run`` installs (``tests.tools``).
- On Windows no cluster is made (the office runs on Linux): without
  ``$MSP_TEST_POSTGRES_DSN`` the tests skip, saying so, even under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest

DSN_VARIABLE = "MSP_TEST_POSTGRES_DSN"
PACKAGE = "postgresql"
PORT = 5432  # only names the socket file, inside our own folder
START_TIMEOUT_SECONDS = 60


def find_binaries() -> tuple[Path, Path] | None:
    """``(initdb, pg_ctl)``: PATH first, then Debian's versioned folders, newest first."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb), Path(pg_ctl)

    def version(folder: str) -> int:
        name = Path(folder).parent.name
        return int(name) if name.isdigit() else 0

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        bin_dir = Path(folder)
        if (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file():
            return bin_dir / "initdb", bin_dir / "pg_ctl"
    return None


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide {why}")
    pytest.skip(why)


def with_options(url: str, options: str) -> str:
    """``url`` with server ``options`` (``-c name=value``) added to any it has."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} {options}".strip()
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote, safe="/")))


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose sessions see ``schema`` only (user, host and other options kept)."""
    return with_options(url, f"-c search_path={schema}")


@dataclass
class PostgresServer:
    """A server the tests may create and drop schemas on."""

    admin_url: str
    schemas: list[str] = field(default_factory=list)

    def new_schema(self) -> str:
        """A fresh, empty schema; the URL of a database that is that schema alone."""
        import psycopg

        name = f"msp_test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        self.schemas.append(name)
        return with_search_path(self.admin_url, name)

    def drop_schema(self, url: str) -> None:
        """Drop a schema made by ``new_schema``, with everything in it."""
        import psycopg

        name = self.schemas.pop(next(i for i, s in enumerate(self.schemas) if s in url))
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def drop_all(self) -> None:
        """Drop every schema still made by ``new_schema``."""
        for name in list(self.schemas):
            self.drop_schema(name)


@dataclass
class _Cluster:
    initdb: Path
    pg_ctl: Path
    folder: Path
    user: str | None  # run as this user (we are root), else as ourselves

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def run(self, *args: str) -> None:
        kwargs: dict[str, object] = {}
        if self.user is not None:
            import pwd  # POSIX only; on Windows no cluster is made (_throwaway_cluster)

            entry = pwd.getpwnam(self.user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        done = subprocess.run(
            [*args], capture_output=True, text=True, check=False, cwd=self.folder,
            timeout=START_TIMEOUT_SECONDS, **kwargs,
        )  # fmt: skip
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n{log}"
            )

    def start(self) -> str:
        self.run(str(self.initdb), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses='' -k {self.folder} -p {PORT} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self.run(str(self.pg_ctl), "-D", str(self.data), "-l", str(self.log), "-o", options,
                 "-w", "-t", str(START_TIMEOUT_SECONDS), "start")  # fmt: skip
        socket_folder = quote(str(self.folder), safe="/")
        return f"postgresql://postgres@/postgres?host={socket_folder}&port={PORT}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run(str(self.pg_ctl), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged_user() -> str | None:
    """None when not root; else a system user PostgreSQL will run as."""
    import pwd  # POSIX only; on Windows no cluster is made (_throwaway_cluster)

    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    _missing("a non-root user to run PostgreSQL as (the postgresql package makes 'postgres')")
    return None  # unreachable


@contextlib.contextmanager
def _throwaway_cluster() -> Iterator[str]:
    if sys.platform == "win32":
        # Not _missing: this is no missing tool that CI should install. The office server
        # (and so its PostgreSQL) runs on Linux, and the cluster is made as a POSIX user.
        pytest.skip(
            "POSIX only: the throwaway PostgreSQL cluster needs initdb and pg_ctl run as a "
            f"POSIX user (the office runs on Linux); set {DSN_VARIABLE} to use a server"
        )
    binaries = find_binaries()
    if binaries is None:
        _missing(
            f"initdb and pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin "
            f"(apt-get install {PACKAGE})"
        )
        raise AssertionError("unreachable")
    user = _unprivileged_user()
    # In /tmp, not pytest's tmp_path: that is private to us, and the server (another
    # user when we are root) must reach its data and socket folder.
    folder = Path(tempfile.mkdtemp(prefix="msp-pg-"))
    if user is not None:
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = _Cluster(*binaries, folder=folder, user=user)
    started = time.monotonic()
    try:
        url = cluster.start()
    except BaseException:
        cluster.stop()
        raise
    print(f"PostgreSQL test cluster up in {time.monotonic() - started:.1f}s at {folder}")
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session (see the module docstring)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg (pip install -e '.[dev]')")
    given = os.environ.get(DSN_VARIABLE)
    if given:
        server = PostgresServer(given)
        try:
            yield server
        finally:
            server.drop_all()
        return
    with _throwaway_cluster() as url:
        yield PostgresServer(url)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty database (a fresh schema) for one test; dropped afterwards."""
    url = postgres_server.new_schema()
    yield url
    postgres_server.drop_schema(url)
