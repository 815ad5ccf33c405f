-- The answers behind the exam analytics: of every answered sheet a student has for an exam, the kept one
-- (writes/merge_sheets.sql says which) and its answers, one row per question. Derived from the imported documents, so
-- a rebuild derives them again; documents imported before this version get theirs at the next rebuild.
CREATE TABLE answer_sheets (
    exam       INTEGER NOT NULL,
    student_no INTEGER NOT NULL,
    obtained   REAL NOT NULL,
    scanned_on TEXT,
    import_id  INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (exam, student_no)
) WITHOUT ROWID;

CREATE TABLE answers (
    exam       INTEGER NOT NULL,
    student_no INTEGER NOT NULL,
    question   TEXT NOT NULL,
    choice     TEXT NOT NULL,
    awarded    REAL NOT NULL,
    available  REAL NOT NULL,
    PRIMARY KEY (exam, student_no, question)
) WITHOUT ROWID;
