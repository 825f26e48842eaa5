using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// A network that blocks the direct connection between two people (a firewall, a strict NAT) while
/// signaling works: the page must say so, keep both in the call, and tell nobody that the other left.
/// Loopback always connects, so the pages are made to lose the other side's ICE candidates instead.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IceFailureTests(BrowserFixture browser, ITestOutputHelper output)
{
    // Nothing of the other side's addresses reaches ICE: trickled candidates vanish and candidate lines
    // are taken out of every remote description. No candidate pair can be formed, so ICE never leaves
    // checking, the case only the page's own bound catches (shortened here to 2 s).
    private const string LoseRemoteCandidatesScript = """
        (() => {
          window.__switchboardSettings = { connectTimeoutMs: 2000 };
          const proto = RTCPeerConnection.prototype;
          const setRemoteDescription = proto.setRemoteDescription;
          proto.addIceCandidate = function () { return Promise.resolve(); };
          proto.setRemoteDescription = function (description) {
            if (description && typeof description.sdp === 'string') {
              const sdp = description.sdp.split('\r\n').filter((line) => !line.startsWith('a=candidate:')).join('\r\n');
              description = { type: description.type, sdp };
            }
            return setRemoteDescription.call(this, description);
          };
        })();
        """;

    // Every remote candidate points at 192.0.2.1 (TEST-NET-1, RFC 5737: routed nowhere), so ICE has
    // pairs to check, none answers, and the browser itself declares the connection failed. The page's
    // own bound is set far beyond that, so only the failure can be what the page reports.
    private const string UnreachableCandidatesScript = """
        (() => {
          window.__switchboardSettings = { connectTimeoutMs: 600000 };
          const unreachable = (line) => {
            const parts = line.split(' ');
            if (parts.length > 5) parts[4] = '192.0.2.1';
            return parts.join(' ');
          };
          const proto = RTCPeerConnection.prototype;
          const addIceCandidate = proto.addIceCandidate;
          const setRemoteDescription = proto.setRemoteDescription;
          proto.addIceCandidate = function (candidate) {
            if (candidate && typeof candidate.candidate === 'string' && candidate.candidate !== '') {
              candidate = { ...candidate, candidate: unreachable(candidate.candidate) };
            }
            return addIceCandidate.call(this, candidate);
          };
          proto.setRemoteDescription = function (description) {
            if (description && typeof description.sdp === 'string') {
              const sdp = description.sdp.split('\r\n').map((line) => line.startsWith('a=candidate:') ? unreachable(line) : line).join('\r\n');
              description = { type: description.type, sdp };
            }
            return setRemoteDescription.call(this, description);
          };
        })();
        """;

    [Fact]
    public async Task Call_NoCandidatePairCanBeFormed_PageSaysNetworkBlocksItAndNobodyLeaves()
    {
        await using var scenario = new Scenario(browser, output, "ice-blocked");
        var alice = await scenario.AddPersonAsync("alice", initScript: LoseRemoteCandidatesScript);
        var bob = await scenario.AddPersonAsync("bob", initScript: LoseRemoteCandidatesScript);

        await ExpectBlockedThenHangUpIsALeaveAsync(scenario, alice, bob, BrowserTimeouts.Condition);
    }

    [Fact]
    public async Task Call_IceFails_PageSaysNetworkBlocksItAndNobodyLeaves()
    {
        await using var scenario = new Scenario(browser, output, "ice-failed");
        var alice = await scenario.AddPersonAsync("alice", initScript: UnreachableCandidatesScript);
        var bob = await scenario.AddPersonAsync("bob", initScript: UnreachableCandidatesScript);

        // Chromium gives up on pairs that never answer after its own timeouts, which are longer than a
        // loopback call takes to connect.
        await ExpectBlockedThenHangUpIsALeaveAsync(scenario, alice, bob, BrowserTimeouts.IceFailure);
    }

    private static async Task ExpectBlockedThenHangUpIsALeaveAsync(Scenario scenario, Person alice, Person bob, TimeSpan blockedWithin)
    {
        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);

        var within = new LocatorAssertionsToContainTextOptions { Timeout = (float)blockedWithin.TotalMilliseconds, IgnoreCase = true };
        foreach (var person in new[] { alice, bob })
        {
            var problem = person.Error.Locator("[data-code=\"network-blocked\"]");
            await Expect(problem).ToContainTextAsync("blocking the direct connection", within);
            await Expect(problem).ToContainTextAsync("TURN server", within);
            await Expect(problem).ToContainTextAsync("Switchboard:IceServers", within);
            await Expect(problem).ToContainTextAsync("You are still in the call", within);
        }

        foreach (var person in new[] { alice, bob })
        {
            await person.ExpectCallStateAsync("blocked");
            // The seat in the room is fine: signaling is connected and the other person's tile stays.
            await Expect(person.SignalingState).ToHaveTextAsync("connected");
            await Expect(person.RemoteVideos).ToHaveCountAsync(1);
            await Expect(person.ChatLog).Not.ToContainTextAsync("left the call");
        }

        var peers = await alice.Page.EvaluateAsync<int>("() => window.__signalingDebug.peers.filter((p) => p.blocked).length");
        Assert.Equal(1, peers);
        scenario.Log("blocked on both sides; ICE " + await alice.Page.EvaluateAsync<string>("() => window.__signalingDebug.peers[0].iceConnectionState"));

        // Someone who really leaves is still reported as leaving, and the problem goes with them.
        await bob.Page.GetByTestId("hang-up").ClickAsync();
        await alice.ExpectCallStateAsync("waiting");
        await alice.ExpectChatAsync("left the call");
        await Expect(alice.Error.Locator("[data-code=\"network-blocked\"]")).ToHaveCountAsync(0);
        await Expect(alice.RemoteVideos).ToHaveCountAsync(0);

        await scenario.FinishAsync();
    }
}
