namespace Bff.Idp;

/// <summary>Tells an IdP that could not be reached from one that answered with an error.</summary>
internal static class IdpFailure
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
            {
                return true;
            }

            // The IdP client's pipeline (IdpPipeline) refused or gave up: timed out, circuit open, bulkhead full.
            if (e is Polly.ExecutionRejectedException)
            {
                return true;
            }

            // Discovery failures arrive wrapped: "IDX20803: Unable to obtain configuration from ...".
            if (e.Message.StartsWith("IDX20803", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
