using Microsoft.Extensions.Options;

namespace Bff;

/// <summary>Recognises the start-up failures that come from configuration, and lists what they say.</summary>
internal static class BffConfigurationError
{
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
            default:
                Collect(exception.InnerException, lines);
                return;
        }
    }
}
