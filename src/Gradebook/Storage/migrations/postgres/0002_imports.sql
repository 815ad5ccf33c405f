-- Batch imports of Markr documents, PostgreSQL dialect. Same tables as migrations/sqlite/0002_imports.sql.

CREATE TABLE imports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at  timestamptz NOT NULL,
    document     bytea NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason       text,
    result_count integer
);

CREATE INDEX imports_rejected ON imports (id) WHERE outcome = 'rejected';

CREATE TABLE student_names (
    student_id   text COLLATE "C" NOT NULL,
    first_name   text COLLATE "C" NOT NULL,
    last_name    text COLLATE "C" NOT NULL,
    first_import bigint NOT NULL REFERENCES imports (id),
    PRIMARY KEY (student_id, first_name, last_name)
);
