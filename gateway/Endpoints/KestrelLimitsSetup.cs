using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// Tighter request limits than Kestrel's defaults: a browser talking to a BFF sends a few cookies and
/// JSON bodies, so oversized headers, URLs and bodies are refused (431, 414, 413) before they cost more.
/// An operator's own <c>Kestrel:Limits:*</c> setting wins over each of these.
/// </summary>
internal sealed class KestrelLimitsSetup(IConfiguration configuration) : IConfigureOptions<KestrelServerOptions>
{
    public const int MaxRequestHeadersTotalSize = 32 * 1024;
    public const int MaxRequestLineSize = 8 * 1024;
    public const long MaxRequestBodySize = 10 * 1024 * 1024;

    public void Configure(KestrelServerOptions options)
    {
        var limits = options.Limits;
        if (!IsConfigured(nameof(limits.MaxRequestHeadersTotalSize)))
        {
            limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        }

        if (!IsConfigured(nameof(limits.MaxRequestLineSize)))
        {
            limits.MaxRequestLineSize = MaxRequestLineSize;
        }

        if (!IsConfigured(nameof(limits.MaxRequestBodySize)))
        {
            limits.MaxRequestBodySize = MaxRequestBodySize;
        }
    }

    private bool IsConfigured(string limit) => configuration["Kestrel:Limits:" + limit] is not null;
}
