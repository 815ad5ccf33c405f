using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Gradebook.Tests.Support;

/// <summary>
/// A browser's part in a session, over real HTTP: a cookie jar, pages asked for as a browser asks (Accept: text/html),
/// and forms posted with the antiforgery token of the page they are on. Redirects are followed only when asked.
/// </summary>
internal sealed partial class SessionClient : IDisposable
{
    public const string SessionCookie = "gradebook-session";

    public SessionClient(Uri address, bool followRedirects = false)
    {
        Address = address;
        Http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = followRedirects }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public bool HasSession => Cookies.GetCookies(Address).Any(c => c.Name == SessionCookie);

    public async Task<HttpResponseMessage> PageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return await Http.SendAsync(request);
    }

    /// <summary>The antiforgery token of the first form on the page at <paramref name="path"/>.</summary>
    public async Task<string> TokenAsync(string path)
    {
        using var page = await PageAsync(path);
        return Token(await page.Content.ReadAsStringAsync());
    }

    public static string Token(string html) =>
        AntiforgeryField().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No antiforgery token on the page.");

    /// <summary>Posts a form from the page at <paramref name="from"/> to <paramref name="path"/>, with that page's token unless told not to.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string from, string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", await TokenAsync(from)));
        }

        using var content = new FormUrlEncodedContent(all);
        return await Http.PostAsync(path, content);
    }

    /// <summary>Signs in on the key sign-in page with <paramref name="key"/>.</summary>
    public Task<HttpResponseMessage> SignInWithKeyAsync(string key, string returnUrl = "/") =>
        PostFormAsync("/signin", "/signin", [new("key", key), new("returnUrl", returnUrl)]);

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
