namespace Gradebook.Feed;

/// <summary>
/// Wraps a feed's response body with the two guards the SSE parser lacks:
/// a read watchdog (no bytes for <c>readTimeout</c> means a stalled connection: <see cref="TimeoutException"/>), and a
/// bound on the bytes of one event. An event that outgrows the bound is cut off and closed, so the parser dispatches
/// what was read of it as one event, while <see cref="ClosingOversizedEvent"/> says so (the reader records it as
/// rejected); the rest of it is skipped up to the blank line that ends it. Memory stays bounded whatever the feed sends.
/// </summary>
internal sealed class FeedBodyStream(Stream inner, int maxEventBytes, TimeSpan readTimeout, TimeProvider time) : Stream
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    // What closes a cut event: the line it was cut in (if any), an empty data line so the event has data and is
    // dispatched, and the blank line that dispatches it.
    private static readonly byte[] CloseMidLine = "\ndata\n\n"u8.ToArray();
    private static readonly byte[] CloseAtLineStart = "data\n\n"u8.ToArray();
    private byte[] _close = [];
    private int _position;
    private int _length;
    private int _injected = int.MaxValue;
    private bool _skipping;
    private int _eventBytes;
    private int _lineBytes;
    private bool _afterCarriageReturn;

    /// <summary>
    /// True from the read that hands out a cut event's closing bytes until this stream returns the feed's bytes again:
    /// while the parser dispatches the cut event. The parser dispatches an event when it processes the blank line that
    /// ends it, and it processes every whole line it has before it reads on; so the events that ended in the read that
    /// held the cut are dispatched before the flag is raised, and the cut event (whose blank line is in the closing
    /// bytes, a read of their own) after it.
    /// </summary>
    public bool ClosingOversizedEvent { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_injected < _close.Length)
            {
                var n = Math.Min(destination.Length, _close.Length - _injected);
                _close.AsSpan(_injected, n).CopyTo(destination.Span);
                _injected += n;
                ClosingOversizedEvent = true;
                return n;
            }

            ClosingOversizedEvent = false;

            if (_position == _length)
            {
                _length = await ReadWithWatchdogAsync(cancellationToken);
                _position = 0;
                if (_length == 0)
                {
                    return 0;
                }
            }

            var written = Filter(destination.Span);
            if (written > 0)
            {
                return written;
            }
        }
    }

    private int Filter(Span<byte> destination)
    {
        var written = 0;
        while (_position < _length && written < destination.Length)
        {
            var b = _buffer[_position++];
            var endsEvent = EndsEvent(b);
            if (_skipping)
            {
                if (endsEvent)
                {
                    _skipping = false;
                    _eventBytes = 0;
                }

                continue;
            }

            destination[written++] = b;
            _eventBytes = endsEvent ? 0 : _eventBytes + 1;
            if (_eventBytes > maxEventBytes)
            {
                _skipping = true;
                _close = _lineBytes > 0 ? CloseMidLine : CloseAtLineStart;
                _injected = 0;
                break;
            }
        }

        return written;
    }

    /// <summary>Follows line endings (LF, CR, CRLF) and says whether this byte ends an empty line, which ends an event.</summary>
    private bool EndsEvent(byte b)
    {
        if (b == '\n' && _afterCarriageReturn)
        {
            _afterCarriageReturn = false;
            return false;
        }

        if (b is (byte)'\n' or (byte)'\r')
        {
            _afterCarriageReturn = b == '\r';
            var emptyLine = _lineBytes == 0;
            _lineBytes = 0;
            return emptyLine;
        }

        _afterCarriageReturn = false;
        _lineBytes++;
        return false;
    }

    private async ValueTask<int> ReadWithWatchdogAsync(CancellationToken cancellationToken)
    {
        using var watchdog = new CancellationTokenSource(readTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        try
        {
            return await inner.ReadAsync(_buffer, linked.Token);
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the feed sent nothing for {readTimeout.TotalSeconds:F0} s");
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
