INSERT INTO incoming_names (student_id, first_name, last_name)
VALUES (@student_id, @first_name, @last_name);
