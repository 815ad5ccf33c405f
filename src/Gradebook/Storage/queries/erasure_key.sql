-- The key a student's id is hashed with in the trail of erasures (migrations/*/0014_student_erasures.sql).
SELECT secret FROM erasure_key WHERE id = 1;
