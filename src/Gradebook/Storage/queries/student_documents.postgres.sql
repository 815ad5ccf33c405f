-- The imported documents whose bytes hold @needle: see student_documents.sqlite.sql.
SELECT id, received_at, media_type, outcome, reason, result_count, client, document
FROM imports
WHERE position(@needle IN document) > 0 AND id > @after
ORDER BY id
LIMIT 1;
