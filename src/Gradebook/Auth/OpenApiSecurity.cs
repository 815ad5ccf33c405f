using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gradebook.Auth;

/// <summary>Describes the two ways to authenticate in the OpenAPI document, and which scope each operation needs.</summary>
internal static class OpenApiSecurity
{
    private const string Bearer = "bearer";
    private const string ApiKey = "apiKey";

    public static OpenApiOptions AddGradebookSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key, or a JWT from the configured identity provider, with the scopes each operation lists.",
            };
            document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.Header,
                Description = "An API key, in place of the Authorization header.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var scopes = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
                .Select(a => a.Policy).OfType<string>().Where(Scopes.All.Contains).Distinct().ToList();
            if (scopes.Count == 0)
            {
                // An empty list says the operation is open, where no list at all would leave it unsaid.
                operation.Security = [];
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = scopes });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = scopes });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No credentials, or credentials Gradebook does not accept." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The client does not have the scope {string.Join(", ", scopes)}." });
            return Task.CompletedTask;
        });
        return options;
    }
}
