using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Bff.Tests.Support;

/// <summary>A key ring repository that several Data Protection instances can share, counting its reads.</summary>
internal sealed class InMemoryXmlRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>While set, reads fail as a key ring in an unreachable Redis would.</summary>
    public bool Unreachable { get; set; }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        Interlocked.Increment(ref _reads);
        if (Unreachable)
        {
            throw new IOException("The key ring repository is unreachable.");
        }

        lock (_elements)
        {
            return _elements.Select(e => new XElement(e)).ToArray();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
        {
            _elements.Add(new XElement(element));
        }
    }
}
