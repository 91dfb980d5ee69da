using Bff.Http;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Http;

/// <summary>
/// What the boundary hands to the exception handler, and the one request it leaves unawaited: one that
/// reached the forwarder, on this request's own synchronous call, and is still running.
/// </summary>
public sealed class BffErrorBoundaryTests
{
    private readonly List<Exception> _handled = [];

    private BffErrorBoundary Boundary(RequestDelegate next) => new(next, context =>
    {
        try
        {
            return BffErrorBoundary.Rethrow(context);
        }
        catch (Exception exception)
        {
            _handled.Add(exception);
            return Task.CompletedTask;
        }
    });

    [Fact]
    public async Task Invoke_ThrowsSynchronously_ExceptionHandled()
    {
        var thrown = new InvalidOperationException("sync");
        var boundary = Boundary(_ => throw thrown);

        await boundary.InvokeAsync(new DefaultHttpContext());

        Assert.Same(thrown, Assert.Single(_handled));
    }

    [Fact]
    public async Task Invoke_FaultsLater_ExceptionHandledAfterIt()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var boundary = Boundary(_ => running.Task);

        await AssertAwaitedAndHandledAsync(boundary, new DefaultHttpContext(), running);
    }

    [Fact]
    public async Task Invoke_HandedOverAndRunning_ForwardersTaskReturnedAsIs()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var boundary = Boundary(context =>
        {
            BffErrorBoundary.HandOver(context);
            return running.Task;
        });

        var invoked = boundary.InvokeAsync(new DefaultHttpContext());

        Assert.Same(running.Task, invoked);
        running.SetResult();
        await invoked;
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task Invoke_HandedOverButAlreadyFailed_ExceptionHandled()
    {
        var thrown = new InvalidOperationException("failed at once");
        var boundary = Boundary(context =>
        {
            BffErrorBoundary.HandOver(context);
            return Task.FromException(thrown);
        });

        await boundary.InvokeAsync(new DefaultHttpContext());

        Assert.Same(thrown, Assert.Single(_handled));
    }

    [Fact]
    public async Task Invoke_AnotherRequestHandedOver_StillGuarded()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var boundary = Boundary(_ =>
        {
            // As a continuation of another request, run inline on this thread, would.
            BffErrorBoundary.HandOver(new DefaultHttpContext());
            return running.Task;
        });

        await AssertAwaitedAndHandledAsync(boundary, new DefaultHttpContext(), running);
    }

    [Fact]
    public async Task Invoke_HandedOverAfterAnAwait_StillGuarded()
    {
        var thrown = new InvalidOperationException("after the await");
        var boundary = Boundary(async context =>
        {
            await Task.Yield();
            BffErrorBoundary.HandOver(context);
            throw thrown;
        });

        await boundary.InvokeAsync(new DefaultHttpContext());

        Assert.Same(thrown, Assert.Single(_handled));
    }

    [Fact]
    public async Task Invoke_StaleHandOverOnThisThread_NextRequestOnTheSameContextGuarded()
    {
        // A continuation of a connection's earlier request (forwarded after an awaited refresh) hands over
        // outside any boundary's call, and Kestrel reuses the connection's HttpContext for the next request:
        // that request, which hands nothing over, must still be guarded.
        var context = new DefaultHttpContext();
        BffErrorBoundary.HandOver(context);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var boundary = Boundary(_ => running.Task);

        await AssertAwaitedAndHandledAsync(boundary, context, running);
    }

    /// <summary>The boundary does not return the running task as is, and handles the exception it ends with.</summary>
    private async Task AssertAwaitedAndHandledAsync(BffErrorBoundary boundary, HttpContext context, TaskCompletionSource running)
    {
        var invoked = boundary.InvokeAsync(context);
        Assert.NotSame(running.Task, invoked);
        Assert.Empty(_handled);
        var thrown = new InvalidOperationException("later");
        running.SetException(thrown);
        await invoked;

        Assert.Same(thrown, Assert.Single(_handled));
    }
}
