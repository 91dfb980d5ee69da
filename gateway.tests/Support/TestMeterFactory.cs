using System.Diagnostics.Metrics;

namespace Bff.Tests.Support;

/// <summary>An <see cref="IMeterFactory"/> for tests without a container, whose meters nothing listens to.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);

    public void Dispose()
    {
    }
}
