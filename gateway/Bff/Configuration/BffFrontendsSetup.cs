using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>
/// Builds <see cref="BffOptions.Frontends"/> from <c>Bff:Frontends</c>: each frontend starts as a copy of the
/// top-level client (as configured, in code too) and then takes what its own section sets. The binder alone
/// cannot do this: it gives a key the section leaves out its default, not the top-level value.
/// </summary>
internal sealed class BffFrontendsSetup(IConfiguration frontends) : IPostConfigureOptions<BffOptions>
{
    public void PostConfigure(string? name, BffOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        var list = new List<BffFrontendOptions>();
        foreach (var section in frontends.GetChildren())
        {
            var frontend = new BffFrontendOptions { Name = section.Key };
            options.CopyClientTo(frontend);
            frontend.Cookie.Name = BffFrontendOptions.CookiePrefix + section.Key;
            // A list or map the section sets replaces the top-level one rather than adding to it.
            if (section.GetSection(nameof(BffClientOptions.Scopes)).GetChildren().Any())
            {
                frontend.Scopes.Clear();
            }

            if (section.GetSection(nameof(BffClientOptions.ExtraAuthorizeParameters)).GetChildren().Any())
            {
                frontend.ExtraAuthorizeParameters.Clear();
            }

            section.Bind(frontend);
            list.Add(frontend);
        }

        options.Frontends = list;
    }
}
