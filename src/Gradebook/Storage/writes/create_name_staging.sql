-- Per-connection scratch table a document's names are staged in, emptied of any earlier document's.
CREATE TEMP TABLE IF NOT EXISTS incoming_names (
    student_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL
);

DELETE FROM incoming_names;
