using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on a <c>Bff:ForwardedHeaders</c> entry that is not an IP address or a CIDR network.</summary>
internal sealed class ForwardedHeadersValidator : IValidateOptions<BffOptions>
{
    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var errors = new List<string>();
        var forwarded = options.ForwardedHeaders;
        for (var i = 0; i < forwarded.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(forwarded.KnownProxies[i], out _))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Bff:ForwardedHeaders:KnownProxies:{i} must be an IP address such as 10.0.0.5."));
            }
        }

        for (var i = 0; i < forwarded.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(forwarded.KnownNetworks[i], out _))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Bff:ForwardedHeaders:KnownNetworks:{i} must be a network in CIDR notation such as 10.0.0.0/8."));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
