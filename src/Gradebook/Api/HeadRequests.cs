using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Gradebook.Api;

/// <summary>HEAD as HTTP defines it: every resource that answers GET answers HEAD the same way, without the body.</summary>
internal static class HeadRequests
{
    /// <summary>Lets every GET endpoint built by <paramref name="builder"/> answer HEAD too; Kestrel sends no body for HEAD.</summary>
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            // The routing matcher reads the last method metadata, so the widened list added here wins.
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods;
            if (methods is not null && methods.Contains(HttpMethods.Get) && !methods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods, HttpMethods.Head]));
            }
        });
        return builder;
    }

    /// <summary>Restricts an endpoint that would answer any method (a health check) to GET and HEAD.</summary>
    public static TBuilder OnlyGetAndHead<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    /// <summary>Leaves HEAD out of the OpenAPI document: HTTP defines it by GET, and listing it twice per path is noise.</summary>
    internal sealed class OmitFromDocument : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            foreach (var path in document.Paths.Values)
            {
                path.Operations?.Remove(HttpMethod.Head);
            }

            return Task.CompletedTask;
        }
    }
}
