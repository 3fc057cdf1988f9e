"""The workspace schema, versioned with ``PRAGMA user_version``.

One function per step, each run in its own transaction; an old workspace is
upgraded one step at a time, and tests open committed fixture workspaces of every
released schema. Never edit a released step: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable

from msp_desktop.errors import WorkspaceDamaged
from msp_desktop.store.database import SHARED_READ_ONLY, Database


def _to_v1(db: Database) -> None:
    """The first schema: people, concerns, visits with revisions, the audit chain."""
    statements = [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # people.pk is the integer rowid the search index points at.
        """CREATE TABLE people (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            preferred_name TEXT,
            local_id TEXT,
            date_of_birth TEXT,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE concerns (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id),
            stage TEXT NOT NULL,
            status TEXT NOT NULL,
            raised_on TEXT,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX concerns_by_person ON concerns(person_id)",
        """CREATE TABLE visits (
            id TEXT PRIMARY KEY,
            concern_id TEXT NOT NULL REFERENCES concerns(id),
            person_id TEXT NOT NULL REFERENCES people(id),
            visit_date TEXT,
            current_revision INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX visits_by_concern ON visits(concern_id)",
        "CREATE INDEX visits_by_person ON visits(person_id, visit_date)",
        """CREATE TABLE visit_revisions (
            visit_id TEXT NOT NULL REFERENCES visits(id),
            revision INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'finalised')),
            data TEXT NOT NULL,
            reason TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            finalised_at TEXT,
            finalised_by TEXT,
            content_sha256 TEXT,
            PRIMARY KEY (visit_id, revision)
        )""",
        # Defence in depth: the database itself refuses to change a finalised revision.
        """CREATE TRIGGER finalised_revisions_are_read_only
           BEFORE UPDATE ON visit_revisions WHEN OLD.status = 'finalised'
           BEGIN SELECT RAISE(ABORT, 'finalised revisions are read-only'); END""",
        """CREATE TRIGGER finalised_revisions_are_kept
           BEFORE DELETE ON visit_revisions WHEN OLD.status = 'finalised'
           BEGIN SELECT RAISE(ABORT, 'finalised revisions are read-only'); END""",
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            revision INTEGER,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        """CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ]
    for sql in statements:
        db.execute(sql)


def _to_v2(db: Database) -> None:
    """Full-text people search (name, preferred name, local id), built from existing rows.

    ``remove_diacritics 2`` lets "Sian" find "Siân"; prefix queries give
    search-as-you-type. The index lives inside the encrypted database.
    """
    statements = [
        """CREATE VIRTUAL TABLE people_fts USING fts5(
            name, preferred_name, local_id,
            content='people', content_rowid='pk',
            tokenize="unicode61 remove_diacritics 2"
        )""",
        """CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
            INSERT INTO people_fts(rowid, name, preferred_name, local_id)
            VALUES (new.pk, new.name, coalesce(new.preferred_name, ''),
                    coalesce(new.local_id, ''));
        END""",
        """CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
            INSERT INTO people_fts(people_fts, rowid, name, preferred_name, local_id)
            VALUES ('delete', old.pk, old.name, coalesce(old.preferred_name, ''),
                    coalesce(old.local_id, ''));
        END""",
        """CREATE TRIGGER people_fts_update AFTER UPDATE ON people BEGIN
            INSERT INTO people_fts(people_fts, rowid, name, preferred_name, local_id)
            VALUES ('delete', old.pk, old.name, coalesce(old.preferred_name, ''),
                    coalesce(old.local_id, ''));
            INSERT INTO people_fts(rowid, name, preferred_name, local_id)
            VALUES (new.pk, new.name, coalesce(new.preferred_name, ''),
                    coalesce(new.local_id, ''));
        END""",
        "INSERT INTO people_fts(people_fts) VALUES ('rebuild')",
        "CREATE INDEX people_by_name ON people(name COLLATE NOCASE)",
    ]
    for sql in statements:
        db.execute(sql)


def _to_v3(db: Database) -> None:
    """The safety question's answer for each copy of a finalised visit (``copies_given``).

    A row belongs to one finalised revision but lives in its own table, so recording
    a decision never touches the read-only revision. Rows are history: the database
    refuses to change or delete them. ``style`` is empty only for "no copy" (nothing
    was printed); ``document_sha256`` names the exact bytes given, when known.
    """
    statements = [
        """CREATE TABLE copies_given (
            id TEXT PRIMARY KEY,
            visit_id TEXT NOT NULL REFERENCES visits(id),
            revision INTEGER NOT NULL,
            choice TEXT NOT NULL
                CHECK (choice IN ('keep', 'no_copy', 'trusted_person', 'collect_later')),
            style TEXT CHECK (style IN ('plain', 'large-print', 'easy-read')),
            lang TEXT NOT NULL CHECK (lang IN ('en', 'cy')),
            neutral_title INTEGER NOT NULL CHECK (neutral_title IN (0, 1)),
            given_at TEXT NOT NULL,
            given_by TEXT NOT NULL,
            document_sha256 TEXT,
            CHECK ((choice = 'no_copy') = (style IS NULL)),
            CHECK (choice != 'no_copy' OR document_sha256 IS NULL),
            FOREIGN KEY (visit_id, revision) REFERENCES visit_revisions(visit_id, revision)
        )""",
        "CREATE INDEX copies_by_visit ON copies_given(visit_id, given_at)",
        """CREATE TRIGGER copies_given_are_kept_update BEFORE UPDATE ON copies_given
           BEGIN SELECT RAISE(ABORT, 'copy decisions are kept as recorded'); END""",
        """CREATE TRIGGER copies_given_are_kept_delete BEFORE DELETE ON copies_given
           BEGIN SELECT RAISE(ABORT, 'copy decisions are kept as recorded'); END""",
    ]
    for sql in statements:
        db.execute(sql)


def _to_v4(db: Database) -> None:
    """Bundles sent to the office and what each carried; purging acknowledged records.

    ``bundles_sent`` keeps each sealed bundle's bytes (already encrypted to the office)
    until its receipt arrives, so a lost USB stick or a full disk costs nothing: the
    bundle is written again. ``records_sent`` names every record revision a bundle
    carried; for people and concerns, which are kept as current state, it also numbers
    the snapshots sent (the next is sent only when the content differs).

    Finalised revisions and copy decisions stay undeletable, except for the records
    the purge (S25) lists in ``purge_permits`` inside its own transaction.
    """
    statements = [
        """CREATE TABLE bundles_sent (
            sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
            bundle_id TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            records INTEGER NOT NULL,
            audit_from INTEGER,
            audit_to INTEGER,
            data BLOB,
            written_to TEXT,
            written_at TEXT,
            acknowledged_at TEXT,
            receipt TEXT,
            CHECK ((acknowledged_at IS NULL) = (receipt IS NULL))
        )""",
        """CREATE TABLE records_sent (
            kind TEXT NOT NULL CHECK (kind IN ('person', 'concern', 'visit')),
            record_id TEXT NOT NULL,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            record_sha256 TEXT NOT NULL,
            bundle_sequence INTEGER NOT NULL REFERENCES bundles_sent(sequence),
            PRIMARY KEY (kind, record_id, revision)
        )""",
        "CREATE INDEX records_sent_by_bundle ON records_sent(bundle_sequence)",
        "CREATE TABLE purge_permits (visit_id TEXT PRIMARY KEY)",
        "DROP TRIGGER finalised_revisions_are_kept",
        """CREATE TRIGGER finalised_revisions_are_kept
           BEFORE DELETE ON visit_revisions WHEN OLD.status = 'finalised'
             AND NOT EXISTS (SELECT 1 FROM purge_permits WHERE visit_id = OLD.visit_id)
           BEGIN SELECT RAISE(ABORT, 'finalised revisions are read-only'); END""",
        "DROP TRIGGER copies_given_are_kept_delete",
        """CREATE TRIGGER copies_given_are_kept_delete BEFORE DELETE ON copies_given
           WHEN NOT EXISTS (SELECT 1 FROM purge_permits WHERE visit_id = OLD.visit_id)
           BEGIN SELECT RAISE(ABORT, 'copy decisions are kept as recorded'); END""",
    ]
    for sql in statements:
        db.execute(sql)


def _to_v5(db: Database) -> None:
    """The journey: agreed actions and contacts as records of their own, closing dates.

    ``actions`` keeps each agreed action from the visit that agreed it until it is done;
    the actions of visits already finalised are copied in, from each visit's newest
    finalised revision (a draft's actions arrive when it is finalised). ``contacts``
    holds calls, letters, emails and meetings between visits. Concerns gain the day they
    closed (the national figures count by it). ``records_sent`` may name the new kinds.
    """
    statements = [
        """CREATE TABLE actions (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id),
            concern_id TEXT NOT NULL REFERENCES concerns(id),
            status TEXT NOT NULL,
            by_when TEXT,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX actions_by_person ON actions(person_id, status)",
        "CREATE INDEX actions_by_concern ON actions(concern_id)",
        """CREATE TABLE contacts (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id),
            concern_id TEXT REFERENCES concerns(id),
            on_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX contacts_by_person ON contacts(person_id, on_date)",
        "ALTER TABLE concerns ADD COLUMN closed_on TEXT",
        # The next visit agreed (or the rearranged date of one that did not happen), and
        # whether the visit was held: "visit due" is worked out from them in one query.
        "ALTER TABLE visits ADD COLUMN next_visit_on TEXT",
        "ALTER TABLE visits ADD COLUMN held INTEGER NOT NULL DEFAULT 1",
        """CREATE TABLE records_sent_v5 (
            kind TEXT NOT NULL CHECK (kind IN ('person', 'concern', 'visit', 'action', 'contact')),
            record_id TEXT NOT NULL,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            record_sha256 TEXT NOT NULL,
            bundle_sequence INTEGER NOT NULL REFERENCES bundles_sent(sequence),
            PRIMARY KEY (kind, record_id, revision)
        )""",
        "INSERT INTO records_sent_v5 SELECT * FROM records_sent",
        "DROP TABLE records_sent",
        "ALTER TABLE records_sent_v5 RENAME TO records_sent",
        "CREATE INDEX records_sent_by_bundle ON records_sent(bundle_sequence)",
    ]
    for sql in statements:
        db.execute(sql)
    _copy_finalised_actions(db)


def _copy_finalised_actions(db: Database) -> None:
    # Imported here: the schema steps above stay readable as plain SQL, and only this
    # one-off copy needs the records.
    from msp_desktop.model.actions import AgreedAction
    from msp_desktop.model.visit import Visit
    from msp_desktop.store.clock import utc_now

    now = utc_now()
    rows = db.all(
        "SELECT r.data FROM visit_revisions r WHERE r.status = 'finalised' AND r.revision = ("
        "  SELECT max(f.revision) FROM visit_revisions f"
        "  WHERE f.visit_id = r.visit_id AND f.status = 'finalised')"
        " ORDER BY r.finalised_at"
    )
    for (data,) in rows:
        visit = Visit.model_validate_json(data)
        for action in visit.actions:
            if action.what is None:
                continue
            record = AgreedAction(
                id=action.id,
                person_id=visit.person_id,
                concern_id=visit.concern_id,
                what=action.what,
                owner=action.owner,
                who=action.who,
                by_when=action.by_when,
                outcome_ids=list(action.outcome_ids),
                status=action.status or "open",
                status_note=action.status_note,
                agreed_on=visit.visit_date,
                agreed_in_visit=visit.id,
            )
            db.execute(
                "INSERT OR REPLACE INTO actions (id, person_id, concern_id, status, by_when,"
                " data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.person_id,
                    record.concern_id,
                    str(record.status),
                    record.by_when.isoformat() if record.by_when else None,
                    record.model_dump_json(),
                    now,
                    now,
                ),
            )


def _to_v6(db: Database) -> None:
    """Office packs: what the office sent this device (docs/bundle-format.md §9).

    ``packs_received`` keeps each pack applied (its number and hash: the next must
    follow it) and the device's signed receipt for it, written out for the office with
    the next export; ``records_received`` each record revision a pack brought, so the
    next change the worker makes goes to the office as the revision after it;
    ``pack_conflicts`` what a pack would have changed in a record the worker had
    changed since (kept, never written over the worker's words); ``people_leaving``
    the people the office gave to another device.
    """
    statements = [
        """CREATE TABLE packs_received (
            sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
            pack_id TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL UNIQUE,
            received_at TEXT NOT NULL,
            changes INTEGER NOT NULL,
            receipt TEXT,
            receipt_written_at TEXT
        )""",
        """CREATE TABLE records_received (
            kind TEXT NOT NULL CHECK (kind IN ('person', 'concern', 'visit', 'action', 'contact')),
            record_id TEXT NOT NULL,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            record_sha256 TEXT NOT NULL,
            pack_sequence INTEGER NOT NULL REFERENCES packs_received(sequence),
            change TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (kind, record_id, revision)
        )""",
        """CREATE TABLE pack_conflicts (
            id INTEGER PRIMARY KEY,
            pack_sequence INTEGER NOT NULL REFERENCES packs_received(sequence),
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            person_id TEXT,
            revision INTEGER NOT NULL,
            envelope TEXT NOT NULL,
            reason TEXT NOT NULL,
            found_at TEXT NOT NULL,
            settled_at TEXT
        )""",
        "CREATE INDEX pack_conflicts_by_person ON pack_conflicts(person_id)",
        """CREATE TABLE people_leaving (
            person_id TEXT PRIMARY KEY,
            pack_sequence INTEGER NOT NULL REFERENCES packs_received(sequence),
            reason TEXT,
            noted_at TEXT NOT NULL
        )""",
    ]
    for sql in statements:
        db.execute(sql)


_GUARDED = (
    # (table, events, the person the row is about)
    ("people", ("UPDATE",), "OLD.id"),
    ("concerns", ("INSERT", "UPDATE"), "NEW.person_id"),
    ("visits", ("INSERT", "UPDATE"), "NEW.person_id"),
    ("visit_revisions", ("INSERT", "UPDATE"),
     "(SELECT person_id FROM visits WHERE id = NEW.visit_id)"),
    ("actions", ("INSERT", "UPDATE"), "NEW.person_id"),
    ("contacts", ("INSERT", "UPDATE"), "NEW.person_id"),
)  # fmt: skip


_NO_PACK = "NOT EXISTS (SELECT 1 FROM pack_applying)"


def _to_v7(db: Database) -> None:
    """Shared cases: a colleague's case the office lets this device read.

    ``shared_people`` names each person the office shared with this device (their
    records came in a pack as ``shared`` changes, docs/bundle-format.md §9). The
    triggers refuse every change to such a person's records, in one place whatever
    the caller: only a pack may write them, and it marks itself in ``pack_applying``
    for the length of its transaction.
    """
    db.execute(
        """CREATE TABLE shared_people (
            person_id TEXT PRIMARY KEY,
            pack_sequence INTEGER NOT NULL REFERENCES packs_received(sequence),
            reason TEXT,
            shared_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE pack_applying (pack_sequence INTEGER NOT NULL)")
    for table, events, person in _GUARDED:
        for event in events:
            name = f"{table}_{event.lower()}_shared"
            when = f"EXISTS (SELECT 1 FROM shared_people WHERE person_id = {person})"  # noqa: S608 - fixed names
            body = f"SELECT RAISE(ABORT, '{SHARED_READ_ONLY}')"
            head = f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} AND {_NO_PACK}"
            db.execute(f"{head} BEGIN {body}; END")


STEPS: dict[int, Callable[[Database], None]] = {
    1: _to_v1,
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
    7: _to_v7,
}
LATEST_VERSION = max(STEPS)


def schema_version(db: Database) -> int:
    """The workspace's ``user_version``."""
    return int(db.scalar("PRAGMA user_version"))


def migrate(db: Database, target: int = LATEST_VERSION) -> list[int]:
    """Upgrade the schema step by step to ``target``; returns the steps applied.

    Each step and its new ``user_version`` commit together, so a crash mid-upgrade
    leaves the workspace at the last completed step, ready to continue.
    """
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise WorkspaceDamaged(
            f"This workspace was written by a newer version of MSP Desktop "
            f"(schema {current}; this app knows up to {LATEST_VERSION}). "
            "Update the app to open it; nothing was changed."
        )
    applied: list[int] = []
    for version in range(current + 1, target + 1):
        with db.transaction():
            STEPS[version](db)
            db.execute(f"PRAGMA user_version = {version}")
        applied.append(version)
    return applied
