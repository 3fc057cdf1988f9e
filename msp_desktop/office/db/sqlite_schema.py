"""The SQLite schema of the office database, version 8 (``PRAGMA user_version``).

Tables:

- ``device_keys``: every device key ever enrolled; revoked keys stay (with when and
  why) so a key id can never be enrolled twice and old bundles stay attributable. At
  most one active key per device (partial unique index).
- ``lost_device_keys``: the keys enrolled for a lost device (``msp-office devices
  replace-lost``) without a rotation signed by the key before them: which key, the key
  it followed, why, and when; the devices list and the alerts log mark them (S24).
- ``bundles``: the replay ledger (S21), keyed by the SHA-256 of the bundle bytes,
  with (device, epoch, sequence) unique. ``gap_before`` counts the device's sequences
  missing just before this bundle when it arrived; ``note`` holds what was reported
  (gaps, late arrival, hash chain breaks). ``epoch`` is how many resyncs of the device
  the office had recorded when the bundle was imported (0 before any).
- ``device_resyncs``: the audit of ``msp-office devices resync``: the device, its
  resync number (the epoch its later bundles are imported in), the sequence its
  history continues from, the bundles at or above it the office held then (JSON
  ``[[sequence, sha256], ...]``), why, who and when. A bundle of epoch ``e`` and
  sequence ``s`` is *in force* unless a resync of that device with a higher epoch
  starts at or below ``s``; the replay check and the sequence reports read the
  bundles in force only, and the others stay as history.
- ``record_revisions``: every record revision received, keyed (kind, id, revision),
  with the envelope exactly as it travelled; ``current_records``: the office's
  current revision of each record.
- ``conflicts``: incoming revisions that were not allowed to overwrite the office's
  data, kept whole for a person to resolve; ``device_id`` is the device that sent it,
  ``owner_device_id`` the device the record belonged to then (empty for conflicts
  found before version 4).
- ``record_owners``: the device each record belongs to (``planning``: the device that
  first sent it, or the one it was transferred to); only that device's revisions
  become current.
- ``record_transfers``: the audit of ``msp-office records transfer``: which person,
  from which device to which, how many records, why and when.
- ``audit_entries``: each device's audit chain, ``hash_ok`` being the office's own
  recomputation of the entry's hash.
- ``returned_forms``: the feedback forms the person posted back to the office, keyed by
  the form's reference code (``model.feedback_code``), so one form is recorded once:
  the concern it is about, the language it was printed in, the answers (JSON, question
  to answer, a question left blank absent) and when it was recorded.
- ``office_revisions``: record revisions made at the office rather than on a device
  (people and concerns read from the council's caseload export, later corrections),
  each with its envelope as a pack will carry it, why, by whom and when. They are
  apart from ``record_revisions`` (what devices sent), which the report reads: a
  concern only the council's system knows of is not yet a conversation to count.
- ``caseload_people`` and ``caseload_concerns``: which office record each local id
  and concern reference of the council's system became, so importing the same
  export again adds nobody twice.
- ``pack_queue``: the changes waiting for a device's next office pack (a person or
  concern allocated to it, a person taken away from it, a correction, a decision on a
  conflict, a record of a case shared with it); ``pack_sequence`` is set once a pack
  carries the change.
- ``conflict_decisions``: how the office resolved a conflict (``msp-office conflicts
  resolve``): which revision it keeps, why, who and when, and for ``incoming`` the
  office revision that carries the kept content to the record's device.
- ``packs``: every office pack issued, keyed by its SHA-256, (device, sequence)
  unique: the device key whose enrolment named the pack key it was sealed to, how
  many changes, the sealed bytes (base64; a lost pack is written again, never made
  again) and when the device acknowledged it.
- ``shared_cases``: a person's case the office lets another device read (``msp-office
  records share``): one row per person and device, why, who shared it and when, and
  once stopped, who stopped it, when and why (NULL while the share is active; sharing
  again makes the row active again with the new reason, who and when).
- ``shared_records``: for each device, each record of a case shared with it and the
  highest revision already queued for it as ``shared``, so only newer revisions are
  queued again (a stopped share's rows go: sharing again sends the case whole).

The PostgreSQL schema (``postgres_schema``) is this one translated; a test compares
the two as their databases report them, so a change here needs one there too.

**Versions.** 1: the first. 2: ``record_revisions`` also takes agreed actions and
contact notes (record kinds ``action`` and ``contact``, bundle format 2). 3:
``returned_forms`` (feedback forms posted back, ``msp-office feedback record``). 4:
record ownership (``record_owners``, ``record_transfers``, ``conflicts.owner_device_id``);
each record's owner is the device that sent its first imported revision, a revision
another device sent is listed as a conflict, and a record whose current revision came
from another device gets its owner's highest revision back as current. 5:
``lost_device_keys`` (keys enrolled for a lost device without the old key's signature).
6: ``office_revisions``, ``caseload_people``, ``caseload_concerns``, ``pack_queue``,
``packs`` and ``conflict_decisions`` (``msp-office caseload import``, ``allocate``,
``packs issue`` and ``conflicts resolve``). 7: ``shared_cases`` and ``shared_records``, and
``pack_queue.change`` takes ``shared`` (``msp-office records share``). 8: ``bundles.epoch``
(unique with device and sequence, instead of those two) and ``device_resyncs``
(``msp-office devices resync``).
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
    "CASELOAD",
    "CASELOAD_V6",
    "CHANGES",
    "CHANGES_V6",
    "DEVICE_RESYNCS",
    "LOST_DEVICE_KEYS",
    "OWNERSHIP",
    "OWNERSHIP_FILL",
    "RECORD_KINDS",
    "RETURNED_FORMS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SHARED_CASES",
    "UPGRADES",
]

SCHEMA_VERSION = 8
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

OWNERSHIP: tuple[str, ...] = (
    """
CREATE TABLE record_owners (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
);""",
    """
CREATE TABLE record_transfers (
    person_id TEXT NOT NULL,
    from_device_id TEXT NOT NULL,
    to_device_id TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    reason TEXT NOT NULL,
    transferred_at TEXT NOT NULL
);""",
)
"""The ownership tables (version 4); the same statements make them on PostgreSQL."""

LOST_DEVICE_KEYS = """
CREATE TABLE lost_device_keys (
    key_id TEXT PRIMARY KEY REFERENCES device_keys (key_id),
    device_id TEXT NOT NULL,
    previous_key_id TEXT NOT NULL REFERENCES device_keys (key_id),
    reason TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);"""
"""The keys enrolled for a lost device (version 5); the same statement on PostgreSQL."""

CHANGES_V6 = "('allocate', 'remove', 'correct', 'decision')"
"""The kinds of change ``pack_queue`` took in version 6."""
CHANGES = "('allocate', 'remove', 'correct', 'decision', 'shared')"
"""The kinds of change ``pack_queue`` takes (the CHECK's list, shared with PostgreSQL)."""

PACK_QUEUE = f"""
CREATE TABLE {{name}} (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN {{changes}}),
    kind TEXT NOT NULL CHECK (kind IN {RECORD_KINDS}),
    record_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    pack_sequence INTEGER
);"""
"""``pack_queue`` (``name``) taking the changes ``changes``: version 6's, and today's."""

CASELOAD_V6: tuple[str, ...] = (
    f"""
CREATE TABLE office_revisions (
    kind TEXT NOT NULL CHECK (kind IN {RECORD_KINDS}),
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    record_sha256 TEXT NOT NULL,
    envelope TEXT NOT NULL,
    reason TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, revision)
);""",
    """
CREATE TABLE caseload_people (
    local_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL
);""",
    """
CREATE TABLE caseload_concerns (
    reference TEXT PRIMARY KEY,
    concern_id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL,
    imported_at TEXT NOT NULL
);""",
    PACK_QUEUE.format(name="pack_queue", changes=CHANGES_V6),
    """
CREATE TABLE packs (
    sha256 TEXT PRIMARY KEY,
    pack_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    previous_sha256 TEXT,
    key_id TEXT NOT NULL REFERENCES device_keys (key_id),
    recipient_key_id TEXT NOT NULL,
    changes INTEGER NOT NULL,
    data TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    acknowledged_at TEXT,
    UNIQUE (device_id, sequence)
);""",
    """
CREATE TABLE conflict_decisions (
    conflict_id INTEGER NOT NULL UNIQUE REFERENCES conflicts (id),
    keep TEXT NOT NULL CHECK (keep IN ('current', 'incoming')),
    reason TEXT NOT NULL,
    office_revision INTEGER,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);""",
)
"""The caseload, office revisions and pack queue as version 6 made them; PostgreSQL's are
these with ``BIGINT`` integers and an identity ``pack_queue.id``."""

CASELOAD: tuple[str, ...] = tuple(
    PACK_QUEUE.format(name="pack_queue", changes=CHANGES)
    if "CREATE TABLE pack_queue " in statement
    else statement
    for statement in CASELOAD_V6
)
"""The same tables as today's schema makes them: ``pack_queue`` takes ``shared`` too."""

SHARED_CASES: tuple[str, ...] = (
    """
CREATE TABLE shared_cases (
    person_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at TEXT NOT NULL,
    stopped_at TEXT,
    stopped_by TEXT,
    stopped_reason TEXT,
    PRIMARY KEY (person_id, device_id)
);""",
    f"""
CREATE TABLE shared_records (
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {RECORD_KINDS}),
    record_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    PRIMARY KEY (device_id, kind, record_id)
);""",
)
"""The shared cases (version 7); PostgreSQL's are these with ``BIGINT`` integers."""

BUNDLES = """
CREATE TABLE {name} (
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
    epoch INTEGER NOT NULL DEFAULT 0 CHECK (epoch >= 0),
    UNIQUE (device_id, epoch, sequence)
);"""
"""The replay ledger (``name``) as version 8 makes it."""

DEVICE_RESYNCS = """
CREATE TABLE device_resyncs (
    device_id TEXT NOT NULL,
    epoch INTEGER NOT NULL CHECK (epoch >= 1),
    from_sequence INTEGER NOT NULL CHECK (from_sequence >= 1),
    held TEXT NOT NULL,
    reason TEXT NOT NULL,
    resynced_by TEXT NOT NULL,
    resynced_at TEXT NOT NULL,
    PRIMARY KEY (device_id, epoch)
);"""
"""The resyncs of devices (version 8); PostgreSQL's is this with ``BIGINT`` integers."""

OWNERSHIP_FILL: tuple[str, ...] = (
    # Each record's owner: the device of its first imported revision (ties within one
    # second: the lowest revision; (kind, id, revision) is unique, so one row each).
    "INSERT INTO record_owners (kind, record_id, device_id, since) "
    "SELECT r.kind, r.record_id, r.device_id, r.imported_at FROM record_revisions r "
    "WHERE NOT EXISTS (SELECT 1 FROM record_revisions o WHERE o.kind = r.kind "
    "AND o.record_id = r.record_id AND (o.imported_at < r.imported_at "
    "OR (o.imported_at = r.imported_at AND o.revision < r.revision)))",
    # Every revision another device sent becomes a conflict (it stays as history too),
    # named with both devices, as an import now does.
    "INSERT INTO conflicts (kind, record_id, revision, record_sha256, envelope, reason, "
    "office_revision, office_record_sha256, device_id, bundle_sha256, found_at, "
    "owner_device_id) "
    "SELECT r.kind, r.record_id, r.revision, r.record_sha256, r.envelope, "
    "'sent by device ' || r.device_id || ', but the record belongs to device ' "
    "|| o.device_id || ' (found by migrate)', NULL, NULL, r.device_id, r.bundle_sha256, "
    "r.imported_at, o.device_id "
    "FROM record_revisions r JOIN record_owners o "
    "ON o.kind = r.kind AND o.record_id = r.record_id WHERE r.device_id <> o.device_id",
    # A current revision another device sent gives way to the owner's highest one.
    "UPDATE current_records SET revision = (SELECT max(r.revision) FROM record_revisions r "
    "JOIN record_owners o ON o.kind = r.kind AND o.record_id = r.record_id "
    "AND o.device_id = r.device_id "
    "WHERE r.kind = current_records.kind AND r.record_id = current_records.record_id) "
    "WHERE EXISTS (SELECT 1 FROM record_revisions r JOIN record_owners o "
    "ON o.kind = r.kind AND o.record_id = r.record_id "
    "WHERE r.kind = current_records.kind AND r.record_id = current_records.record_id "
    "AND r.revision = current_records.revision AND r.device_id <> o.device_id)",
)
"""What step 4 does to the rows an office already holds (both backends)."""

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
    4: (
        "ALTER TABLE conflicts ADD COLUMN owner_device_id TEXT",
        *OWNERSHIP,
        *OWNERSHIP_FILL,
    ),
    5: (LOST_DEVICE_KEYS,),
    6: CASELOAD_V6,
    # pack_queue takes "shared": made again, as record_revisions in step 2, keeping every
    # row with its id (the queue's order, and what packs.pack_sequence points at).
    7: (
        PACK_QUEUE.format(name="pack_queue_v7", changes=CHANGES),
        "INSERT INTO pack_queue_v7 (id, device_id, change, kind, record_id, reason, queued_at,"
        " pack_sequence) SELECT id, device_id, change, kind, record_id, reason, queued_at,"
        " pack_sequence FROM pack_queue",
        "DROP TABLE pack_queue",
        "ALTER TABLE pack_queue_v7 RENAME TO pack_queue",
        *SHARED_CASES,
    ),
    # bundles takes an epoch, unique with (device, sequence) instead of those two alone:
    # made again keeping every row, each in epoch 0 (no device was ever resynced).
    8: (
        BUNDLES.format(name="bundles_v8"),
        "INSERT INTO bundles_v8 (sha256, bundle_id, device_id, sequence, previous_sha256,"
        " manifest_sha256, key_id, worker, created, imported_at, records, audit_entries,"
        " gap_before, note, epoch) SELECT sha256, bundle_id, device_id, sequence,"
        " previous_sha256, manifest_sha256, key_id, worker, created, imported_at, records,"
        " audit_entries, gap_before, note, 0 FROM bundles",
        "DROP TABLE bundles",
        "ALTER TABLE bundles_v8 RENAME TO bundles",
        DEVICE_RESYNCS,
    ),
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

{bundles}

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
    found_at TEXT NOT NULL,
    owner_device_id TEXT
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

{ownership}

{lost_device_keys}

{caseload}

{shared_cases}

{device_resyncs}
""".format(
    bundles=BUNDLES.format(name="bundles").strip(),
    record_revisions=_RECORD_REVISIONS.format(name="record_revisions").strip(),
    returned_forms=RETURNED_FORMS.strip(),
    ownership="\n\n".join(statement.strip() for statement in OWNERSHIP),
    lost_device_keys=LOST_DEVICE_KEYS.strip(),
    caseload="\n\n".join(statement.strip() for statement in CASELOAD),
    shared_cases="\n\n".join(statement.strip() for statement in SHARED_CASES),
    device_resyncs=DEVICE_RESYNCS.strip(),
)
