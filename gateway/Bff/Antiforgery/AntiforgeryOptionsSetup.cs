using Bff.Configuration;
using Bff.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Antiforgery;

/// <summary>
/// The contract's antiforgery cookie (<c>__Host-bff-af</c>, each named frontend's own: see
/// <see cref="FrontendAntiforgeryCookieBuilder"/>) and header (<c>X-XSRF-TOKEN</c>).
/// </summary>
internal sealed class AntiforgeryOptionsSetup : IConfigureOptions<AntiforgeryOptions>
{
    public void Configure(AntiforgeryOptions options)
    {
        options.Cookie = new FrontendAntiforgeryCookieBuilder
        {
            Name = BffClientOptions.DefaultAntiforgeryCookieName,
            // __Host- cookies must be Secure, Path=/ and carry no Domain, or browsers drop them.
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
        };
        options.HeaderName = BffHeaders.TokenHeaderName;

        // The token comes in the header only: reading a form would consume a body meant for the upstream.
        options.SuppressReadingTokenFromFormBody = true;
    }
}
