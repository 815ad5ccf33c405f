-- The raw record of one received document; its id ties the names it brought to it.
-- @received_at is ISO 8601 text, as SQLite stores it.
INSERT INTO imports (received_at, document, outcome, reason, result_count, client)
VALUES (CAST(@received_at AS timestamptz), @document, @outcome, @reason, @result_count, @client)
RETURNING id;
