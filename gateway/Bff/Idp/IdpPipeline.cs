using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;

namespace Bff.Idp;

/// <summary>
/// The resilience pipeline of every IdP call, outermost first: the bulkhead (<see cref="IdpCallLimiter"/>), the
/// circuit breaker, the timeout (<c>Bff:Tokens:IdpTimeout</c>). The timeout sits inside the breaker so that an IdP
/// which accepts connections and never answers counts as failing and opens it; the bulkhead sits outside so that
/// calls it refuses (a flood of logins) never count against the IdP.
/// </summary>
internal static partial class IdpPipeline
{
    public const string Name = "idp";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var timeout = services.GetRequiredService<IOptions<BffOptions>>().Value.Tokens.IdpTimeout;
        var limiter = services.GetRequiredService<IdpCallLimiter>();
        var metrics = services.GetRequiredService<BffMetrics>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Bff.Idp.Circuit");

        // The gateway's clock, so the breaker's window and break and the timeout move with a test's fake time.
        pipeline.TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;

        pipeline.AddRateLimiter(new HttpRateLimiterStrategyOptions
        {
            RateLimiter = args => limiter.AcquireAsync(args.Context.GetRequestMessage(), args.Context.CancellationToken),
            OnRejected = args =>
            {
                metrics.IdpCallRejected(IdpCallLimiter.NameOf(IdpCallLimiter.KindOf(args.Context.GetRequestMessage())));
                return default;
            },
        });

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            // A dead or hanging IdP is answered fast instead of every request waiting out IdpTimeout.
            FailureRatio = 0.5,
            MinimumThroughput = 5,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(5),

            // Timeouts, connection failures and 5xx count; the caller giving up (the browser went away) says
            // nothing about the IdP, and neither does an answer such as invalid_grant.
            ShouldHandle = args => ValueTask.FromResult(
                !args.Context.CancellationToken.IsCancellationRequested && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                LogOpened(logger, args.BreakDuration.TotalSeconds, ReasonOf(args.Outcome));
                metrics.IdpCircuitChanged("open");
                return default;
            },
            OnHalfOpened = _ =>
            {
                LogHalfOpened(logger);
                metrics.IdpCircuitChanged("half_open");
                return default;
            },
            OnClosed = _ =>
            {
                LogClosed(logger);
                metrics.IdpCircuitChanged("closed");
                return default;
            },
        });

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = timeout });
    }

    // The type or the status only: an exception's message can quote what the IdP sent.
    private static string ReasonOf(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name
        ?? "status " + (int)(outcome.Result?.StatusCode ?? 0);

    [LoggerMessage(EventId = BffEventIds.IdpCircuitOpened, Level = LogLevel.Warning, Message = "IdP circuit opened for {BreakSeconds} s after {Reason}: IdP calls fail at once")]
    private static partial void LogOpened(ILogger logger, double breakSeconds, string reason);

    [LoggerMessage(EventId = BffEventIds.IdpCircuitHalfOpened, Level = LogLevel.Information, Message = "IdP circuit half-open: one call tries the IdP")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(EventId = BffEventIds.IdpCircuitClosed, Level = LogLevel.Information, Message = "IdP circuit closed: the IdP answers again")]
    private static partial void LogClosed(ILogger logger);
}
