using System.Globalization;
using System.Text.Json;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// A person whose connection to the server vanishes mid-call (no close frame: a dropped network) comes
/// back on the same seat: switchboard.js resumes it by itself, the call goes on, and the others never
/// see them leave.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SeatResumeCallTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    // Records, on every change of the page, the fewest remote videos and each call state it showed, so a
    // moment in which the person looked gone cannot slip between two polls.
    private const string WatchForGone = """
        () => {
          const watch = (window.__goneWatch = { fewestVideos: Number.MAX_SAFE_INTEGER, states: [] });
          const check = () => {
            watch.fewestVideos = Math.min(watch.fewestVideos, document.querySelectorAll('[data-testid="remote-video"]').length);
            const state = document.querySelector('[data-testid="call-state"]')?.textContent ?? '';
            if (watch.states.at(-1) !== state) watch.states.push(state);
          };
          check();
          new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        }
        """;

    [Fact]
    public async Task Call_SignalingCutWithoutCloseFrame_ResumesSeatCallGoesOnAndOthersNeverSeeThemGone()
    {
        await using var scenario = new Scenario(browser, output, "seat-resume");
        // Alice reaches the server through a relay that can cut her connections; Bob and Carol directly.
        await using var proxy = new CuttableTcpProxy(browser.Server.Port);
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var carol = await scenario.AddPersonAsync("carol");
        var clientLogs = new List<string>();
        alice.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("[switchboard]", StringComparison.Ordinal))
            {
                lock (clientLogs)
                {
                    clientLogs.Add(message.Text);
                }
            }
        };

        await alice.OpenAsync($"http://127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/");
        await alice.CreateRoomAsync(capacity: 3);
        var roomId = await alice.RoomId.InnerTextAsync();
        await bob.OpenAsync(scenario.BaseUrl + "#" + roomId);
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        var peerId = await alice.Page.EvaluateAsync<string>("() => window.__signalingDebug.peerId");
        Assert.False(string.IsNullOrEmpty(peerId));
        await bob.Page.EvaluateAsync(WatchForGone);

        var cut = proxy.CutAll();
        scenario.Log($"cut {cut} connection(s) of alice's");
        Assert.True(cut >= 1, "alice's WebSocket did not go through the relay");

        // Back on her seat: the same peer id, by a resume and not by joining afresh.
        await alice.Page.WaitForFunctionAsync(
            "() => window.__signalingDebug.reconnects >= 1 && window.__signalingDebug.signalingState === 'open'",
            null,
            new() { Timeout = (float)BrowserTimeouts.Reconnect.TotalMilliseconds, PollingInterval = 100 });
        await Retry.UntilAsync("alice's client resumed her seat", () => Snapshot(clientLogs).Any(line => line.Contains("resumed as " + peerId, StringComparison.Ordinal)), BrowserTimeouts.Reconnect);
        Assert.Equal(peerId, await alice.Page.EvaluateAsync<string>("() => window.__signalingDebug.peerId"));
        Assert.DoesNotContain(Snapshot(clientLogs), line => line.Contains("could not resume", StringComparison.Ordinal) || line.Contains("rejoined", StringComparison.Ordinal));

        // The call never stopped, for either of them.
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await bob.SendChatAsync("still with you, alice?");
        await alice.ExpectChatAsync("still with you, alice?");

        // Signaling works through the resumed seat: a newcomer gets a call with Alice as well as with Bob.
        await carol.OpenAsync(scenario.BaseUrl + "#" + roomId);
        await Task.WhenAll(
            alice.ExpectRemoteVideosPlayingAsync(2),
            bob.ExpectRemoteVideosPlayingAsync(2),
            carol.ExpectRemoteVideosPlayingAsync(2));

        var watch = JsonSerializer.Deserialize<GoneWatch>(await bob.Page.EvaluateAsync<string>("() => JSON.stringify(window.__goneWatch)"), _json)!;
        Assert.True(watch.FewestVideos >= 1, "bob's page lost alice's video for a moment");
        Assert.Equal(["connected"], watch.States);

        await scenario.FinishAsync();
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private sealed record GoneWatch(int FewestVideos, string[] States);
}
