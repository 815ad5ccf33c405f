-- The raw record of one received document; its id ties the names it brought to it.
-- @received_at is ISO 8601 text, as SQLite stores it.
INSERT INTO imports (received_at, document, media_type, outcome, reason, result_count, client)
VALUES (CAST(@received_at AS timestamptz), @document, @media_type, @outcome, @reason, @result_count, @client)
RETURNING id;
