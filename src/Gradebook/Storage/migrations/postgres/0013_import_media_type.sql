-- Each imported document is recorded with the media type it was sent as, so that a rebuild reads it with the format
-- it was written in. Every document recorded before this version was Markr XML.
ALTER TABLE imports ADD COLUMN media_type TEXT NOT NULL DEFAULT 'text/xml+markr';
