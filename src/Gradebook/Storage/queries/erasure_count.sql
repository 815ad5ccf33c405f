-- How many erasures there have been: the live window (Live/ChangeFeed.cs) drops what it holds when this moves, so no
-- instance replays a change of a student erased on another.
SELECT COUNT(*) FROM student_erasures;
