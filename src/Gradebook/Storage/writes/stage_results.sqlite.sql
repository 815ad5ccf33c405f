-- SQLite's bulk path for staging, the same as the sqlite3 shell's .import: this one statement prepared once per batch
-- and run once per result, its parameters bound by position (SqliteEngine.StageResultsAsync).
INSERT INTO incoming_results (student_id, exam, obtained, available) VALUES (?1, ?2, ?3, ?4);
