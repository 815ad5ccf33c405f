-- Batch imports of Markr documents, SQLite dialect. See migrations/postgres/0002_imports.sql for PostgreSQL.

-- The raw record of imports: every document read in full, byte for byte, with what became of it.
-- An accepted document is committed with its results; a rejected one alone, with the reason.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    received_at  TEXT NOT NULL,
    document     BLOB NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason       TEXT,
    result_count INTEGER
);

CREATE INDEX imports_rejected ON imports (id) WHERE outcome = 'rejected';

-- Every distinct name a student id has been given, '' for a part the document left out.
-- More than one row for a student id is a name conflict: all of them are kept and reported.
CREATE TABLE student_names (
    student_id   TEXT NOT NULL,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    first_import INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (student_id, first_name, last_name)
) WITHOUT ROWID;
