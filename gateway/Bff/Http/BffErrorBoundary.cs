using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;

namespace Bff.Http;

/// <summary>
/// The first middleware after the forwarded headers: whatever the rest of the pipeline throws is handed to the
/// framework's exception handler (and so to the gateway's <c>IExceptionHandler</c>), which runs in a pipeline of its
/// own. The framework's middleware awaits every request that does not complete at once, which is every proxied
/// one; this boundary does too, except for a request whose rest is the forwarder's alone (<see cref="HandOver"/>).
/// YARP's forwarder catches its own failures and answers them with a status (502, 504, ...); what it leaves
/// outside its catches (trailers) runs after the response has started, when no problem document can be
/// written. Awaiting it here would guard nothing and cost an allocation and a continuation per proxied call.
/// </summary>
internal sealed class BffErrorBoundary(RequestDelegate next, RequestDelegate handler)
{
    // The request handed over during this thread's current synchronous call of the pipeline. A thread
    // static, not a feature: a continuation of the request on another thread (after an awaited Redis read)
    // leaves no mark the boundary could read, so the boundary awaits exactly the requests that did not
    // reach the forwarder without awaiting; and a continuation of another request run inline on this
    // thread leaves its own context, which does not match.
    [ThreadStatic]
    private static HttpContext? t_handedOver;

    /// <summary>
    /// Called by the proxy middleware when it passes a request to the forwarder with nothing of its own left
    /// to do: from then on the forwarder answers for the request's failures.
    /// </summary>
    public static void HandOver(HttpContext context) => t_handedOver = context;

    /// <summary>The last step of a handler's pipeline: throws the exception the boundary caught, as it was thrown.</summary>
    public static Task Rethrow(HttpContext context)
    {
        ExceptionOf(context).Throw();
        return Task.CompletedTask;
    }

    /// <summary>The exception the boundary caught, for its handler.</summary>
    public static ExceptionDispatchInfo ExceptionOf(HttpContext context) =>
        context.Features.Get<Thrown>()?.Exception ?? throw new InvalidOperationException("No exception to handle.");

    public Task InvokeAsync(HttpContext context)
    {
        Task pending;
        t_handedOver = null;
        try
        {
            pending = next(context);
        }
        catch (Exception exception)
        {
            t_handedOver = null;
            return HandleAsync(context, ExceptionDispatchInfo.Capture(exception));
        }

        // Kestrel reuses a connection's HttpContext for its next request: no reference is kept.
        var handedOver = ReferenceEquals(t_handedOver, context);
        t_handedOver = null;

        // A forwarder task that has already failed is handled like any other.
        if (pending.IsCompletedSuccessfully || (handedOver && !pending.IsCompleted))
        {
            return pending;
        }

        return AwaitedAsync(context, pending);
    }

    private async Task AwaitedAsync(HttpContext context, Task pending)
    {
        ExceptionDispatchInfo thrown;
        try
        {
            await pending;
            return;
        }
        catch (Exception exception)
        {
            thrown = ExceptionDispatchInfo.Capture(exception);
        }

        await HandleAsync(context, thrown);
    }

    private Task HandleAsync(HttpContext context, ExceptionDispatchInfo exception)
    {
        context.Features.Set(new Thrown(exception));
        return handler(context);
    }

    private sealed record Thrown(ExceptionDispatchInfo Exception);
}
