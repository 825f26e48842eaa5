using System.Globalization;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// A call that only a TURN relay can carry, through a real coturn, with the credentials Switchboard
/// minted: the web app must put the TURN entry of <c>roomCreated</c>/<c>joined</c> into its peer
/// connections. Loopback always connects directly, so each page is made to lose every candidate of the
/// other side that is not a relay.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TurnRelayCallTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string RelayCandidatesOnlyScript = """
        (() => {
          window.__remoteRelayCandidates = 0;
          const relay = (line) => / typ relay( |$)/.test(line);
          const proto = RTCPeerConnection.prototype;
          const addIceCandidate = proto.addIceCandidate;
          const setRemoteDescription = proto.setRemoteDescription;
          proto.addIceCandidate = function (candidate) {
            if (candidate && typeof candidate.candidate === 'string' && candidate.candidate !== '') {
              if (!relay(candidate.candidate)) return Promise.resolve();
              window.__remoteRelayCandidates++;
            }
            return addIceCandidate.call(this, candidate);
          };
          proto.setRemoteDescription = function (description) {
            if (description && typeof description.sdp === 'string') {
              const sdp = description.sdp.split('\r\n').filter((line) => !line.startsWith('a=candidate:') || relay(line)).join('\r\n');
              description = { type: description.type, sdp };
            }
            return setRemoteDescription.call(this, description);
          };
        })();
        """;

    [Fact]
    public async Task Call_OnlyRelayCandidatesGetThrough_ConnectsThroughCoturnWithMintedCredentialsAndTakesFreshOnes()
    {
        var coturn = new CoturnServer();
        await coturn.InitializeAsync();
        try
        {
            await using var server = await SwitchboardProcess.StartAsync(
                ["--port", "0"],
                new Dictionary<string, string>
                {
                    ["Switchboard__Turn__Secret"] = CoturnServer.OldSecret,
                    ["Switchboard__Turn__Urls__0"] = coturn.Url,
                }).WaitAsync(BrowserTimeouts.Launch);
            await using var scenario = new Scenario(browser, output, "turn-relay-call");
            var alice = await scenario.AddPersonAsync("alice", initScript: RelayCandidatesOnlyScript);
            var bob = await scenario.AddPersonAsync("bob", initScript: RelayCandidatesOnlyScript);

            await alice.OpenAsync($"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/");
            var link = await alice.CreateRoomAsync();
            await bob.OpenAsync(link);

            await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
            await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
            foreach (var person in new[] { alice, bob })
            {
                Assert.True(await person.Page.EvaluateAsync<int>("() => window.__remoteRelayCandidates") > 0, $"{person.Name} got no relay candidate from the other side");
            }

            // A refresh, as the page does at half-life: the fresh credential reaches the open peer connection
            // (setConfiguration), where an ICE restart would use it. A new one differs once a second passed.
            var first = await alice.Page.EvaluateAsync<string[]>("() => window.__signalingDebug.iceUsernames");
            string[] fresh = [];
            await Retry.UntilAsync(
                "alice's page is handed a fresh TURN credential",
                async () =>
                {
                    await alice.Page.EvaluateAsync("() => window.__signalingDebug.refreshIceServers()");
                    fresh = await alice.Page.EvaluateAsync<string[]>("() => window.__signalingDebug.iceUsernames");
                    return fresh.Length == 1 && fresh[0] != first[0];
                },
                TimeSpan.FromMilliseconds(500));
            await Retry.UntilAsync(
                "alice's peer connection uses it",
                async () => (await alice.Page.EvaluateAsync<string[]>("() => window.__signalingDebug.peers.map((peer) => peer.iceUsernames[0])")).SequenceEqual(fresh),
                TimeSpan.FromMilliseconds(100));

            await scenario.FinishAsync();
        }
        finally
        {
            // What coturn did with the allocations, for a run that failed.
            output.WriteLine(string.Join('\n', coturn.Log.Split('\n').Where(line => line.Contains("session", StringComparison.Ordinal) || line.Contains("ERROR", StringComparison.Ordinal)).Take(40)));
            await coturn.DisposeAsync();
        }
    }
}
