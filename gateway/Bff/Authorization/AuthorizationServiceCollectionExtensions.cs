using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authorization;

namespace Bff.Authorization;

/// <summary>Registers ASP.NET Core authorization with the policies of <c>Bff:Authorization</c>.</summary>
internal static class AuthorizationServiceCollectionExtensions
{
    public static IServiceCollection AddBffAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthorizationOptions>, AuthorizationPolicySetup>());
        return services;
    }
}
