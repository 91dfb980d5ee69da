using System.Net;

namespace OpenIddictIdp;

/// <summary>
/// Plain pages without external assets, with the dev IdP's markup (infra/idp/lib/views.mjs): browser tests find
/// the login form's fields by id and non-browser clients parse the form, so either IdP passes the same helpers.
/// </summary>
internal static class Pages
{
    private const string Style =
        "body{font-family:sans-serif;max-width:22rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}.error{color:#b00020}";

    public static IResult Login(string returnUrl, string? login = null, string? error = null)
    {
        var errorHtml = error is null ? "" : $"<p class=\"error\" id=\"error\" role=\"alert\">{Encode(error)}</p>\n";
        return Page("Sign in", $"""
            <h1>Sign in</h1>
            <p>OpenIddict dev IdP: alice/alice or bob/bob</p>
            {errorHtml}<form method="post" action="/account/login" autocomplete="off">
            <input type="hidden" name="returnUrl" value="{Encode(returnUrl)}">
            <label for="login">User name</label>
            <input id="login" name="login" required autofocus value="{Encode(login)}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" required>
            <button id="submit" type="submit">Sign in</button>
            </form>
            """);
    }

    public static IResult SignedOut() =>
        Page("Signed out", "<h1>Signed out</h1><p id=\"signed-out\">You have been signed out.</p>");

    public static IResult Error(string error, string? description, int status = StatusCodes.Status400BadRequest) =>
        Page("Error", $"""
            <h1>Error</h1>
            <p id="error-code">{Encode(error)}</p>
            <p id="error-description">{Encode(description)}</p>
            """, status);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)}</title>
            <style>{Style}</style>
            </head>
            <body>
            {body}
            </body>
            </html>
            """, "text/html; charset=utf-8", null, status);

    private static string Encode(string? value) => WebUtility.HtmlEncode(value ?? "");
}
