"""Which office database to open: ``--db URL``, or ``OFFICE/office.db`` by default.

``open_store`` is the one place a database URL becomes an ``OfficeStore``:

- no URL: the SQLite database in the office folder, ``OFFICE/office.db``;
- ``sqlite:///ABSOLUTE/PATH``: a SQLite office database elsewhere (a ``file:`` URL's
  shape: three slashes, then the absolute path; ``%20`` and the like are decoded);
- ``postgresql://USER@HOST:PORT/DATABASE`` (or ``postgres://``, or libpq's
  ``?host=/run/postgresql`` for a Unix socket): ``PostgresOfficeStore``, imported only
  then, so the SQLite office needs no PostgreSQL driver;
- anything else is refused in one sentence.

Either way the office folder still holds the keys, ``quarantine/`` and ``alerts.log``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, urlsplit

from msp_desktop.errors import InvalidInput
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.store import OfficeStore, Upgraded
from msp_desktop.office.keys import OfficeLayout

if TYPE_CHECKING:
    from msp_desktop.office.db.postgres import PostgresOfficeStore

__all__ = [
    "check_creatable",
    "create_store",
    "database_where",
    "open_store",
    "schema_version",
    "sqlite_path",
    "upgrade_store",
]

_POSTGRES_SCHEMES = ("postgresql", "postgres")


def _split(url: str) -> SplitResult:
    """``urlsplit``, with a sentence for a URL it cannot even split (``http://[::1``)."""
    try:
        return urlsplit(url)
    except ValueError:
        raise InvalidInput(
            "The database URL cannot be read; give sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE."
        ) from None


def sqlite_path(url: str) -> Path:
    """The file a ``sqlite:///ABSOLUTE/PATH`` URL names; ``InvalidInput`` otherwise.

    On Windows the path starts with its drive, as in ``sqlite:///C:/office/office.db``.
    """
    parts = _split(url)
    path = unquote(parts.path)
    if parts.scheme.lower() != "sqlite" or parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(
            "A SQLite database URL is sqlite:/// followed by the absolute path of the file, "
            "e.g. sqlite:///srv/office/office.db."
        )
    if sys.platform == "win32" and re.match(r"/[A-Za-z]:/", path):
        path = path[1:]  # sqlite:///C:/office/office.db names C:/office/office.db
    if not Path(path).is_absolute() or path.endswith("/"):
        raise InvalidInput(
            "A SQLite database URL names a file by its absolute path, "
            "e.g. sqlite:///srv/office/office.db."
        )
    return Path(path)


def _postgres() -> type[PostgresOfficeStore]:
    """The PostgreSQL backend, imported only when a ``postgresql://`` URL is given."""
    try:
        from msp_desktop.office.db.postgres import PostgresOfficeStore
    except ImportError:  # psycopg is an optional dependency (the ``office`` extra)
        raise InvalidInput(
            "PostgreSQL support needs psycopg, which is not installed with this msp-office: "
            "pip install 'msp-desktop[office]'."
        ) from None
    return PostgresOfficeStore


def database_where(office_dir: Path, url: str | None) -> Path | str:
    """The SQLite file, or the PostgreSQL URL, that ``url`` names (None: the office
    folder's ``office.db``); refuses any other."""
    if url is None or not url.strip():
        return OfficeLayout(office_dir).database
    url = url.strip()
    scheme = _split(url).scheme.lower()
    if scheme == "sqlite":
        return sqlite_path(url)
    if scheme in _POSTGRES_SCHEMES:
        return url
    if scheme.startswith("postgresql+"):
        raise InvalidInput(
            f"Give the PostgreSQL database as postgresql://USER@HOST:PORT/DATABASE, not {scheme}:."
        )
    raise InvalidInput(
        f"The database URL must start with sqlite:/// or postgresql://, not {scheme or 'nothing'}:."
    )


def check_creatable(office_dir: Path, url: str | None) -> None:
    """Refuse, before ``init`` makes any key, a database it could not create.

    A PostgreSQL database must exist, be reachable and hold no office tables yet; a
    SQLite file is checked by ``SqliteOfficeStore.create`` itself.
    """
    where = database_where(office_dir, url)
    if isinstance(where, str):
        _postgres().check_creatable(where)


def create_store(office_dir: Path, url: str | None) -> str:
    """Make an empty office database where ``url`` says; says where, for ``init``."""
    where = database_where(office_dir, url)
    if isinstance(where, Path):
        SqliteOfficeStore.create(where)
        return str(where)
    backend = _postgres()
    backend.create(where)
    return backend.describe(where)


def open_store(office_dir: Path, url: str | None, *, read_only: bool) -> OfficeStore:
    """Open the office database ``url`` names (default ``office_dir/office.db``).

    Opening never writes to the database. Raises ``OfficeMissing`` or ``OfficeDamaged``
    as the backend does, and ``InvalidInput`` for a URL it cannot use.
    """
    where = database_where(office_dir, url)
    if isinstance(where, Path):
        return SqliteOfficeStore.open(where, read_only=read_only)
    return _postgres().open(where, read_only=read_only)


def schema_version(office_dir: Path, url: str | None) -> tuple[str, int]:
    """Where the office database is, and its schema version, read without writing
    (an older version too, unlike ``open_store``)."""
    where = database_where(office_dir, url)
    if isinstance(where, Path):
        return str(where), SqliteOfficeStore.version(where)
    backend = _postgres()
    return backend.describe(where), backend.version(where)


def upgrade_store(office_dir: Path, url: str | None) -> tuple[str, Upgraded]:
    """Upgrade the office database ``url`` names to this msp-office's version, one step
    per transaction; says where, for ``msp-office migrate``, and what was done."""
    where = database_where(office_dir, url)
    if isinstance(where, Path):
        return str(where), SqliteOfficeStore.upgrade(where)
    backend = _postgres()
    return backend.describe(where), backend.upgrade(where)
