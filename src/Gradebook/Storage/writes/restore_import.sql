-- An archived document back in the raw record with its id.
INSERT INTO imports (id, received_at, document, media_type, outcome, reason, result_count, client)
VALUES (@id, @received_at, @document, @media_type, @outcome, @reason, @result_count, @client)
ON CONFLICT DO NOTHING;
