-- The trail of erasures: the same tables as migrations/sqlite/0014_student_erasures.sql, which says why the key that
-- hashes a student's id is kept in the database. gen_random_uuid() is built in; two of them give 244 random bits.
CREATE TABLE student_erasures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    erased_at    timestamptz NOT NULL,
    actor        text NOT NULL,
    student_hash text NOT NULL,
    counts       text NOT NULL
);

CREATE TABLE erasure_key (
    id     integer PRIMARY KEY CHECK (id = 1),
    secret bytea NOT NULL
);

INSERT INTO erasure_key (id, secret)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
