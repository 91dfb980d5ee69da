namespace Bff.Configuration;

/// <summary>The <c>Bff:Redis</c> section.</summary>
public sealed class BffRedisOptions
{
    /// <summary>
    /// Prefix of every key and channel the gateway uses, so several deployments can share one Redis.
    /// Letters, digits, <c>-</c> and <c>_</c> only: it becomes part of key names and hash tags.
    /// </summary>
    public string KeyPrefix { get; set; } = "bff";
}
