-- The version of one exam's results (migrations/*/0011_entity_versions.sql): the tag of the exam's reads, read before
-- the data they answer with, never after. No row for an exam without results.
SELECT version FROM exams WHERE exam = @exam;
