using Bff.Configuration;
using Bff.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Hosting;

public sealed class ShutdownDrainTests
{
    [Fact]
    public async Task Stopping_ReadinessFailsAtOnce_ServesOnForTheDelay()
    {
        var time = new FakeTimeProvider();
        var drain = new ShutdownDrain(Options.Create(new BffOptions { ShutdownDelay = TimeSpan.FromSeconds(5) }), time, NullLogger<ShutdownDrain>.Instance);
        Assert.Equal(HealthStatus.Healthy, (await drain.CheckHealthAsync(new HealthCheckContext())).Status);

        var stopping = drain.StoppingAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, (await drain.CheckHealthAsync(new HealthCheckContext())).Status);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await stopping;
    }

    [Fact]
    public async Task Stopping_ShutdownTimeoutRunsOut_StopsWithoutThrowing()
    {
        var drain = new ShutdownDrain(Options.Create(new BffOptions { ShutdownDelay = TimeSpan.FromSeconds(5) }), new FakeTimeProvider(), NullLogger<ShutdownDrain>.Instance);
        using var timeout = new CancellationTokenSource();

        var stopping = drain.StoppingAsync(timeout.Token);
        await timeout.CancelAsync();

        await stopping;
    }
}
