using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>The dashboard's error page: what a browser is shown for a status without a body, with a way back; open to every caller.</summary>
internal sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string? Path { get; private set; }

    public void OnGet(int status)
    {
        Response.StatusCode = status is >= 400 and <= 599 ? status : StatusCodes.Status404NotFound;
        Path = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath;
        (Title, Explanation) = Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("Page not found", "There is no page at this address: the exam or student may have no results yet, or the link may be mistyped."),
            StatusCodes.Status405MethodNotAllowed => ("Not allowed", "This address does not answer that kind of request."),
            >= 500 => ("Something went wrong", "Gradebook could not answer this request. Try again in a moment."),
            _ => ("This request cannot be answered", "Gradebook did not accept this request as it was sent."),
        };
    }
}
