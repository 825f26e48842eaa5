using System.Net;

namespace Switchboard.Server.Admission;

/// <summary>
/// How many of something one address holds right now. Shared by all of that address's connections; each
/// keeps a reference to it (8 bytes) so that it can give its count back exactly once.
/// </summary>
internal sealed class AddressCount
{
    /// <summary>
    /// Removed from its table; whoever still finds it must look again. Far below zero, so that a count given
    /// back twice (a bug) shows as one too many admitted, which tests see, rather than as a retired entry
    /// that a taker would wait on forever.
    /// </summary>
    public const int Retired = int.MinValue;

    public AddressCount(IPAddress? address) => Address = address;

    /// <summary>The key, or null for the one entry that stands for "no address known" (counted in the total only).</summary>
    public IPAddress? Address { get; }

    public int Count;
}
