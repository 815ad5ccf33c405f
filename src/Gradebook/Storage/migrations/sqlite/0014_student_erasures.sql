-- The trail of erasures (DELETE /students/{studentId}): who erased a student, when, and how many rows of each table
-- went, with the student named only by a one-way hash, HMAC-SHA256 under this database's own key, so the trail never
-- holds the id it was asked to forget yet a known id can be checked against it. The key lives here, made once by this
-- migration, rather than in configuration: every instance of the fleet and every restart hash alike, and a lost or
-- changed setting cannot make the trail unsearchable. See migrations/postgres/0014_student_erasures.sql for PostgreSQL.
CREATE TABLE student_erasures (
    id           INTEGER PRIMARY KEY,
    erased_at    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    student_hash TEXT NOT NULL,
    counts       TEXT NOT NULL
);

CREATE TABLE erasure_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL
);

INSERT INTO erasure_key (id, secret) VALUES (1, randomblob(32));
