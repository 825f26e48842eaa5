namespace Switchboard.Server.Auth;

/// <summary>
/// One connection's authentication, held by its <c>PeerConnection</c> only while authentication is on
/// (one reference field, null otherwise). Written on the connection's receiving thread; the sweeper reads
/// <see cref="Deadline"/> only.
/// </summary>
internal sealed class ConnectionAuth
{
    private long _deadline;

    public ConnectionAuth(long deadline) => _deadline = deadline;

    /// <summary>
    /// A <see cref="TimeProvider"/> timestamp: until the first token, when the connection must have sent
    /// one (<see cref="AuthOptions.Timeout"/>); after it, when the token expires (with the clock skew).
    /// </summary>
    public long Deadline => Volatile.Read(ref _deadline);

    public bool IsAuthenticated => Grant is not null;

    /// <summary>What the current token allows; null before the first token.</summary>
    public AuthGrant? Grant { get; private set; }

    /// <summary>
    /// The identity the other members see, fixed by the first token for the connection's life (a refresh must
    /// carry the same). Null when that token had neither <c>sub</c> nor <c>sb:name</c>.
    /// </summary>
    public byte[]? Identity => Grant?.Identity;

    /// <summary>Why the token in the upgrade's query was refused; reported once the connection can speak.</summary>
    public string? QueryFailure { get; set; }

    public void Accept(AuthGrant grant, long deadline)
    {
        Grant = grant;
        Volatile.Write(ref _deadline, deadline);
    }

    /// <summary>Whether <paramref name="roomId"/> (as its UTF-8 bytes) is one the token lets this connection join.</summary>
    public bool MayJoin(ReadOnlySpan<byte> roomId)
    {
        if (Grant?.Rooms is not { } rooms)
        {
            return Grant is not null;
        }

        foreach (var allowed in rooms)
        {
            if (roomId.SequenceEqual(allowed))
            {
                return true;
            }
        }

        return false;
    }
}
