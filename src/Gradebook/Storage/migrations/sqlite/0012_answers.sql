-- The answers behind the exam analytics: of every answered sheet a student has for an exam, the kept one
-- (writes/merge_sheets.sql says which) with its total, and its answers, one row per question; and beside them the
-- running sums GET /exams/{exam}/questions is computed from, moved by each change of a kept sheet as the students'
-- and exams' aggregates are by each change of a result (old contributions out, new ones in), so a read costs a few
-- rows per question, not a pass over every answer. All of it is derived from the imported documents: a rebuild
-- derives it again, and documents imported before this version get theirs at the next rebuild.
CREATE TABLE answer_sheets (
    exam       INTEGER NOT NULL,
    student_no INTEGER NOT NULL,
    obtained   REAL NOT NULL,
    total      REAL NOT NULL,
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

-- Per exam, over its kept sheets: how many, Σ total, Σ total².
CREATE TABLE exam_sheet_sums (
    exam              INTEGER PRIMARY KEY,
    n                 INTEGER NOT NULL,
    sum_total         REAL NOT NULL,
    sum_total_squared REAL NOT NULL
);

-- Per question: how many answered it, Σ awarded, Σ awarded², Σ awarded × the sheet's total, Σ awarded / available.
CREATE TABLE exam_question_sums (
    exam                 INTEGER NOT NULL,
    question             TEXT NOT NULL,
    n                    INTEGER NOT NULL,
    sum_awarded          REAL NOT NULL,
    sum_awarded_squared  REAL NOT NULL,
    sum_awarded_by_total REAL NOT NULL,
    sum_share            REAL NOT NULL,
    PRIMARY KEY (exam, question)
) WITHOUT ROWID;

-- Per question and marks available: how many answers have it (the largest with any is the question's marks).
CREATE TABLE exam_question_marks (
    exam      INTEGER NOT NULL,
    question  TEXT NOT NULL,
    available REAL NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (exam, question, available)
) WITHOUT ROWID;

-- Per question and choice: how many gave it, Σ their totals, and how many of those answers earned marks (keyed when any).
CREATE TABLE exam_choice_sums (
    exam      INTEGER NOT NULL,
    question  TEXT NOT NULL,
    choice    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    sum_total REAL NOT NULL,
    earning   INTEGER NOT NULL,
    PRIMARY KEY (exam, question, choice)
) WITHOUT ROWID;
