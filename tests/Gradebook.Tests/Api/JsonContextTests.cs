using Gradebook.Api;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Api;

/// <summary>Every response body is written by source-generated JSON, so none falls back to reflection.</summary>
public sealed class JsonContextTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public void Every_success_body_an_endpoint_declares_is_in_the_source_generated_context()
    {
        var declared = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<IProducesResponseTypeMetadata>().Select(p => (Endpoint: e.DisplayName, p.StatusCode, p.Type)))
            .Where(p => p.StatusCode is >= 200 and < 300 && p.Type is not null && p.Type != typeof(void))
            .ToList();

        Assert.NotEmpty(declared);
        Assert.All(declared, p => Assert.True(
            GradebookJsonContext.Default.GetTypeInfo(p.Type!) is not null,
            $"{p.Endpoint} answers {p.StatusCode} with {p.Type!.Name}, which GradebookJsonContext does not list."));
    }

    [Theory]
    [InlineData(typeof(Gradebook.Operations.IngestionReport))]
    [InlineData(typeof(Gradebook.Operations.HealthResponse))]
    [InlineData(typeof(Page<Gradebook.Operations.RejectedEvent>))]
    public void Bodies_written_outside_typed_results_are_in_the_context_too(Type type) =>
        Assert.NotNull(GradebookJsonContext.Default.GetTypeInfo(type));
}
