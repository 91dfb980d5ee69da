using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// Recognises the start-up failures that come from configuration, and lists what they say, so a host can
/// print the offending keys and exit instead of showing a stack trace.
/// </summary>
public static class BffConfigurationError
{
    /// <summary>True when <paramref name="exception"/> comes from invalid configuration; <paramref name="problems"/> lists each problem on its own line.</summary>
    /// <param name="exception">What start-up threw.</param>
    /// <param name="problems">One line per problem, each naming its key.</param>
    public static bool TryDescribe(Exception exception, out string problems)
    {
        var lines = new List<string>();
        Collect(exception, lines);
        problems = string.Join(Environment.NewLine, lines.Distinct().Select(l => "  - " + l));
        return lines.Count > 0;
    }

    private static void Collect(Exception? exception, List<string> lines)
    {
        switch (exception)
        {
            case null:
                return;
            case OptionsValidationException validation:
                lines.AddRange(validation.Failures);
                return;
            // YARP's own checks of a route or cluster (a missing match, a policy no provider knows) say which one.
            case AggregateException aggregate when aggregate.Message.StartsWith("The proxy config is invalid.", StringComparison.Ordinal):
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (inner is ArgumentException)
                    {
                        lines.Add("ReverseProxy: " + inner.Message);
                    }
                    else
                    {
                        Collect(inner, lines);
                    }
                }

                return;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                return;
            // YARP wraps each invalid route or cluster in its own exception under this one.
            case InvalidOperationException when exception.Message.StartsWith("Unable to load or apply the proxy configuration", StringComparison.Ordinal):
                Collect(exception.InnerException, lines);
                return;
            case InvalidOperationException when exception.InnerException is null && exception.Message.StartsWith("ReverseProxy:", StringComparison.Ordinal):
                lines.Add(exception.Message);
                return;
            // A value of the wrong type (a "yes" for a bool): the binder names its key.
            case InvalidOperationException when exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                lines.Add(exception.Message);
                return;
            default:
                Collect(exception.InnerException, lines);
                return;
        }
    }
}
