using System.Globalization;
using Microsoft.Playwright;
using Switchboard.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignalingRestartTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task ServerRestart_DuringCall_PagesSayServerRestartsMediaKeepsFlowingAndTheyReconnect()
    {
        // A server of its own: this scenario stops it.
        var server = await SwitchboardProcess.StartAsync(["--port", "0"]).WaitAsync(BrowserTimeouts.Launch);
        var port = server.Port;
        try
        {
            await using var scenario = new Scenario(browser, output, "signaling-restart");
            var alice = await scenario.AddPersonAsync("alice");
            var bob = await scenario.AddPersonAsync("bob");

            var carol = await scenario.AddPersonAsync("carol");

            await alice.OpenAsync(server.HttpAddress.ToString());
            var link = await alice.CreateRoomAsync(capacity: 3);
            var oldRoomId = await alice.RoomId.InnerTextAsync();
            await bob.OpenAsync(link);
            await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));

            await server.StopAsync().WaitAsync(BrowserTimeouts.Launch);
            scenario.Log("server stopped");

            // The server closed every connection with 1012 (service restart): the pages say it is restarting
            // (not that it cannot be reached), and keep saying so while it is away.
            foreach (var person in new[] { alice, bob })
            {
                await Expect(person.SignalingState).ToHaveTextAsync("restarting");
                await Expect(person.Page.Locator("#notice")).ToContainTextAsync("The server is restarting");
            }

            // Without any server, the call itself goes on: the remote videos keep advancing.
            await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
            await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
            await Expect(alice.SignalingState).ToHaveTextAsync("restarting");

            server = await SwitchboardProcess.StartAsync(["--port", port.ToString(CultureInfo.InvariantCulture)]).WaitAsync(BrowserTimeouts.Launch);
            scenario.Log("server started again");

            var reconnected = new LocatorAssertionsToHaveTextOptions { Timeout = (float)BrowserTimeouts.Reconnect.TotalMilliseconds };
            await Task.WhenAll(Expect(alice.SignalingState).ToHaveTextAsync("reconnected", reconnected), Expect(bob.SignalingState).ToHaveTextAsync("reconnected", reconnected));

            // The restarted server has forgotten the room: the pages agree on a new one, over the call itself.
            await Expect(alice.RoomId).Not.ToHaveTextAsync(oldRoomId, reconnected);
            var newRoomId = await alice.RoomId.InnerTextAsync();
            await Expect(bob.RoomId).ToHaveTextAsync(newRoomId, reconnected);
            await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
            await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
            await bob.SendChatAsync("still here after the restart");
            await alice.ExpectChatAsync("still here after the restart");

            // Signaling works end to end in the new room: a newcomer reaches both, and neither Alice nor Bob
            // mistakes the other for a newcomer (they keep one connection each, not two).
            var newLink = await alice.Page.GetByTestId("share-link").InputValueAsync();
            Assert.EndsWith("#" + newRoomId, newLink, StringComparison.Ordinal);
            await carol.OpenAsync(newLink);
            await Task.WhenAll(
                alice.ExpectRemoteVideosPlayingAsync(2),
                bob.ExpectRemoteVideosPlayingAsync(2),
                carol.ExpectRemoteVideosPlayingAsync(2));

            // While the server was down, each retry logs a failed WebSocket connect: that, and only that, is expected here.
            var expected = $"WebSocket connection to 'ws://127.0.0.1:{port}/ws' failed";
            await scenario.FinishAsync(error => error.StartsWith(expected, StringComparison.Ordinal));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
