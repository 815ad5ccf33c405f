-- The imported documents whose bytes hold @needle (a student's id in UTF-8), in id order, one at a time.
SELECT id, received_at, media_type, outcome, reason, result_count, client, document
FROM imports
WHERE instr(document, @needle) > 0 AND id > @after
ORDER BY id
LIMIT 1;
