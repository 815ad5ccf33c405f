-- An archived document back in its partition with its id.
INSERT INTO imports (id, received_at, document, media_type, outcome, reason, result_count, client, recorded_at)
VALUES (@id, CAST(@received_at AS timestamptz), @document, @media_type, @outcome, @reason, @result_count, @client, CAST(@recorded_at AS timestamptz))
ON CONFLICT DO NOTHING;
