using Gradebook.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>
/// Signing in to the dashboard: with an identity provider, a link to it; without one, a form that takes an API key
/// once and starts a session with its scopes (the key itself goes no further than this request).
/// </summary>
internal sealed class SignInModel : PageModel
{
    public bool UsesProvider { get; private set; }

    public bool SignedOut { get; private set; }

    /// <summary>True when the provider sent the browser back without signing anyone in.</summary>
    public bool Failed { get; private set; }

    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet(bool signedOut, bool failed)
    {
        UsesProvider = Sessions.UsesProvider(HttpContext);
        SignedOut = signedOut;
        Failed = failed;
    }

    public IActionResult OnGetProvider() => Challenge(new AuthenticationProperties { RedirectUri = Back }, Sessions.OidcScheme);

    public async Task<IActionResult> OnPostAsync([FromForm] string? key)
    {
        if (!string.IsNullOrWhiteSpace(key) && await Sessions.SignInWithKeyAsync(HttpContext, key.Trim()))
        {
            return LocalRedirect(Back);
        }

        Error = string.IsNullOrWhiteSpace(key)
            ? "Enter an API key."
            : "That API key is not one Gradebook knows: check it was copied whole, or ask for a new one.";
        return Page();
    }

    private string Back => Url.IsLocalUrl(ReturnUrl) && !ReturnUrl.StartsWith(Sessions.SignInPath, StringComparison.Ordinal) ? ReturnUrl : "/";
}
