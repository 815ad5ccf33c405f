-- The change log GET /scores/live serves: one row per result a write changed, with the aggregates after the change,
-- appended by merge_results.sql in the write's transaction. AUTOINCREMENT: an id is never reused, even after the
-- newest rows are removed (a rebuild removes the rows it added), so a client's Last-Event-ID never means two changes.
CREATE TABLE result_changes_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id      TEXT NOT NULL,
    exam            INTEGER NOT NULL,
    score           REAL NOT NULL,
    exam_count      INTEGER NOT NULL,
    exam_average    REAL NOT NULL,
    student_count   INTEGER NOT NULL,
    student_average REAL NOT NULL,
    changed_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The one row a write updates just before appending to the log (see migrations/postgres/0004_result_changes_log.sql).
CREATE TABLE result_changes_log_lock (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    writes INTEGER NOT NULL
);

INSERT INTO result_changes_log_lock (id, writes) VALUES (1, 0);
