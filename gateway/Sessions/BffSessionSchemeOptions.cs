using Microsoft.AspNetCore.Authentication;

namespace Bff.Sessions;

/// <summary>Options of the session scheme; the settings themselves live in <see cref="BffOptions"/>.</summary>
public sealed class BffSessionSchemeOptions : AuthenticationSchemeOptions;
