-- Results keyed by a student number rather than the student's name: the same change as
-- migrations/sqlite/0009_student_numbers.sql, which says why. A student's row keeps its name as its key (the lock that
-- concurrent writers take, writes/lock_students.postgres.sql), and gains its number.

ALTER TABLE students ADD COLUMN student_no bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE students ADD CONSTRAINT students_student_no_key UNIQUE (student_no);

CREATE TABLE results_numbered (
    exam       bigint NOT NULL,
    student_no bigint NOT NULL,
    obtained   double precision NOT NULL CHECK (obtained >= 0),
    available  double precision NOT NULL CHECK (available > 0),
    score      double precision NOT NULL GENERATED ALWAYS AS (obtained / available) STORED,
    PRIMARY KEY (exam, student_no)
);

INSERT INTO results_numbered (exam, student_no, obtained, available)
SELECT r.exam, s.student_no, r.obtained, r.available
FROM results AS r
JOIN students AS s ON s.student_id = r.student_id
ORDER BY r.exam, s.student_no;

DROP TABLE results;
ALTER TABLE results_numbered RENAME TO results;
ALTER TABLE results RENAME CONSTRAINT results_numbered_pkey TO results_pkey;

CREATE INDEX results_by_student ON results (student_no, exam) INCLUDE (score);
