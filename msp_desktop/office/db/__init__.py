"""The office database: the ``OfficeStore`` interface, on SQLite or PostgreSQL.

``store`` defines the interface and the rows it deals in; ``queries`` is the SQL
both backends share; ``sqlite`` is the SQLite backend (the default: one file in the
office folder) and ``postgres`` the PostgreSQL one (psycopg, from the ``office``
extra, imported only for a ``postgresql://`` URL); ``sqlite_schema`` and
``postgres_schema`` are the tables on each; ``backends`` turns ``--db URL`` into an
open store.
"""
