using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff-client.js</c>: the SPA client, embedded in the library so that every host serves the version
/// that matches its gateway, without copying files into its web root; and <c>GET /bff-client.d.ts</c>, its
/// TypeScript declarations, served the same way so that they always describe the script beside them.
/// </summary>
internal static class ClientScriptEndpoint
{
    public const string Path = "/bff-client.js";
    public const string DeclarationsPath = "/bff-client.d.ts";

    private static readonly Lazy<(byte[] Body, string ETag)> Script = new(() => Load("Bff.bff-client.js"));
    private static readonly Lazy<(byte[] Body, string ETag)> Declarations = new(() => Load("Bff.bff-client.d.ts"));

    public static IResult Handle(HttpContext context) => Serve(context, Script.Value, "text/javascript; charset=utf-8");

    // TypeScript has no registered media type: text/plain lets a browser show it, and nosniff keeps it from running.
    public static IResult HandleDeclarations(HttpContext context) => Serve(context, Declarations.Value, "text/plain; charset=utf-8");

    private static IResult Serve(HttpContext context, (byte[] Body, string ETag) asset, string contentType)
    {
        var (body, etag) = asset;
        var headers = context.Response.Headers;
        // Revalidated every time, so a browser never runs an old client after a deploy.
        headers.CacheControl = "no-cache";
        headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(body, contentType);
    }

    private static (byte[] Body, string ETag) Load(string name)
    {
        using var stream = typeof(ClientScriptEndpoint).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(name + " is not embedded in the library.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var body = buffer.ToArray();
        return (body, "\"" + Convert.ToHexString(SHA256.HashData(body).AsSpan(0, 16)) + "\"");
    }
}
