using System.Net.Http.Json;
using System.Text.Json;

namespace Gradebook.Tests.Support;

internal static class ApiPages
{
    /// <summary>Every item of a paged list, following <c>next</c> from the given page to the last.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(this HttpClient client, string url)
    {
        var items = new List<JsonElement>();
        string? next = url;
        while (next is not null)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(next);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }

        return items;
    }
}
