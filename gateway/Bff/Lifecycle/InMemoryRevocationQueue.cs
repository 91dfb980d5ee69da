namespace Bff.Lifecycle;

/// <summary>The revocation queue of a single instance with the in-memory session store: lost on restart, as its sessions are.</summary>
internal sealed class InMemoryRevocationQueue : IRevocationQueue
{
    internal const int MaxItems = 10_000;

    private readonly Dictionary<string, (PendingRevocation Item, DateTimeOffset Due)> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult((long)Count);

    public Task<bool> EnqueueAsync(PendingRevocation item, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_items.Count >= MaxItems && !_items.ContainsKey(item.Id))
            {
                return Task.FromResult(false);
            }

            _items[item.Id] = (item, dueAt);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<PendingRevocation>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var due = _items.Values.Where(e => e.Due <= now).OrderBy(e => e.Due).Take(max).Select(e => e.Item).ToArray();
            foreach (var item in due)
            {
                _items[item.Id] = (item, now + lease);
            }

            return Task.FromResult<IReadOnlyList<PendingRevocation>>(due);
        }
    }

    public Task CompleteAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _items.Remove(id);
        }

        return Task.CompletedTask;
    }
}
