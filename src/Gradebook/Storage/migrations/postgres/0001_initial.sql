-- Gradebook schema, PostgreSQL dialect: the same tables, keys and rules as migrations/sqlite/0001_initial.sql.
-- Where the dialects differ, and why:
--   * student_id is COLLATE "C": ids sort and compare by code point, as on SQLite, whatever the server's locale
--     (under an English collation "amy" would sort before "Amy", and keyset paging would follow that order);
--   * raw_events.id is an identity column where SQLite uses its rowid;
--   * received_at is timestamptz (an instant, microsecond precision) where SQLite stores ISO 8601 text;
--   * results_by_student INCLUDEs score rather than keying on it, which covers the same reads.

-- Every live feed Gradebook has read: where it resumes and how many events ended in each outcome.
CREATE TABLE feeds (
    source        text PRIMARY KEY,
    last_event_id text,
    accepted      bigint NOT NULL DEFAULT 0,
    rejected      bigint NOT NULL DEFAULT 0,
    ignored       bigint NOT NULL DEFAULT 0
);

-- The raw record: every event received, as it arrived, with what became of it (bulk-loaded with binary COPY).
CREATE TABLE raw_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL,
    event_id    text,
    event_type  text NOT NULL,
    data        text NOT NULL,
    received_at timestamptz NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'ignored')),
    reason      text
);

CREATE INDEX raw_events_rejected ON raw_events (id) WHERE outcome = 'rejected';

-- One result per (exam, student): the highest obtained and the highest available marks seen.
-- A feed score is obtained = score, available = 1.
CREATE TABLE results (
    exam       bigint NOT NULL,
    student_id text COLLATE "C" NOT NULL,
    obtained   double precision NOT NULL CHECK (obtained >= 0),
    available  double precision NOT NULL CHECK (available > 0),
    score      double precision NOT NULL GENERATED ALWAYS AS (obtained / available) STORED,
    PRIMARY KEY (exam, student_id)
);

CREATE INDEX results_by_student ON results (student_id, exam) INCLUDE (score);

-- Running aggregates, kept in step with results by every write, so averages cost one row read.
-- A student's row is also the lock that concurrent writers of that student's results take first
-- (writes/lock_students.postgres.sql).
CREATE TABLE students (
    student_id text COLLATE "C" PRIMARY KEY,
    exam_count bigint NOT NULL,
    score_sum  double precision NOT NULL
);

CREATE TABLE exams (
    exam          bigint PRIMARY KEY,
    student_count bigint NOT NULL,
    score_sum     double precision NOT NULL
);
