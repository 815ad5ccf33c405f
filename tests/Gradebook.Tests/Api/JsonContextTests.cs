using System.Text.Json.Serialization;
using Gradebook.Api;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gradebook.Tests.Api;

/// <summary>Every response body is written by source-generated JSON, so none falls back to reflection.</summary>
public sealed class JsonContextTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public void Every_success_body_an_endpoint_declares_is_in_a_configured_source_generated_context()
    {
        var declared = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<IProducesResponseTypeMetadata>().Select(p => (Endpoint: e.DisplayName, p.StatusCode, p.Type)))
            .Where(p => p.StatusCode is >= 200 and < 300 && p.Type is not null && p.Type != typeof(void))
            .ToList();

        Assert.NotEmpty(declared);
        Assert.All(declared, p => Assert.True(
            IsSourceGenerated(p.Type!),
            $"{p.Endpoint} answers {p.StatusCode} with {p.Type!.Name}, which no source-generated context in the app's JSON options lists."));
    }

    [Theory]
    [InlineData(typeof(Gradebook.Operations.IngestionReport))]
    [InlineData(typeof(Gradebook.Operations.HealthResponse))]
    [InlineData(typeof(Page<Gradebook.Operations.RejectedEvent>))]
    [InlineData(typeof(List<Gradebook.Imports.InvalidResult>))]
    [InlineData(typeof(long))]
    public void Bodies_written_outside_typed_results_are_in_a_configured_context_too(Type type) =>
        Assert.True(IsSourceGenerated(type), $"No source-generated context in the app's JSON options lists {type.Name}.");

    /// <summary>
    /// Whether a source-generated context in the app's configured chain resolves <paramref name="type"/>; the chain's
    /// reflection-based resolver, which resolves anything, is left out.
    /// </summary>
    private bool IsSourceGenerated(Type type)
    {
        var options = api.Factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return options.TypeInfoResolverChain.OfType<JsonSerializerContext>().Any(c => c.GetTypeInfo(type) is not null);
    }
}
