using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Turn;

namespace Switchboard.Server.Tests;

public sealed class TurnCredentialsTests
{
    private static readonly DateTimeOffset _expiry = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    // Computed independently with openssl and Python (../shared/spec/ROBUSTNESS.md §A5):
    // printf '%s' 1700000000:alice | openssl dgst -sha1 -hmac secret -binary | base64
    [Theory]
    [InlineData("secret", "1700000000:alice", "d8soP47RbdIKLDUOpnJPVQyq5Ts=")]
    [InlineData("secret", "4102444800:alice", "laQOyqtMLoReuc/kjT4h6rH+c9A=")]
    public void Credential_KnownVector_IsBase64OfHmacSha1(string secret, string username, string expected)
    {
        Assert.Equal(expected, TurnCredentials.Credential(secret, username));
    }

    [Fact]
    public void WriteIceServer_OneHourTtl_UsernameIsExpiryColonPeerIdAndCredentialMatchesVector()
    {
        var time = new FakeTimeProvider(_expiry - TimeSpan.FromHours(1));
        var credentials = Credentials(time, ttl: TimeSpan.FromHours(1));

        var entry = Write(credentials, "alice");

        Assert.Equal("1700000000:alice", (string?)entry["username"]);
        Assert.Equal("d8soP47RbdIKLDUOpnJPVQyq5Ts=", (string?)entry["credential"]);
        Assert.Equal(["turn:turn.example.test:3478?transport=udp", "turns:turn.example.test:5349"], entry["urls"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public void WriteIceServer_ClockMoves_ExpiryIsAlwaysNowPlusTtl()
    {
        var time = new FakeTimeProvider(_expiry);
        var credentials = Credentials(time, ttl: TimeSpan.FromMinutes(10));

        var first = (string)Write(credentials, "bob")["username"]!;
        time.Advance(TimeSpan.FromMinutes(30));
        var later = (string)Write(credentials, "bob")["username"]!;

        Assert.Equal($"{1_700_000_000 + 600}:bob", first);
        Assert.Equal($"{1_700_000_000 + 600 + 1800}:bob", later);
    }

    [Fact]
    public void Enabled_SecretWithoutUrls_IsOff()
    {
        var options = new TurnOptions { Secret = "a-secret-of-sixteen-or-more" };

        Assert.False(new TurnCredentials(Options.Create(options), TimeProvider.System).Enabled);
    }

    internal static TurnCredentials Credentials(TimeProvider time, TimeSpan ttl, string secret = "secret") =>
        new(Options.Create(new TurnOptions
        {
            Secret = secret,
            Urls = ["turn:turn.example.test:3478?transport=udp", "turns:turn.example.test:5349"],
            Ttl = ttl,
        }), time);

    private static JsonObject Write(TurnCredentials credentials, string peerId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            credentials.WriteIceServer(writer, Encoding.UTF8.GetBytes(peerId));
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }
}
