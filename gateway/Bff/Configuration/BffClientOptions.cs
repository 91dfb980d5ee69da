namespace Bff.Configuration;

/// <summary>
/// One OpenID Connect client of the gateway and the browser session that goes with it: who the gateway is at
/// the IdP, what it asks for, the cookie the browser holds and how long a session lives. The top-level
/// <c>Bff</c> section is one; everything that logs a user in, names the cookie or times a session reads it
/// through this type, so a second client is the same code with other values.
/// </summary>
public class BffClientOptions
{
    /// <summary>Confidential client id. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>Confidential client secret. Required unless the client authenticates with a key (<see cref="ClientAssertion"/>).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// How the gateway authenticates at the IdP on every back-channel call (PAR, code exchange, refresh, client
    /// credentials, revocation): one of <see cref="ClientAuthenticationMethods"/>; <c>auto</c> by default.
    /// </summary>
    public string ClientAuthentication { get; set; } = ClientAuthenticationMethods.Auto;

    /// <summary>The key for <c>private_key_jwt</c> (<c>ClientAssertion</c>).</summary>
    public BffClientAssertionOptions ClientAssertion { get; set; } = new();

    /// <summary>
    /// Extra parameters of the authorization request, such as Google's <c>access_type=offline</c> or Auth0's
    /// <c>audience</c>. Parameters the login flow itself owns cannot be set here.
    /// </summary>
    public Dictionary<string, string> ExtraAuthorizeParameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Scopes requested at login; empty means <c>openid profile offline_access</c>.</summary>
    // Empty rather than pre-filled: the configuration binder appends to a pre-filled collection.
    public List<string> Scopes { get; set; } = [];

    /// <summary>The session cookie (<c>Cookie</c>).</summary>
    public BffCookieOptions Cookie { get; set; } = new();

    /// <summary>Session timeouts and caching (<c>Session</c>).</summary>
    public BffSessionOptions Session { get; set; } = new();

    /// <summary>The antiforgery cookie of the default frontend, fixed by the contract.</summary>
    internal const string DefaultAntiforgeryCookieName = "__Host-bff-af";

    internal static readonly string[] DefaultScopes = ["openid", "profile", "offline_access"];

    /// <summary>
    /// The antiforgery cookie its tokens pair with. Not a setting: it follows from the frontend's name, so that no
    /// two frontends share one (see <see cref="BffFrontendOptions.AntiforgeryCookieName"/>).
    /// </summary>
    internal virtual string AntiforgeryCookieName => DefaultAntiforgeryCookieName;

    internal IReadOnlyList<string> EffectiveScopes => Scopes.Count == 0 ? DefaultScopes : Scopes;

    /// <summary>Copies every client setting into <paramref name="target"/>, collections and sections as copies of their own.</summary>
    internal void CopyClientTo(BffClientOptions target)
    {
        target.ClientId = ClientId;
        target.ClientSecret = ClientSecret;
        target.ClientAuthentication = ClientAuthentication;
        target.ClientAssertion = new BffClientAssertionOptions
        {
            CertificatePath = ClientAssertion.CertificatePath,
            CertificatePassword = ClientAssertion.CertificatePassword,
            KeyPath = ClientAssertion.KeyPath,
            KeyPassword = ClientAssertion.KeyPassword,
            KeyId = ClientAssertion.KeyId,
            Audience = ClientAssertion.Audience,
            TokenType = ClientAssertion.TokenType,
        };
        target.ExtraAuthorizeParameters = new Dictionary<string, string>(ExtraAuthorizeParameters, StringComparer.Ordinal);
        target.Scopes = [.. Scopes];
        target.Cookie = new BffCookieOptions { Name = Cookie.Name, SameSite = Cookie.SameSite };
        target.Session = new BffSessionOptions
        {
            IdleTimeout = Session.IdleTimeout,
            AbsoluteLifetime = Session.AbsoluteLifetime,
            CacheDuration = Session.CacheDuration,
            MaxSessionsPerUser = Session.MaxSessionsPerUser,
            AllowInMemoryStore = Session.AllowInMemoryStore,
            SlidingWriteInterval = Session.SlidingWriteInterval,
        };
    }
}
