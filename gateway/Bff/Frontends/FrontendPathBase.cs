using Microsoft.AspNetCore.Http;

namespace Bff.Frontends;

/// <summary>
/// Endpoint metadata of the gateway's own endpoints mapped under a frontend's <c>PathBase</c>: only that
/// frontend may reach them, and they see the prefix as the request's path base.
/// </summary>
internal sealed record FrontendPathBase(PathString Value);
