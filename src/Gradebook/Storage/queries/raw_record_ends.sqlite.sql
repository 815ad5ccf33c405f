-- The first and last ids of the raw record's batches and documents (NULL when there are none): where retention's
-- search for a day's last row begins.
SELECT (SELECT MIN(id) FROM raw_batches) AS first_batch,
       (SELECT MAX(id) FROM raw_batches) AS last_batch,
       (SELECT MIN(id) FROM imports) AS first_import,
       (SELECT MAX(id) FROM imports) AS last_import;
