namespace Gradebook.Storage;

// The rows the queries return, named after their columns (student_id is StudentId) and mapped by name through
// settable properties rather than constructors, because SQLite reports the type of a NULL or computed column
// loosely and Dapper matches constructors by exact type. They are the store's; each endpoint maps them to the
// response it declares beside its route.

/// <summary>A row of <c>list_students.sql</c>.</summary>
internal sealed record StudentRow
{
    public required string StudentId { get; init; }

    public required long ExamCount { get; init; }

    public required double Average { get; init; }
}

/// <summary>A row of <c>get_student.sql</c>: the student's aggregate beside one of its results.</summary>
internal sealed record StudentResultRow
{
    public required long ExamCount { get; init; }

    public required double Average { get; init; }

    public required long Exam { get; init; }

    public required double Score { get; init; }
}

/// <summary>A row of <c>student_against_exams.sql</c>: one of the student's results beside its exam's average.</summary>
internal sealed record StudentExamRow
{
    public required long ExamCount { get; init; }

    public required double Average { get; init; }

    public required long Exam { get; init; }

    public required double Score { get; init; }

    public required double ExamAverage { get; init; }
}

/// <summary>The row of <c>totals.sql</c>.</summary>
internal sealed record TotalsRow
{
    public required long Students { get; init; }

    public required long Exams { get; init; }

    public required long Results { get; init; }
}

/// <summary>A row of <c>list_exams.sql</c>.</summary>
internal sealed record ExamRow
{
    public required long Exam { get; init; }

    public required long StudentCount { get; init; }

    public required double Average { get; init; }
}

/// <summary>A row of <c>get_exam.sql</c>: the exam's aggregate beside one of its results.</summary>
internal sealed record ExamResultRow
{
    public required long StudentCount { get; init; }

    public required double Average { get; init; }

    public required string StudentId { get; init; }

    public required double Score { get; init; }
}

/// <summary>A row of <c>get_feed.sql</c>: where a feed resumes, how many events it received, and how many ended in each outcome.</summary>
internal sealed record FeedCursor
{
    public string? LastEventId { get; init; }

    public required long Received { get; init; }

    public required long Accepted { get; init; }

    public required long Rejected { get; init; }

    public required long Ignored { get; init; }
}

/// <summary>A row of <c>list_rejections.sql</c>: a rejected feed event as it was received, with why it was rejected.</summary>
internal sealed record RejectionRow
{
    public required long Id { get; init; }

    public required string Source { get; init; }

    public string? EventId { get; init; }

    public required string EventType { get; init; }

    public required string Data { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>A row of <c>raw_batch_sizes.sql</c>: a batch of the raw record and how many events it holds.</summary>
internal sealed record RawBatchSizeRow
{
    public required long Id { get; init; }

    public required long EventCount { get; init; }
}

/// <summary>A row of <c>raw_batches_page.sql</c>: one batch of the raw record, with its events' recorded outcomes (<see cref="RawBatch"/>).</summary>
internal sealed record RawBatchRow
{
    public required long Id { get; init; }

    public required string Source { get; init; }

    public required string Events { get; init; }

    public required string Outcomes { get; init; }
}

/// <summary>A row of <c>batch_rejections.sql</c>: the recorded reason of one rejected event of a batch.</summary>
internal sealed record BatchRejectionRow
{
    public required long BatchId { get; init; }

    public required long Position { get; init; }

    public required string Reason { get; init; }
}

/// <summary>A row of <c>next_import.sql</c>: one import record with its document.</summary>
internal sealed record ImportRow
{
    public required long Id { get; init; }

    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    public int? ResultCount { get; init; }

    public required byte[] Document { get; init; }

    public required string MediaType { get; init; }
}

/// <summary>A row of <c>name_conflicts.sql</c>: one of the names of a student id that has several.</summary>
internal sealed record StudentNameRow
{
    public required string StudentId { get; init; }

    public required string FirstName { get; init; }

    public required string LastName { get; init; }
}

/// <summary>A row of <c>changes_after.sql</c>: one changed result of the change log, with the aggregates after the change.</summary>
internal sealed record ChangeRow
{
    public required long Id { get; init; }

    public required string StudentId { get; init; }

    public required long Exam { get; init; }

    public required double Score { get; init; }

    public required long ExamCount { get; init; }

    public required double ExamAverage { get; init; }

    public required long StudentCount { get; init; }

    public required double StudentAverage { get; init; }
}

/// <summary>A row of <c>live_instances.sql</c>: an instance, when it started and when it last said it was alive (the database's clock).</summary>
internal sealed record InstanceRow
{
    public required string Id { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset HeartbeatAt { get; init; }
}

/// <summary>
/// A row of <c>end_hung_lease.sql</c>: the session that held a feed's lease and was ended, the instance that last named it
/// (null when none did), and for how long the session had been quiet.
/// </summary>
internal sealed record EndedLease
{
    public required int Pid { get; init; }

    public string? Owner { get; init; }

    public required double QuietSeconds { get; init; }

    public required bool Ended { get; init; }
}

/// <summary>A row of <c>feed_owners.sql</c>: a feed and the instance its record names as owner.</summary>
internal sealed record FeedOwnerRow
{
    public required string Source { get; init; }

    public string? Owner { get; init; }
}

/// <summary>A row of <c>exam_item_sums.sql</c>: which sums it holds depends on its kind (the file says).</summary>
internal sealed record ItemSumRow
{
    public required string Kind { get; init; }

    public string? Question { get; init; }

    public string? Choice { get; init; }

    public required long N { get; init; }

    public required double SumA { get; init; }

    public required double SumB { get; init; }

    public required double SumC { get; init; }

    public required double SumD { get; init; }

    public required double Most { get; init; }
}

/// <summary>A row of <c>student_sheet.sql</c>: what its numbers hold depends on its kind (the file says).</summary>
internal sealed record SheetRow
{
    public required string Kind { get; init; }

    public string? Question { get; init; }

    public string? Choice { get; init; }

    public required double A { get; init; }

    public required double B { get; init; }

    public required double C { get; init; }
}

/// <summary>A row of <c>student_data_results.sql</c>: one of a student's results beside the student's aggregate.</summary>
internal sealed record StudentDataResultRow
{
    public required long ExamCount { get; init; }

    public required double ScoreSum { get; init; }

    public required long Exam { get; init; }

    public required double Obtained { get; init; }

    public required double Available { get; init; }

    public required double Score { get; init; }
}

/// <summary>A row of <c>student_data_names.sql</c>: a name as received ('' for a part left out) and the document that first gave it.</summary>
internal sealed record StudentDataNameRow
{
    public required string FirstName { get; init; }

    public required string LastName { get; init; }

    public required long FirstImport { get; init; }
}

/// <summary>A row of <c>student_data_answers.sql</c>: one answer of a kept sheet, with the sheet's fields.</summary>
internal sealed record StudentDataAnswerRow
{
    public required long Exam { get; init; }

    public required double Obtained { get; init; }

    public required double Total { get; init; }

    public string? ScannedOn { get; init; }

    public required long ImportId { get; init; }

    public required long Position { get; init; }

    public required string Question { get; init; }

    public required string Choice { get; init; }

    public required double Awarded { get; init; }

    public required double Available { get; init; }
}

/// <summary>A row of <c>student_documents.sql</c>: an imported document with its record.</summary>
internal sealed record StudentDocumentRow
{
    public required long Id { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required string MediaType { get; init; }

    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    public int? ResultCount { get; init; }

    public string? Client { get; init; }

    public required byte[] Document { get; init; }
}

/// <summary>The row of <c>student_rows.sql</c>: how many rows of each derived table hold the student.</summary>
internal sealed record StudentRowCounts
{
    public required long Students { get; init; }

    public required long Results { get; init; }

    public required long StudentNames { get; init; }

    public required long AnswerSheets { get; init; }

    public required long Answers { get; init; }

    public required long ResultChangesLog { get; init; }
}

/// <summary>A row of <c>list_erasures.sql</c>: one audit entry of an erasure.</summary>
internal sealed record ErasureRow
{
    public required long Id { get; init; }

    public required DateTimeOffset ErasedAt { get; init; }

    public required string Actor { get; init; }

    public required string StudentHash { get; init; }

    public required string Counts { get; init; }
}

/// <summary>A row of <c>data_protection_keys.postgres.sql</c>: one key of the sign-in cookies' key ring, as XML.</summary>
internal sealed record DataProtectionKeyRow
{
    public required string Name { get; init; }

    public required string Xml { get; init; }
}
