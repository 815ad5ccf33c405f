-- Retention of the raw record (Retention/). SQLite keeps the raw record in the tables it has: retention deletes a day's
-- rows in bounded chunks, oldest first (Storage/RawRecordStore.cs), where PostgreSQL drops a day's partitions
-- (migrations/postgres/0016_raw_record_partitions.sql). Both log every period they dropped here: rebuild refuses to run
-- while one has not been restored, since it would derive results without it.
CREATE TABLE raw_record_drops (
    id         INTEGER PRIMARY KEY,
    from_at    TEXT,
    to_at      TEXT NOT NULL,
    dropped_at TEXT NOT NULL,
    counts     TEXT NOT NULL,
    archive    TEXT,
    UNIQUE (from_at, to_at)
);

-- A name outlives the document it first came in, once retention drops that document: the names table is made again
-- without its foreign key to imports (SQLite cannot drop a constraint in place), the same rows in the same order.
CREATE TABLE student_names_kept (
    student_id   TEXT NOT NULL,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    first_import INTEGER NOT NULL,
    PRIMARY KEY (student_id, first_name, last_name)
) WITHOUT ROWID;

INSERT INTO student_names_kept (student_id, first_name, last_name, first_import)
SELECT student_id, first_name, last_name, first_import FROM student_names;

DROP TABLE student_names;
ALTER TABLE student_names_kept RENAME TO student_names;
