-- The answers behind the exam analytics: of every answered sheet a student has for an exam, the kept one
-- (writes/merge_sheets.sql says which) with its total, and its answers, one row per question; and beside them the
-- running sums GET /exams/{exam}/questions is computed from, moved by each change of a kept sheet as the students'
-- and exams' aggregates are by each change of a result (old contributions out, new ones in), so a read costs a few
-- rows per question, not a pass over every answer. All of it is derived from the imported documents: a rebuild
-- derives it again, and documents imported before this version get theirs at the next rebuild.
CREATE TABLE answer_sheets (
    exam       bigint NOT NULL,
    student_no bigint NOT NULL,
    obtained   double precision NOT NULL,
    total      double precision NOT NULL,
    scanned_on text,
    import_id  bigint NOT NULL,
    position   integer NOT NULL,
    PRIMARY KEY (exam, student_no)
);

CREATE TABLE answers (
    exam       bigint NOT NULL,
    student_no bigint NOT NULL,
    question   text COLLATE "C" NOT NULL,
    choice     text NOT NULL,
    awarded    double precision NOT NULL,
    available  double precision NOT NULL,
    PRIMARY KEY (exam, student_no, question)
);

-- Per exam, over its kept sheets: how many, Σ total, Σ total².
CREATE TABLE exam_sheet_sums (
    exam              bigint PRIMARY KEY,
    n                 bigint NOT NULL,
    sum_total         double precision NOT NULL,
    sum_total_squared double precision NOT NULL
);

-- Per question: how many answered it, Σ awarded, Σ awarded², Σ awarded × the sheet's total, Σ awarded / available.
CREATE TABLE exam_question_sums (
    exam                 bigint NOT NULL,
    question             text COLLATE "C" NOT NULL,
    n                    bigint NOT NULL,
    sum_awarded          double precision NOT NULL,
    sum_awarded_squared  double precision NOT NULL,
    sum_awarded_by_total double precision NOT NULL,
    sum_share            double precision NOT NULL,
    PRIMARY KEY (exam, question)
);

-- Per question and marks available: how many answers have it (the largest with any is the question's marks).
CREATE TABLE exam_question_marks (
    exam      bigint NOT NULL,
    question  text COLLATE "C" NOT NULL,
    available double precision NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (exam, question, available)
);

-- Per question and choice: how many gave it, Σ their totals, and how many of those answers earned marks (keyed when any).
CREATE TABLE exam_choice_sums (
    exam      bigint NOT NULL,
    question  text COLLATE "C" NOT NULL,
    choice    text COLLATE "C" NOT NULL,
    n         bigint NOT NULL,
    sum_total double precision NOT NULL,
    earning   bigint NOT NULL,
    PRIMARY KEY (exam, question, choice)
);
