using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Proxy;

/// <summary>
/// Tells the operator that a reload of the routes was refused. YARP applies a reload only when every route and
/// cluster passes validation (the gateway's checks of its metadata among them) and otherwise keeps serving the
/// last good configuration; this says so under the gateway's own event id, with each problem and its key.
/// </summary>
internal sealed partial class ProxyConfigRefusal(ILogger<ProxyConfigRefusal> logger) : IConfigChangeListener
{
    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) =>
        LogRefused(logger, string.Join(" | ", ProblemsOf(exception).Distinct()));

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    // YARP gathers every invalid route and cluster as one exception each under an AggregateException.
    private static IEnumerable<string> ProblemsOf(Exception exception) =>
        exception is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(ProblemsOf)
            : [exception.Message];

    [LoggerMessage(EventId = BffEventIds.ProxyConfigRefused, Level = LogLevel.Error,
        Message = "The proxy configuration was not applied; the last good one is still served: {Problems}")]
    private static partial void LogRefused(ILogger logger, string problems);
}
