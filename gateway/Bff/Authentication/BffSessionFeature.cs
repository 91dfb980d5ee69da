using Bff.Sessions;
namespace Bff.Authentication;

/// <summary>The session of the current request, set once authentication has read it.</summary>
internal sealed class BffSessionFeature(BffSession session)
{
    public BffSession Session { get; set; } = session;
}
