using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bff.Problems;

/// <summary>
/// Writes RFC 9457 problem documents with the contract's stable <c>code</c> member. The only place an
/// error body is produced, so none can carry a stack trace.
/// </summary>
internal static class BffProblem
{
    public const string Unauthenticated = "unauthenticated";
    public const string SessionExpired = "session_expired";
    public const string Csrf = "csrf";
    public const string Forbidden = "forbidden";
    public const string SessionStoreUnavailable = "session_store_unavailable";
    public const string IdpUnavailable = "idp_unavailable";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string InternalError = "internal_error";
    public const string UpstreamUnavailable = "upstream_unavailable";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string RateLimited = "rate_limited";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    public static Task WriteAsync(HttpContext context, int status, string code, string title, string? detail = null, TimeSpan? retryAfter = null,
        (string Name, string Value)? header = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, delay.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // A header of the caller's, set here because the response was just cleared.
        if (header is { } extra)
        {
            response.Headers[extra.Name] = extra.Value;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type", "about:blank");
            json.WriteString("title", title);
            json.WriteNumber("status", status);
            json.WriteString("code", code);
            if (detail is not null)
            {
                json.WriteString("detail", detail);
            }

            json.WriteString("traceId", context.TraceIdentifier);
            json.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        return response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).AsTask();
    }

    public static Task SessionStoreUnavailableAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable, SessionStoreUnavailable,
            "The session store is unavailable.", retryAfter: TimeSpan.FromSeconds(5));

    public static Task IdpUnavailableAsync(HttpContext context, TimeSpan? retryAfter = null) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable, IdpUnavailable,
            "The identity provider is unavailable.", retryAfter: retryAfter ?? TimeSpan.FromSeconds(10));
}
