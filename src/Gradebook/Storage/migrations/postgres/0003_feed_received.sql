-- Each feed counts the events it received apart from their outcomes, so the two can be checked against each other.
ALTER TABLE feeds ADD COLUMN received bigint NOT NULL DEFAULT 0;
UPDATE feeds SET received = accepted + rejected + ignored;
