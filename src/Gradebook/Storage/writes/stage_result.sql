INSERT INTO incoming_results (student_id, exam, obtained, available)
VALUES (@student_id, @exam, @obtained, @available);
