-- The raw record of one received document; its id ties the names it brought to it.
INSERT INTO imports (received_at, document, media_type, outcome, reason, result_count, client)
VALUES (@received_at, @document, @media_type, @outcome, @reason, @result_count, @client)
RETURNING id;
