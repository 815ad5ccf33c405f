-- Gradebook schema, SQLite dialect. See migrations/postgres/0001_initial.sql for the same tables on PostgreSQL.

-- Every live feed Gradebook has read: where it resumes and how many events ended in each outcome.
CREATE TABLE feeds (
    source        TEXT PRIMARY KEY,
    last_event_id TEXT,
    accepted      INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    ignored       INTEGER NOT NULL DEFAULT 0
);

-- The raw record: every event received, exactly as it arrived, with what became of it.
CREATE TABLE raw_events (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    event_id    TEXT,
    event_type  TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'ignored')),
    reason      TEXT
);

CREATE INDEX raw_events_rejected ON raw_events (id) WHERE outcome = 'rejected';

-- One result per (exam, student): the highest obtained and the highest available marks seen.
-- A feed score is obtained = score, available = 1.
CREATE TABLE results (
    exam       INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    obtained   REAL NOT NULL CHECK (obtained >= 0),
    available  REAL NOT NULL CHECK (available > 0),
    score      REAL NOT NULL GENERATED ALWAYS AS (obtained / available) STORED,
    PRIMARY KEY (exam, student_id)
) WITHOUT ROWID;

CREATE INDEX results_by_student ON results (student_id, exam, score);

-- Running aggregates, kept in step with results by every write, so averages cost one row read.
CREATE TABLE students (
    student_id TEXT PRIMARY KEY,
    exam_count INTEGER NOT NULL,
    score_sum  REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE exams (
    exam          INTEGER PRIMARY KEY,
    student_count INTEGER NOT NULL,
    score_sum     REAL NOT NULL
);
