using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// The app served under a sub-path, as a shared host's proxy maps <c>https://me.host/switchboard/</c>
/// to the backend (Switchboard:PathBase): everything the page reaches, and the link it hands out, stays
/// under that path.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SubPathTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Call_ServedUnderSubPath_SignalingAndShareLinkStayUnderIt()
    {
        // A server of its own: the path base is a setting of the whole process.
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string> { ["Switchboard__PathBase"] = "/switchboard" })
            .WaitAsync(BrowserTimeouts.Launch);
        var root = $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}";
        var app = root + "/switchboard/";

        await using var scenario = new Scenario(browser, output, "sub-path");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var sockets = new ConcurrentQueue<string>();
        foreach (var person in new[] { alice, bob })
        {
            person.Page.WebSocket += (_, socket) => sockets.Enqueue(socket.Url);
        }

        await alice.OpenAsync(app);
        var link = await alice.CreateRoomAsync();
        Assert.StartsWith(app + "#", link, StringComparison.Ordinal);
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        await bob.SendChatAsync("hello under a sub-path");
        await alice.ExpectChatAsync("hello under a sub-path");

        // The direct transport would take an upgrade on /ws as well: the pages must not have used it.
        Assert.NotEmpty(sockets);
        Assert.All(sockets, url => Assert.Equal($"ws://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/switchboard/ws", url));

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = BrowserTimeouts.Action };
        // Outside the base the app is not served; the base without its slash is sent to it, so the
        // page's relative URLs resolve under it.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(root + "/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(root + "/js/main.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(app + "js/main.js")).StatusCode);
        using var bare = await http.GetAsync(root + "/switchboard");
        Assert.NotNull(bare.Headers.Location);
        Assert.Equal(app, new Uri(new Uri(root), bare.Headers.Location).AbsoluteUri);

        await scenario.FinishAsync();
    }
}
