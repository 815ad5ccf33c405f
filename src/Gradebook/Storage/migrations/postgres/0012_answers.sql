-- The answers behind the exam analytics: of every answered sheet a student has for an exam, the kept one
-- (writes/merge_sheets.sql says which) and its answers, one row per question. Derived from the imported documents, so
-- a rebuild derives them again; documents imported before this version get theirs at the next rebuild.
CREATE TABLE answer_sheets (
    exam       bigint NOT NULL,
    student_no bigint NOT NULL,
    obtained   double precision NOT NULL,
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
