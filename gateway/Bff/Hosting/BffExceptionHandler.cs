using Bff.Http;
using Bff.Problems;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Hosting;

/// <summary>
/// The last line: an exception becomes a problem+json without its message or stack trace. A session
/// store outage is the expected one and gets its own 503.
/// </summary>
internal sealed partial class BffExceptionHandler(ILogger<BffExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>
    /// The handler of the error boundary <c>UseBff</c> adds: the gateway's failures (a session store outage, a
    /// malformed request) and whatever a gateway endpoint or proxied route throws become problem documents; a
    /// host endpoint's own exception goes on to the host's handler.
    /// </summary>
    public Task HandleGatewayFailureAsync(HttpContext context)
    {
        var thrown = BffErrorBoundary.ExceptionOf(context);
        if (context.Response.HasStarted
            || !(GatewayRequestMatcher.IsGatewayRequest(context) || thrown.SourceException is SessionStoreUnavailableException or BadHttpRequestException))
        {
            thrown.Throw();
        }

        return TryHandleAsync(context, thrown.SourceException, context.RequestAborted).AsTask();
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is SessionStoreUnavailableException)
        {
            await BffProblem.SessionStoreUnavailableAsync(context);
            return true;
        }

        if (exception is BadHttpRequestException bad)
        {
            await BffProblem.WriteAsync(context, bad.StatusCode, BffProblem.BadRequest, "The request is malformed.");
            return true;
        }

        LogUnhandled(logger, exception.GetType().FullName ?? "Exception", context.Request.Method, context.Request.Path.Value ?? "", exception);
        await BffProblem.WriteAsync(context, StatusCodes.Status500InternalServerError, BffProblem.InternalError,
            "An unexpected error occurred.");
        return true;
    }

    [LoggerMessage(EventId = BffEventIds.UnhandledException, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string method, string path, Exception exception);
}
