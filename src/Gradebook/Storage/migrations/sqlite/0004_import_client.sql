-- Which client posted each document: an API key's name, a token's subject, or 'anonymous' while Gradebook runs open.
-- Null for documents received before clients were recorded.
ALTER TABLE imports ADD COLUMN client TEXT;
