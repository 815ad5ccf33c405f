-- The change log GET /scores/live serves: one row per result a write changed, with the aggregates after the change,
-- appended by merge_results.sql in the write's transaction. The same table as migrations/sqlite/0004_result_changes_log.sql.
CREATE TABLE result_changes_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    student_id      text COLLATE "C" NOT NULL,
    exam            bigint NOT NULL,
    score           double precision NOT NULL,
    exam_count      bigint NOT NULL,
    exam_average    double precision NOT NULL,
    student_count   bigint NOT NULL,
    student_average double precision NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);

-- Why a reader paging the log by id never skips a row. Ids are drawn when a row is inserted, but concurrent writers
-- may commit in another order: a reader could see id 11 committed, move its cursor past it, and only then see id 10.
-- So every write that appends to the log first updates this one row, and holds its lock until it commits: ids are
-- drawn and committed one writer at a time, in id order, and once a reader sees an id, every smaller one is either
-- visible too or never will be. Only the tail of a write (the log rows and the feed's cursor) waits on it.
CREATE TABLE result_changes_log_lock (
    id     integer PRIMARY KEY CHECK (id = 1),
    writes bigint NOT NULL
);

INSERT INTO result_changes_log_lock (id, writes) VALUES (1, 0);
