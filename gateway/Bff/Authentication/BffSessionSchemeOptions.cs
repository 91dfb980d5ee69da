using Microsoft.AspNetCore.Authentication;

namespace Bff.Authentication;

/// <summary>Options of the session scheme; the settings themselves live in <c>BffOptions</c>.</summary>
internal sealed class BffSessionSchemeOptions : AuthenticationSchemeOptions;
