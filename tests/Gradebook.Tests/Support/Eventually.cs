namespace Gradebook.Tests.Support;

/// <summary>Waits for a condition that asynchronous work makes true; the timeout only bounds a failing test.</summary>
internal static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition was not met in time; last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}
