-- Gradebook schema, PostgreSQL dialect. Same tables as migrations/sqlite/0001_initial.sql.
-- Student ids use the "C" collation so they sort by code point, as on SQLite, whatever the server's locale.

CREATE TABLE feeds (
    source        text PRIMARY KEY,
    last_event_id text,
    accepted      bigint NOT NULL DEFAULT 0,
    rejected      bigint NOT NULL DEFAULT 0,
    ignored       bigint NOT NULL DEFAULT 0
);

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

CREATE TABLE results (
    exam       bigint NOT NULL,
    student_id text COLLATE "C" NOT NULL,
    obtained   double precision NOT NULL CHECK (obtained >= 0),
    available  double precision NOT NULL CHECK (available > 0),
    score      double precision NOT NULL GENERATED ALWAYS AS (obtained / available) STORED,
    PRIMARY KEY (exam, student_id)
);

CREATE INDEX results_by_student ON results (student_id, exam) INCLUDE (score);

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
