-- Per-connection scratch tables a batch is staged in before it is merged set-wise. IF NOT EXISTS, because a pooled
-- connection may still have them (SQLite), or not (Npgsql resets a connection with DISCARD ALL, which drops them).
CREATE TEMP TABLE IF NOT EXISTS incoming_results (
    student_id TEXT NOT NULL,
    exam       BIGINT NOT NULL,
    obtained   DOUBLE PRECISION NOT NULL,
    available  DOUBLE PRECISION NOT NULL
);

CREATE TEMP TABLE IF NOT EXISTS result_changes (
    student_no BIGINT NOT NULL,
    student_id TEXT NOT NULL,
    exam       BIGINT NOT NULL,
    obtained   DOUBLE PRECISION NOT NULL,
    available  DOUBLE PRECISION NOT NULL,
    old_score  DOUBLE PRECISION
);
