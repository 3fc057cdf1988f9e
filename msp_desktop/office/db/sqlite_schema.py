"""The SQLite schema of the office database, version 3 (``PRAGMA user_version``).

Tables:

- ``device_keys``: every device key ever enrolled; revoked keys stay (with when and
  why) so a key id can never be enrolled twice and old bundles stay attributable. At
  most one active key per device (partial unique index).
- ``bundles``: the replay ledger (S21), keyed by the SHA-256 of the bundle bytes,
  with (device, sequence) unique. ``gap_before`` counts the device's sequences
  missing just before this bundle when it arrived; ``note`` holds what was reported
  (gaps, late arrival, hash chain breaks).
- ``record_revisions``: every record revision received, keyed (kind, id, revision),
  with the envelope exactly as it travelled; ``current_records``: the office's
  current revision of each record.
- ``conflicts``: incoming revisions that were not allowed to overwrite the office's
  data, kept whole for a person to resolve.
- ``audit_entries``: each device's audit chain, ``hash_ok`` being the office's own
  recomputation of the entry's hash.
- ``returned_forms``: the feedback forms the person posted back to the office, keyed by
  the form's reference code (``model.feedback_code``), so one form is recorded once:
  the concern it is about, the language it was printed in, the answers (JSON, question
  to answer, a question left blank absent) and when it was recorded.

The PostgreSQL schema (``postgres_schema``) is this one translated; a test compares
the two as their databases report them, so a change here needs one there too.

**Versions.** 1: the first. 2: ``record_revisions`` also takes agreed actions and
contact notes (record kinds ``action`` and ``contact``, bundle format 2). 3:
``returned_forms`` (feedback forms posted back, ``msp-office feedback record``).
``msp-office migrate`` takes a database from any earlier version to this one with the
steps in ``UPGRADES`` (one transaction each, after a verified backup; ``migrate.STEPS``
says what each does in words, the same on PostgreSQL); every other command refuses an
older database until then. A new version needs a step here, one in ``postgres_schema``
and its words in ``migrate.STEPS``; then commit a fixture database of the version before
(``tests/fixtures``) for ``test_migrate``.
"""

from __future__ import annotations

__all__ = [
    "APPLICATION_ID",
    "RECORD_KINDS",
    "RETURNED_FORMS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "UPGRADES",
]

SCHEMA_VERSION = 3
APPLICATION_ID = 0x4D53504F  # "MSPO": marks the file as an MSP office database

RECORD_KINDS = "('person', 'concern', 'visit', 'action', 'contact')"
"""The record kinds ``record_revisions`` takes (the CHECK's list, shared with PostgreSQL)."""

RETURNED_FORMS = """
CREATE TABLE returned_forms (
    code TEXT PRIMARY KEY,
    concern_id TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('en', 'cy')),
    answers TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);"""
"""The returned feedback forms (version 3); the same statement makes the table on PostgreSQL."""

_RECORD_REVISIONS = f"""
CREATE TABLE {{name}} (
    kind TEXT NOT NULL CHECK (kind IN {RECORD_KINDS}),
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    record_sha256 TEXT NOT NULL,
    envelope TEXT NOT NULL,
    device_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    imported_at TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, revision)
);"""

UPGRADES: dict[int, tuple[str, ...]] = {
    # SQLite cannot change a CHECK in place: the table is made again under a new name,
    # filled, and renamed over the old one (the order SQLite's "ALTER TABLE" page gives,
    # run with foreign keys off and checked with foreign_key_check before the commit).
    2: (
        _RECORD_REVISIONS.format(name="record_revisions_v2"),
        "INSERT INTO record_revisions_v2 (kind, record_id, revision, record_sha256, envelope,"
        " device_id, bundle_sha256, imported_at) SELECT kind, record_id, revision,"
        " record_sha256, envelope, device_id, bundle_sha256, imported_at FROM record_revisions",
        "DROP TABLE record_revisions",
        "ALTER TABLE record_revisions_v2 RENAME TO record_revisions",
    ),
    3: (RETURNED_FORMS,),
}
"""The statements that take a database from version n - 1 to version n."""

SCHEMA = """
CREATE TABLE device_keys (
    key_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    public_key TEXT NOT NULL,
    enrolment TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE UNIQUE INDEX device_keys_one_active ON device_keys (device_id)
    WHERE revoked_at IS NULL;

CREATE TABLE bundles (
    sha256 TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    previous_sha256 TEXT,
    manifest_sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES device_keys (key_id),
    worker TEXT NOT NULL,
    created TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    records INTEGER NOT NULL,
    audit_entries INTEGER NOT NULL,
    gap_before INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (device_id, sequence)
);

{record_revisions}

CREATE TABLE current_records (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (kind, record_id),
    FOREIGN KEY (kind, record_id, revision)
        REFERENCES record_revisions (kind, record_id, revision)
);

CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    record_sha256 TEXT NOT NULL,
    envelope TEXT NOT NULL,
    reason TEXT NOT NULL,
    office_revision INTEGER,
    office_record_sha256 TEXT,
    device_id TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    found_at TEXT NOT NULL
);

CREATE TABLE audit_entries (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    revision INTEGER,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    hash_ok INTEGER NOT NULL,
    bundle_sha256 TEXT NOT NULL REFERENCES bundles (sha256),
    PRIMARY KEY (device_id, seq)
);

{returned_forms}
""".format(
    record_revisions=_RECORD_REVISIONS.format(name="record_revisions").strip(),
    returned_forms=RETURNED_FORMS.strip(),
)
