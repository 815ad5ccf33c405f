using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gradebook.Auth;

/// <summary>
/// Per-client fixed-window limits, one for reads and one for imports. A client is its key name or token subject, else
/// its address; the anonymous client on loopback (the open, local set-up) is not limited.
/// </summary>
internal static partial class RateLimits
{
    public const string Reads = "reads";
    public const string Imports = "imports";

    public static IServiceCollection AddGradebookRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart()
            .Validate(o => Valid(o.Reads) && Valid(o.Imports), "RateLimits:Reads and RateLimits:Imports need a PermitLimit of at least 1 and a Window of at least 1 ms.");
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Reads, context => Partition(context, o => o.Reads));
            limiter.AddPolicy(Imports, context => Partition(context, o => o.Imports));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static bool Valid(WindowLimit limit) => limit.PermitLimit >= 1 && limit.Window >= TimeSpan.FromMilliseconds(1);

    private static RateLimitPartition<string> Partition(HttpContext context, Func<RateLimitOptions, WindowLimit> select)
    {
        var address = context.Connection.RemoteIpAddress;
        if (Clients.IsAnonymous(context.User) && (address is null || IPAddress.IsLoopback(address)))
        {
            return RateLimitPartition.GetNoLimiter("loopback");
        }

        var limit = select(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        var client = Clients.IsAnonymous(context.User) ? $"address {address}" : $"client {Clients.Name(context.User)}";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var client = Clients.IsAnonymous(context.User) ? $"address {context.Connection.RemoteIpAddress}" : $"client '{Clients.Name(context.User)}'";
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits));
        LogRejected(logger, client, context.Request.Path, seconds);
        // The framework has no default type for a 429, so it is given the status's definition as every other one has.
        await TypedResults.Problem(
                $"The {client} has sent more requests than its limit allows; try again in {seconds} s.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests.",
                type: "https://www.rfc-editor.org/rfc/rfc6585#section-4")
            .ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit reached by the {Client} on {Path}; it may retry in {Seconds} s")]
    private static partial void LogRejected(ILogger logger, string client, PathString path, int seconds);
}
