namespace Bff.Tests.Integration.Infrastructure;

/// <summary>The gateway exited or never answered /healthz; carries what it wrote, for tests of start-up validation.</summary>
public sealed class GatewayStartException : Exception
{
    public GatewayStartException()
    {
        Output = string.Empty;
    }

    public GatewayStartException(string message)
        : base(message)
    {
        Output = string.Empty;
    }

    public GatewayStartException(string message, Exception innerException)
        : base(message, innerException)
    {
        Output = string.Empty;
    }

    public GatewayStartException(string message, int? exitCode, string output)
        : base(message)
    {
        ExitCode = exitCode;
        Output = output;
    }

    /// <summary>Null when the process was still running (killed at the timeout).</summary>
    public int? ExitCode { get; }

    /// <summary>Everything the process wrote to stdout and stderr.</summary>
    public string Output { get; }
}
