using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>The test server's log capture: an unexpected Error fails the test, warnings can be asserted on.</summary>
public sealed class LogCaptureTests
{
    [Fact]
    public async Task TestServer_ErrorLogged_DisposeFailsListingTheEventAndItsException()
    {
        var server = await TestServer.StartAsync();
        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Probe");

        logger.LogError(new EventId(8, "HandlerFailed"), new InvalidOperationException("boom from the handler"), "Handling a message failed");

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => server.DisposeAsync().AsTask()).DefaultTimeout();
        Assert.Contains("Switchboard.Probe[HandlerFailed]", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Handling a message failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: boom from the handler", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestServer_CriticalLogged_DisposeFails()
    {
        var server = await TestServer.StartAsync();

        server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Probe").LogCritical("the loop stopped");

        await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => server.DisposeAsync().AsTask()).DefaultTimeout();
    }

    [Fact]
    public async Task TestServer_ErrorTheTestExpects_DoesNotFailDispose()
    {
        await using var server = await TestServer.StartAsync();
        server.Logs.ExpectErrors(e => e.EventName == "HandlerFailed");

        server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Probe").LogError(new EventId(8, "HandlerFailed"), "provoked on purpose");

        Assert.Single(server.Logs.Named("HandlerFailed"));
        Assert.Empty(server.Logs.UnexpectedErrors);
    }

    [Fact]
    public async Task TestServer_WarningLogged_IsCapturedAndDebugIsNot()
    {
        await using var server = await TestServer.StartAsync();
        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Probe");

        logger.LogDebug(new EventId(1, "Chatty"), "per-message detail");
        logger.LogWarning(new EventId(5, "SlowConsumer"), "Peer {PeerId} is not reading", "p1");

        var warning = Assert.Single(server.Logs.Named("SlowConsumer"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("Switchboard.Probe", warning.Category);
        Assert.Equal("Peer p1 is not reading", warning.Message);
        Assert.Empty(server.Logs.Named("Chatty"));
    }
}
