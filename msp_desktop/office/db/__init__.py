"""The office database: the ``OfficeStore`` interface, on SQLite or PostgreSQL.

``store`` defines the interface and the rows it deals in, and holds the SQL both
backends share and the SQLite backend; ``postgres`` is the PostgreSQL backend
(psycopg, the ``office`` extra, imported only for a ``postgresql://`` URL);
``sqlite_schema`` and ``postgres_schema`` are the tables on each; ``backends`` turns
``--db URL`` into an open store.
"""
