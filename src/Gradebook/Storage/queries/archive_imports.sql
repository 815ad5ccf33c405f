-- A period's documents for its archive: on SQLite every document up to the period's last (@through_import).
SELECT id, received_at, document, media_type, outcome, reason, result_count, client, NULL AS recorded_at
FROM imports
WHERE id <= @through_import
ORDER BY id;
