using Bff.Sessions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Diagnostics;

/// <summary>
/// The last line: an exception becomes a problem+json without its message or stack trace. A session
/// store outage is the expected one and gets its own 503.
/// </summary>
internal sealed partial class BffExceptionHandler(ILogger<BffExceptionHandler> logger) : IExceptionHandler
{
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

    [LoggerMessage(EventId = 1901, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string method, string path, Exception exception);
}
