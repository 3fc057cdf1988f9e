"""The names of a workspace's files, shared by opening and restoring."""

from __future__ import annotations

DB_NAME = "workspace.db"
KEYS_NAME = "workspace.keys.json"
# SQLite's companions of the database in WAL mode: they belong to that one file.
DB_COMPANIONS = (f"{DB_NAME}-wal", f"{DB_NAME}-shm")
