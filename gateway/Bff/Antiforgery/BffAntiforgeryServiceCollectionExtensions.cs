using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bff.Antiforgery;

/// <summary>Registers antiforgery tokens bound to the session.</summary>
internal static class BffAntiforgeryServiceCollectionExtensions
{
    public static IServiceCollection AddBffAntiforgery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AntiforgeryOptions>, AntiforgeryOptionsSetup>());
        // AddAntiforgery registers a provider that adds nothing; binding tokens to the session is the point.
        services.Replace(ServiceDescriptor.Singleton<IAntiforgeryAdditionalDataProvider, SessionAntiforgeryDataProvider>());
        services.TryAddSingleton<ValidatedTokenMemo>();
        return services;
    }
}
