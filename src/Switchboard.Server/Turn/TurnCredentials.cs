using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Turn;

/// <summary>
/// Mints TURN REST API credentials (coturn's <c>use-auth-secret</c>): the user name is
/// <c>&lt;expiry unix seconds&gt;:&lt;peerId&gt;</c> and the credential base64(HMAC-SHA1(secret, user name)).
/// The TURN server checks the expiry against its own clock and recomputes the HMAC with the secrets it
/// knows, so nothing is stored here or there. Formatting one allocates nothing.
/// </summary>
internal sealed class TurnCredentials
{
    // "18446744073709551615:" — the longest expiry and its separator.
    private const int MaxExpiryLength = 21;
    private const int MaxUserIdLength = 256;

    private readonly byte[]? _key;
    private readonly byte[][] _urls;
    private readonly TimeProvider _time;
    private long _issued;

    /// <param name="options">The secret, URLs and lifetime.</param>
    /// <param name="time">The server's clock: expiries are its now + Ttl.</param>
    /// <param name="meterFactory">Where <c>switchboard.turn.credentials</c> is counted (the server's <c>Switchboard</c> meter); none in unit tests.</param>
    public TurnCredentials(IOptions<TurnOptions> options, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        var turn = options.Value;
        _time = time;
        Ttl = turn.Ttl;
        _key = turn.Enabled ? Encoding.UTF8.GetBytes(turn.Secret!) : null;
        _urls = turn.Enabled ? [.. turn.Urls.Select(Encoding.UTF8.GetBytes)] : [];
        if (_key is not null)
        {
            // The factory hands back the meter SwitchboardMetrics registered its instruments on, so this one
            // is exported beside them. A sudden climb is someone collecting credentials.
            meterFactory?.Create(Switchboard.Server.Diagnostics.SwitchboardMetrics.MeterName)
                .CreateObservableCounter("switchboard.turn.credentials", () => Volatile.Read(ref _issued), description: "TURN credentials minted (one per roomCreated, joined and iceServers answer).");
        }
    }

    /// <summary>Credentials minted so far.</summary>
    public long Issued => Volatile.Read(ref _issued);

    /// <summary>True when a secret and URLs are configured.</summary>
    public bool Enabled => _key is not null;

    /// <summary>How long each credential stays good for new allocations.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>
    /// Writes the TURN entry of an <c>iceServers</c> list, <c>{"urls":[…],"username":"…","credential":"…"}</c>,
    /// good until now + <see cref="Ttl"/> on the server's clock.
    /// </summary>
    public void WriteIceServer(Utf8JsonWriter writer, ReadOnlySpan<byte> peerId)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("TURN credentials are not configured.");
        }

        // A peerId is 22 characters; the cap only keeps a stack buffer bounded should a dialect use longer ids.
        peerId = peerId.Length <= MaxUserIdLength ? peerId : peerId[..MaxUserIdLength];
        var expiry = _time.GetUtcNow().ToUnixTimeSeconds() + (long)Ttl.TotalSeconds;
        Span<byte> username = stackalloc byte[MaxExpiryLength + MaxUserIdLength];
        var usernameLength = FormatUsername(expiry, peerId, username);
        Span<byte> credential = stackalloc byte[CredentialLength];
        WriteCredential(_key, username[..usernameLength], credential);

        writer.WriteStartObject();
        writer.WriteStartArray("urls"u8);
        foreach (var url in _urls)
        {
            writer.WriteStringValue(url);
        }

        writer.WriteEndArray();
        writer.WriteString("username"u8, username[..usernameLength]);
        writer.WriteString("credential"u8, credential);
        writer.WriteEndObject();
        // Joins and refreshes only, never the relay path: a shared counter costs nothing that matters here.
        Interlocked.Increment(ref _issued);
    }

    /// <summary>The length of a credential: base64 of a 20-byte HMAC-SHA1.</summary>
    internal const int CredentialLength = 28;

    /// <summary><c>&lt;expiry&gt;:&lt;userId&gt;</c> into <paramref name="destination"/>; returns its length.</summary>
    internal static int FormatUsername(long expiryUnixSeconds, ReadOnlySpan<byte> userId, Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(expiryUnixSeconds, destination, out var written))
        {
            throw new ArgumentException("The destination is too small for the user name.", nameof(destination));
        }

        destination[written++] = (byte)':';
        userId.CopyTo(destination[written..]);
        return written + userId.Length;
    }

    /// <summary>base64(HMAC-SHA1(<paramref name="key"/>, <paramref name="username"/>)) as UTF-8 into <paramref name="destination"/> (<see cref="CredentialLength"/> bytes).</summary>
    internal static void WriteCredential(ReadOnlySpan<byte> key, ReadOnlySpan<byte> username, Span<byte> destination)
    {
        // SHA-1 because the TURN REST scheme and coturn's check are defined with it; HMAC-SHA1 stays sound
        // as a MAC even though SHA-1 collisions are practical.
#pragma warning disable CA5350
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, username, hash);
#pragma warning restore CA5350
        Base64.EncodeToUtf8(hash, destination, out _, out _);
    }

    /// <summary>The credential for <paramref name="username"/> as a string (for tests and tools).</summary>
    internal static string Credential(string secret, string username)
    {
        Span<byte> credential = stackalloc byte[CredentialLength];
        WriteCredential(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username), credential);
        return Encoding.ASCII.GetString(credential);
    }
}
