using Gradebook.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>Signing out: the layout's button posts here; a plain visit shows the button alone.</summary>
internal sealed class SignOutModel : PageModel
{
    public Task OnPostAsync() => Sessions.SignOutAsync(HttpContext, $"{Sessions.SignInPath}?signedOut=true");
}
