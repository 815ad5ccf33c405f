-- Per-connection scratch tables a document's answered sheets are staged and merged in, emptied of any earlier
-- document's (writes/merge_sheets.sql).
CREATE TEMP TABLE IF NOT EXISTS incoming_sheets (
    position   INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    exam       BIGINT NOT NULL,
    obtained   DOUBLE PRECISION NOT NULL,
    scanned_on TEXT
);

CREATE TEMP TABLE IF NOT EXISTS incoming_answers (
    position  INTEGER NOT NULL,
    question  TEXT NOT NULL,
    choice    TEXT NOT NULL,
    awarded   DOUBLE PRECISION NOT NULL,
    available DOUBLE PRECISION NOT NULL
);

-- The document's sheets that become kept sheets, with their totals.
CREATE TEMP TABLE IF NOT EXISTS best_sheets (
    position   INTEGER NOT NULL,
    exam       BIGINT NOT NULL,
    student_no BIGINT NOT NULL,
    obtained   DOUBLE PRECISION NOT NULL,
    total      DOUBLE PRECISION NOT NULL,
    scanned_on TEXT
);

-- Their answers, each beside its sheet's total: joined once, then read by every step that needs them.
CREATE TEMP TABLE IF NOT EXISTS kept_answers (
    exam       BIGINT NOT NULL,
    student_no BIGINT NOT NULL,
    question   TEXT NOT NULL,
    choice     TEXT NOT NULL,
    awarded    DOUBLE PRECISION NOT NULL,
    available  DOUBLE PRECISION NOT NULL,
    total      DOUBLE PRECISION NOT NULL
);

-- The kept sheets they replace, with their totals.
CREATE TEMP TABLE IF NOT EXISTS replaced_sheets (
    exam       BIGINT NOT NULL,
    student_no BIGINT NOT NULL,
    total      DOUBLE PRECISION NOT NULL
);

DELETE FROM incoming_sheets;
DELETE FROM incoming_answers;
DELETE FROM best_sheets;
DELETE FROM kept_answers;
DELETE FROM replaced_sheets;
