using Bff.Telemetry;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Bff.Idp;

// The two calls of a login, made here rather than by the OIDC handler so that they authenticate the way every other
// call does: the handler itself only knows client_secret_post.
internal sealed partial class IdpTokenClient
{
    /// <summary>
    /// RFC 9126: pushes the authorization request and returns its <c>request_uri</c>. Throws when the IdP is
    /// unreachable or refuses: the login cannot start either way.
    /// </summary>
    public Task<string> PushAuthorizationAsync(IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        PushAuthorizationAsync(authenticator, parameters, cancellationToken);

    /// <summary>A pushed authorization request as <paramref name="client"/>, the login's frontend's client.</summary>
    public async Task<string> PushAuthorizationAsync(ClientAuthenticator client, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var endpoints = await metadata.GetAsync(cancellationToken);
        var endpoint = endpoints.PushedAuthorizationEndpoint
            ?? throw new InvalidOperationException("The IdP's discovery document names no pushed authorization request endpoint.");
        using var request = CreateRequest(endpoint, endpoints, WithoutClientCredentials(parameters, keepClientId: true), client);
        using var response = await SendAsync(request, IdpCallKind.Login, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.IsSuccessStatusCode && ReadRequestUri(body) is { Length: > 0 } requestUri)
        {
            return requestUri;
        }

        var error = TokenResponse.ReadError(body) ?? "none";
        LogPushRefused(logger, (int)response.StatusCode, error);
        throw new IdpRefusedException($"The pushed authorization request was refused ({(int)response.StatusCode}, {error}).");
    }

    /// <summary>
    /// Redeems an authorization code: the token endpoint's JSON on success, null (with the error logged) when the IdP
    /// refused it. Throws when the IdP is unreachable.
    /// </summary>
    public Task<string?> RedeemCodeAsync(IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
        RedeemCodeAsync(authenticator, parameters, cancellationToken);

    /// <summary>The code exchange as <paramref name="client"/>, the login's frontend's client.</summary>
    public async Task<string?> RedeemCodeAsync(ClientAuthenticator client, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var endpoints = await metadata.GetAsync(cancellationToken);
            using var request = CreateRequest(endpoints.TokenEndpoint, endpoints, WithoutClientCredentials(parameters, keepClientId: false), client);
            using var response = await SendAsync(request, IdpCallKind.Login, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                outcome = "success";
                return body;
            }

            var error = TokenResponse.ReadError(System.Text.Encoding.UTF8.GetBytes(body)) ?? "none";
            outcome = error;
            LogTokenEndpointError(logger, (int)response.StatusCode, error);
            return null;
        }
        finally
        {
            metrics.TokenEndpoint(Stopwatch.GetElapsedTime(started), outcome);
        }
    }

    // The handler's message carries the client_secret for client_secret_post; the authenticator adds whatever the
    // chosen method needs. client_id stays in a pushed request, where it is an authorization request parameter.
    private static List<KeyValuePair<string, string>> WithoutClientCredentials(IEnumerable<KeyValuePair<string, string>> parameters, bool keepClientId) =>
        parameters.Where(p => p.Key is not ("client_secret" or "client_assertion" or "client_assertion_type") && (keepClientId || p.Key != "client_id")).ToList();

    private static string? ReadRequestUri(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("request_uri", out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = BffEventIds.PushedAuthorizationRefused, Level = LogLevel.Warning, Message = "Pushed authorization request refused: {Status} ({Error})")]
    private static partial void LogPushRefused(ILogger logger, int status, string error);
}
