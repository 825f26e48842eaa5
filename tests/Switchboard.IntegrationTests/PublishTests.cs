using System.Net;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Switchboard.Testing;

namespace Switchboard.IntegrationTests;

/// <summary>The file eng/publish.sh writes, copied alone to a folder and started as an operator starts it.</summary>
[Collection(PublishedBinaryCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed partial class PublishTests(PublishedBinary published)
{
    [Theory]
    [InlineData("aot")]
    [InlineData("single-file")]
    public async Task PublishedBinary_CopiedAloneAndStartedElsewhere_ServesWebAppAndTutorialFlow(string format)
    {
        // Only the one file travels: no wwwroot, no appsettings.json, no .NET beside it.
        var install = published.NewFolder("install");
        var binary = Path.Combine(install, "switchboard");
        File.Copy(published.ExecutableOf(format), binary);
        File.SetUnixFileMode(binary, File.GetUnixFileMode(published.ExecutableOf(format)));
        Assert.Equal(["switchboard"], Directory.GetFileSystemEntries(install).Select(Path.GetFileName));
        var elsewhere = published.NewFolder("cwd");

        await using var server = await SwitchboardProcess.StartExecutableAsync(binary, ["--port", "0"], elsewhere);

        Assert.Contains($"Server is listening on port {server.Port}", server.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var page = await http.GetAsync("/").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>Switchboard", html, StringComparison.Ordinal);
        var module = ModuleScript().Match(html);
        Assert.True(module.Success, "index.html loads a module script");
        using var script = await http.GetAsync(module.Groups[1].Value).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("import", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await TutorialFlowAsync(server.Port);
    }

    [Fact]
    public async Task PublishedBinary_PageAndModules_AreRevalidatedNotServedStale()
    {
        await using var server = await SwitchboardProcess.StartExecutableAsync(published.Executable, ["--port", "0"], published.NewFolder("cwd"));
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        var module = ModuleScript().Match(await http.GetStringAsync("/").DefaultTimeout()).Groups[1].Value;

        foreach (var path in new[] { "/", module })
        {
            using var first = await http.GetAsync(path).DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.True(first.Headers.CacheControl?.NoCache, $"{path} must be revalidated: an old module beside a new page breaks the app");
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            using var revalidated = await http.SendAsync(again).DefaultTimeout();
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }
    }

    /// <summary>The tutorial's clients, on the root path: create, offer to join, answer, candidates both ways.</summary>
    internal static async Task TutorialFlowAsync(int port)
    {
        var uri = new Uri($"ws://127.0.0.1:{port}/");
        await using var creator = await TestClient.ConnectAsync(uri);
        await using var joiner = await TestClient.ConnectAsync(uri);

        await creator.SendAsync(new { type = "createRoom" });
        var roomId = (string)(await creator.ExpectAsync("roomCreated"))["roomId"]!;
        await joiner.SendAsync(new { type = "offer", roomId, payload = new { type = "offer", sdp = "v=0 offer" } });
        await creator.ExpectAsync("peerJoined");
        Assert.Equal("v=0 offer", (string)(await creator.ExpectAsync("offer"))["payload"]!["sdp"]!);
        await creator.SendAsync(new { type = "answer", roomId, payload = new { type = "answer", sdp = "v=0 answer" } });
        Assert.Equal("v=0 answer", (string)(await joiner.ExpectAsync("answer"))["payload"]!["sdp"]!);
        await creator.SendAsync(new { type = "candidate", roomId, payload = new { candidate = "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid = "0" } });
        await joiner.SendAsync(new { type = "candidate", roomId, payload = new { candidate = "candidate:2 1 udp 1 127.0.0.2 6000 typ host", sdpMid = "0" } });
        Assert.StartsWith("candidate:1 ", (string)(await joiner.ExpectAsync("candidate"))["payload"]!["candidate"]!, StringComparison.Ordinal);
        Assert.StartsWith("candidate:2 ", (string)(await creator.ExpectAsync("candidate"))["payload"]!["candidate"]!, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<script type="module" src="([^"]+)">""")]
    private static partial Regex ModuleScript();
}
