-- The import record after @after in id order, with its document: a rebuild re-reads the documents one at a time,
-- since one may be megabytes.
SELECT id, outcome, reason, result_count, document, media_type
FROM imports
WHERE id > @after
ORDER BY id
LIMIT 1;
