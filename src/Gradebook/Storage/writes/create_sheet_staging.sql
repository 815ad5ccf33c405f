-- Per-connection scratch tables a document's answered sheets are staged in, emptied of any earlier document's.
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

DELETE FROM incoming_sheets;
DELETE FROM incoming_answers;
