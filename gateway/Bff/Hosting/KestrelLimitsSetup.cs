using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// Tighter request limits than Kestrel's defaults: a browser talking to a BFF sends a few cookies and
/// JSON bodies, so oversized headers, URLs and bodies are refused (431, 414, 413) before they cost more.
/// <c>Kestrel:Limits:*</c> in configuration (which Kestrel itself does not read) overrides any of them.
/// </summary>
internal sealed class KestrelLimitsSetup(IConfiguration configuration) : IConfigureOptions<KestrelServerOptions>
{
    public const string SectionName = "Kestrel:Limits";
    public const int MaxRequestHeadersTotalSize = 32 * 1024;
    public const int MaxRequestLineSize = 8 * 1024;
    public const long MaxRequestBodySize = 10 * 1024 * 1024;

    public void Configure(KestrelServerOptions options)
    {
        var limits = options.Limits;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = MaxRequestLineSize;
        limits.MaxRequestBodySize = MaxRequestBodySize;
        configuration.GetSection(SectionName).Bind(limits);
    }
}
