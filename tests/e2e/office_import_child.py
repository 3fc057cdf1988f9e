"""Child of the office crash test: a real ``msp-office import`` that stops mid-transaction.

Runs ``msp-office import --dir OFFICE BUNDLE`` in this process (the real command, the
real importer, the real SQLite store) with one change, made here and nowhere in the
product: once the bundle's rows are inserted, and before ``COMMIT``, the page cache is
shrunk and the database read through, so SQLite spills changed pages into the file and
syncs the rollback journal first. Then it prints ``hot`` and waits to be killed. A
kill -9 now leaves what a crash in the middle of a large import leaves: a database file
with half-written pages and a *hot* journal that holds the old ones.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from msp_desktop.office.cli.main import main as office_main
from msp_desktop.office.db.sqlite import SqliteOfficeStore

_insert = SqliteOfficeStore._insert


def _insert_then_wait(self: SqliteOfficeStore, plan: Any) -> None:
    _insert(self, plan)
    conn = self._conn
    conn.execute("PRAGMA cache_size = 1")  # a page cache too small to hold the changes
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f'SELECT * FROM "{table}"').fetchall()  # reads evict (spill) dirty pages
    print("hot", flush=True)
    while True:
        time.sleep(60)


def main() -> None:
    """Import ``argv[2]`` into the office at ``argv[1]`` and stop before committing."""
    SqliteOfficeStore._insert = _insert_then_wait  # type: ignore[method-assign,assignment]
    office_main(["import", "--dir", sys.argv[1], sys.argv[2]])


if __name__ == "__main__":
    main()
