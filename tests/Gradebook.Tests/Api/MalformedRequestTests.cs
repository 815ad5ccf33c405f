using System.Net.Sockets;
using System.Text;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Gradebook.Tests.Api;

/// <summary>Malformed HTTP written byte by byte to a real Kestrel: each is answered with problem details, not a crash.</summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private WebApplicationFactory<Program> _factory = null!;
    private Uri _address = null!;

    public Task InitializeAsync()
    {
        _factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString())
            .WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddFakeLogging()));
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();
        _address = client.BaseAddress!;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Sends <paramref name="head"/> (and then nothing more, or <paramref name="body"/>) and reads the response.</summary>
    private async Task<(int Status, string Headers, string Body)> SendAsync(string head, string body = "")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ReplaceLineEndings("\r\n") + body));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = new StringBuilder();
        var buffer = new char[4096];
        int read;
        try
        {
            while ((read = await reader.ReadAsync(buffer, timeout.Token)) > 0)
            {
                response.Append(buffer, 0, read);
                if (IsComplete(response.ToString()))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering: what was read is the answer.
        }

        var text = response.ToString();
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"No complete response: '{text}'");
        return (int.Parse(text[9..12], System.Globalization.CultureInfo.InvariantCulture), text[..split], text[(split + 4)..]);
    }

    private static bool IsComplete(string response)
    {
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var length = response[..split].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null
            ? Encoding.UTF8.GetByteCount(response[(split + 4)..]) >= int.Parse(length[15..], System.Globalization.CultureInfo.InvariantCulture)
            : response.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
    }

    private void AssertLoggedAsAWarningOnly(string reason)
    {
        var logs = _factory.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, e => e.Level == LogLevel.Warning && e.Category?.EndsWith(".BadRequestHandler", StringComparison.Ordinal) == true && e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_body_that_arrives_too_slowly_is_a_408_problem_logged_as_a_warning()
    {
        var (status, headers, body) = await SendAsync("""
            POST /import HTTP/1.1
            Host: localhost
            Content-Type: text/xml+markr
            Content-Length: 100000


            """, "<mcq-test-results>");

        Assert.Equal(408, status);
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.Ordinal);
        Assert.Contains("\"status\":408", body, StringComparison.Ordinal);
        AssertLoggedAsAWarningOnly("408");
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem_logged_as_a_warning()
    {
        var (status, headers, body) = await SendAsync("""
            POST /import HTTP/1.1
            Host: localhost
            Content-Type: text/xml+markr
            Transfer-Encoding: chunked

            zz
            <mcq-test-results>

            """);

        Assert.Equal(400, status);
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.Ordinal);
        Assert.Contains("\"status\":400", body, StringComparison.Ordinal);
        AssertLoggedAsAWarningOnly("400");
    }

    [Fact]
    public async Task A_request_target_of_20000_characters_is_a_414_problem()
    {
        var (status, headers, body) = await SendAsync($"""
            GET /students/{new string('a', 20_000)} HTTP/1.1
            Host: localhost


            """);

        Assert.Equal(414, status);
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.Ordinal);
        Assert.Contains("\"status\":414", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_method_the_route_does_not_answer_is_a_405_problem()
    {
        var (status, headers, body) = await SendAsync("""
            POST /healthz HTTP/1.1
            Host: localhost
            Content-Length: 0


            """);

        Assert.Equal(405, status);
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.Ordinal);
        Assert.Contains("\"status\":405", body, StringComparison.Ordinal);
    }
}
