using Bff.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff;

/// <summary>
/// Outside Development an in-memory session store is a misconfiguration unless asked for: one instance
/// of several would refuse every other instance's sessions, and a restart logs everybody out.
/// </summary>
internal sealed class BffStoreValidator(BffStoreKind storeKind, IHostEnvironment environment) : IValidateOptions<BffOptions>
{
    public ValidateOptionsResult Validate(string? name, BffOptions options) =>
        storeKind == BffStoreKind.InMemory && !environment.IsDevelopment() && !options.Session.AllowInMemoryStore
            ? ValidateOptionsResult.Fail("ConnectionStrings:Redis is empty. Set it, or set Bff:Session:AllowInMemoryStore=true to run a single instance with in-memory sessions.")
            : ValidateOptionsResult.Success;
}
