-- SQLite's scratch tables for a batch, as writes/create_staging.sql has them on PostgreSQL, but with result_changes
-- keyed by (exam, student_no): the steps of merge_results.sql that read it in that order (the results, the per-exam
-- aggregates, the change log) then scan it rather than sort it. Sorting a batch's 32,768 rows cost SQLite about three
-- times the scan that fed it; keyed, the merge of a batch took 15 % less (docs/benchmarks.md). On PostgreSQL the same
-- key measured no gain, so writes/create_staging.sql has none.
CREATE TEMP TABLE IF NOT EXISTS incoming_results (
    student_id TEXT NOT NULL,
    exam       INTEGER NOT NULL,
    obtained   REAL NOT NULL,
    available  REAL NOT NULL
);

CREATE TEMP TABLE IF NOT EXISTS result_changes (
    student_no INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    exam       INTEGER NOT NULL,
    obtained   REAL NOT NULL,
    available  REAL NOT NULL,
    old_score  REAL,
    PRIMARY KEY (exam, student_no)
) WITHOUT ROWID;
