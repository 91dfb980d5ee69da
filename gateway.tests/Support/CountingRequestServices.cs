using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Support;

/// <summary>
/// A request's services that count how often they were asked for: in a real host the first ask creates a service
/// scope, disposed when the request ends, so middleware on every request's path should not ask at all.
/// </summary>
internal sealed class CountingRequestServices : IServiceProvidersFeature
{
    public int Asked { get; private set; }

    public IServiceProvider RequestServices
    {
        get
        {
            Asked++;
            return new ServiceCollection().BuildServiceProvider();
        }

        set => throw new NotSupportedException();
    }
}
