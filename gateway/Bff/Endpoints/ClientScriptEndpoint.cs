using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff-client.js</c>: the SPA client, embedded in the library so that every host serves the version
/// that matches its gateway, without copying files into its web root.
/// </summary>
internal static class ClientScriptEndpoint
{
    public const string Path = "/bff-client.js";

    private static readonly Lazy<(byte[] Body, string ETag)> Script = new(Load);

    public static IResult Handle(HttpContext context)
    {
        var (body, etag) = Script.Value;
        var headers = context.Response.Headers;
        // Revalidated every time, so a browser never runs an old client after a deploy.
        headers.CacheControl = "no-cache";
        headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(body, "text/javascript; charset=utf-8");
    }

    private static (byte[] Body, string ETag) Load()
    {
        using var stream = typeof(ClientScriptEndpoint).Assembly.GetManifestResourceStream("Bff.bff-client.js")
            ?? throw new InvalidOperationException("bff-client.js is not embedded in the library.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var body = buffer.ToArray();
        return (body, "\"" + Convert.ToHexString(SHA256.HashData(body).AsSpan(0, 16)) + "\"");
    }
}
