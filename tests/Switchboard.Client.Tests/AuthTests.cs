using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Switchboard.Client;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>With authentication on at the server, the client presents a token first on every connection.</summary>
public sealed class AuthTests
{
    private const string Secret = "a shared secret of at least 32 bytes, for client tests only";
    private const string Issuer = "https://backend.example.test";
    private const string Audience = "switchboard";

    [Fact]
    public async Task AccessTokenProvider_EveryConnection_PresentsAFreshTokenFirst()
    {
        await using var server = await StartAsync();
        await using var proxy = TcpProxy.Start(server.HttpAddress);
        var asked = 0;
        var options = ReconnectTests.Fast with
        {
            AccessTokenProvider = _ =>
            {
                Interlocked.Increment(ref asked);
                return ValueTask.FromResult(Mint("user-1"));
            },
        };
        await using var client = new SwitchboardClient(proxy.WebSocketAddress, options);
        await client.ConnectAsync().DefaultTimeout();
        await using var events = new EventLog(client);
        await client.CreateRoomAsync().DefaultTimeout();
        Assert.Equal(1, asked);

        proxy.Cut();

        await events.WaitForAsync<Reconnected>();
        Assert.Equal(2, asked);
        Assert.Equal(2, events.Seen.Count(e => e is OtherServerMessage { Type: "authenticated" }));

        // The new connection is authenticated: a call that needs it goes through.
        await client.CreateRoomAsync().DefaultTimeout();
    }

    [Fact]
    public async Task ConnectAsync_TokenRefused_ThrowsUnauthorized()
    {
        await using var server = await StartAsync();
        var options = SwitchboardClientOptions.Default with { AccessTokenProvider = _ => ValueTask.FromResult("not a token") };
        await using var client = new SwitchboardClient(server.WebSocketAddress, options);

        var error = await Assert.ThrowsAsync<SwitchboardException>(() => client.ConnectAsync()).DefaultTimeout();

        Assert.Equal("unauthorized", error.Code);
        Assert.Equal(SwitchboardClientState.Disconnected, client.State);
    }

    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(o =>
        {
            o.Auth.Jwt.Issuer = Issuer;
            o.Auth.Jwt.Audience = Audience;
            o.Auth.Jwt.SigningKeys = [Secret];
        });

    private static string Mint(string subject)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), SecurityAlgorithms.HmacSha256),
        });
    }
}
