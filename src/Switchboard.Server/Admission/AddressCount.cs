using System.Net;

namespace Switchboard.Server.Admission;

/// <summary>
/// How many of something one address holds right now. Shared by all of that address's connections; each
/// keeps a reference to it (8 bytes) so that it can give its count back exactly once.
/// </summary>
internal sealed class AddressCount
{
    /// <summary>Below zero: removed from its table; whoever still finds it must look again.</summary>
    public const int Retired = -1;

    public AddressCount(IPAddress? address) => Address = address;

    /// <summary>The key, or null for the one entry that stands for "no address known" (counted in the total only).</summary>
    public IPAddress? Address { get; }

    public int Count;
}
