using System.Net;
using System.Threading.RateLimiting;
using Switchboard.Server.Diagnostics;

namespace Switchboard.Server.Admission;

/// <summary>
/// The connection limits of <see cref="ConnectionLimitOptions"/>, shared by both ways in: counts per
/// address and in total, taken when an upgrade is admitted and given back once when the connection ends,
/// and a token bucket per address for the rate of new ones. No connection owns a timer or a limiter: the
/// buckets live in one <see cref="PartitionedRateLimiter{TResource}"/>, whose single timer refills them all
/// and drops those of addresses that went quiet.
/// </summary>
internal sealed class ConnectionLimits : IDisposable
{
    /// <summary>The ticket of a connection whose address is not counted (no address, or no per-address limit): it is counted in the total only.</summary>
    public static readonly AddressCount Unaddressed = new(null);

    private readonly AddressCounter _perAddress;
    private readonly AddressCounter _pendingPerAddress;
    private readonly PartitionedRateLimiter<IPAddress>? _newPerAddress;
    private int _connections;
    private int _pending;

    public ConnectionLimits(ConnectionLimitOptions options, long descriptorLimit)
    {
        DescriptorLimit = descriptorLimit;
        MaxPendingHandshakes = options.MaxPendingHandshakes > 0 ? options.MaxPendingHandshakes : Admission.DescriptorLimit.DefaultPendingHandshakes(descriptorLimit);
        MaxConnections = options.MaxConnections > 0 ? options.MaxConnections : Admission.DescriptorLimit.DefaultMaxConnections(descriptorLimit, MaxPendingHandshakes);
        PerAddress = options.PerAddress;
        _perAddress = new AddressCounter(options.PerAddress);
        _pendingPerAddress = new AddressCounter(options.PendingHandshakesPerAddress);
        if (options.NewPerSecond > 0)
        {
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(options.NewBurst, 1),
                TokensPerPeriod = options.NewPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                // The partitioned limiter replenishes every bucket from its one timer instead.
                AutoReplenishment = false,
            };
            // One factory for every partition: the helper RateLimitPartition.GetTokenBucketLimiter would wrap a
            // new delegate around it on every connection attempt, garbage that an idle fleet keeps resident.
            Func<IPAddress, RateLimiter> newBucket = _ => new TokenBucketRateLimiter(bucket);
            _newPerAddress = PartitionedRateLimiter.Create<IPAddress, IPAddress>(key => new RateLimitPartition<IPAddress>(key, newBucket));
        }
    }

    /// <summary>No limit at all: a connection tested on its own.</summary>
    public static ConnectionLimits None() => new(new ConnectionLimitOptions { PerAddress = 0, NewPerSecond = 0, PendingHandshakesPerAddress = 0, MaxConnections = int.MaxValue, MaxPendingHandshakes = int.MaxValue }, int.MaxValue);

    /// <summary>The open-file limit the defaults were derived from.</summary>
    public long DescriptorLimit { get; }

    /// <summary>The effective total (configured, or derived from <see cref="DescriptorLimit"/>).</summary>
    public int MaxConnections { get; }

    /// <summary>The effective cap on pending handshakes.</summary>
    public int MaxPendingHandshakes { get; }

    public int PerAddress { get; }

    /// <summary>Connections admitted and not yet ended.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Direct-path connections whose first bytes are still being looked at.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>What <paramref name="address"/> holds now.</summary>
    public int ConnectionsOf(IPAddress address) => _perAddress.CountOf(AddressKey.Of(address));

    /// <summary>
    /// Admits one connection from <paramref name="client"/>, or says which limit refuses it. On
    /// <see cref="HandshakeResult.Accepted"/> <paramref name="ticket"/> must reach <see cref="Release"/> once.
    /// </summary>
    public HandshakeResult TryAdmit(IPAddress? client, out AddressCount? ticket, out TimeSpan retryAfter)
    {
        ticket = null;
        retryAfter = TimeSpan.FromSeconds(UpgradeAdmission.RetryAfterSeconds);
        if (Connections >= MaxConnections)
        {
            // Checked first: a full server spends no address's tokens.
            return HandshakeResult.ServerFull;
        }

        var key = client is null ? null : AddressKey.Of(client);
        if (key is not null && _newPerAddress is not null)
        {
            using var lease = _newPerAddress.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return HandshakeResult.AddressRate;
            }
        }

        var taken = Unaddressed;
        if (key is not null && _perAddress.Enabled)
        {
            if (_perAddress.TryTake(key) is not { } entry)
            {
                return HandshakeResult.AddressLimit;
            }

            taken = entry;
        }

        if (Interlocked.Increment(ref _connections) > MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Return(_perAddress, taken);
            return HandshakeResult.ServerFull;
        }

        ticket = taken;
        return HandshakeResult.Accepted;
    }

    /// <summary>Gives back what <see cref="TryAdmit"/> took.</summary>
    public void Release(AddressCount ticket)
    {
        Interlocked.Decrement(ref _connections);
        Return(_perAddress, ticket);
    }

    /// <summary>
    /// Counts a new direct-path connection as pending, or returns null when it must be closed unread.
    /// <paramref name="peer"/> is the socket's peer; <paramref name="exempt"/> spares a known proxy the per-address cap.
    /// </summary>
    public AddressCount? TryStartPending(IPAddress? peer, bool exempt)
    {
        if (Interlocked.Increment(ref _pending) > MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pending);
            return null;
        }

        if (peer is null || exempt || !_pendingPerAddress.Enabled)
        {
            return Unaddressed;
        }

        if (_pendingPerAddress.TryTake(AddressKey.Of(peer)) is { } entry)
        {
            return entry;
        }

        Interlocked.Decrement(ref _pending);
        return null;
    }

    /// <summary>Gives back what <see cref="TryStartPending"/> took.</summary>
    public void EndPending(AddressCount ticket)
    {
        Interlocked.Decrement(ref _pending);
        Return(_pendingPerAddress, ticket);
    }

    public void Dispose() => _newPerAddress?.Dispose();

    private static void Return(AddressCounter counter, AddressCount ticket)
    {
        if (!ReferenceEquals(ticket, Unaddressed))
        {
            counter.Return(ticket);
        }
    }
}
