using Switchboard.Client;
using Switchboard.Client.Internal;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>What the client decides without a server: its options, its backoff, calls made before it connects.</summary>
public sealed class OptionsAndBackoffTests
{
    [Fact]
    public async Task CreateRoomAsync_BeforeConnect_ThrowsInvalidOperation()
    {
        await using var client = new SwitchboardClient(new Uri("ws://127.0.0.1:1/ws"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.CreateRoomAsync());
        Assert.Equal(SwitchboardClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsAndStaysDisconnected()
    {
        var port = FreePort.Next();
        await using var client = new SwitchboardClient(new Uri($"ws://127.0.0.1:{port}/ws"));

        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync()).DefaultTimeout();

        Assert.Equal(SwitchboardClientState.Disconnected, client.State);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedWithTheirName()
    {
        var uri = new Uri("ws://127.0.0.1:1/ws");

        var error = Assert.Throws<ArgumentException>(() => new SwitchboardClient(uri, SwitchboardClientOptions.Default with { ReconnectJitter = 2 }));
        Assert.Contains(nameof(SwitchboardClientOptions.ReconnectJitter), error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SwitchboardClient(uri, SwitchboardClientOptions.Default with { ReconnectMaxDelay = TimeSpan.FromMilliseconds(1) }));
        Assert.Throws<ArgumentException>(() => new SwitchboardClient(new Uri("http://127.0.0.1:1/ws")));
    }

    [Fact]
    public void Backoff_Attempts_DoubleFromTheInitialDelayUpToTheCapLessTheJitter()
    {
        var options = SwitchboardClientOptions.Default;

        Assert.Equal(TimeSpan.FromMilliseconds(500), Backoff.Delay(options, 1, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.Delay(options, 2, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(2), Backoff.Delay(options, 3, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(options, 7, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(options, int.MaxValue, random: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Backoff.Delay(options, 1, random: 1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), Backoff.Delay(options with { ReconnectJitter = 0 }, 1, random: 0.7));
    }

    [Fact]
    public void Backoff_AfterServiceRestart_IsSpreadBetweenTheBounds()
    {
        var options = SwitchboardClientOptions.Default;

        Assert.Equal(TimeSpan.FromSeconds(1), Backoff.ServiceRestart(options, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(3), Backoff.ServiceRestart(options, random: 0.5));
        Assert.InRange(Backoff.ServiceRestart(options, random: 0.999999), TimeSpan.FromSeconds(4.99), TimeSpan.FromSeconds(5));
    }
}
