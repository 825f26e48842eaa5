using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Switchboard.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// switchboard.js imported by a page of another site: the module files answer a cross-origin import
/// (CORS), and the WebSocket then lets that page in when the server lists its origin.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrossOriginModuleTests(BrowserFixture browser, ITestOutputHelper output)
{
    // The module's server comes in the address, so the page itself is plain HTML on the other site.
    private const string Page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>another site</title>
        <p id="result">loading</p>
        <script type="module">
          const server = new URLSearchParams(location.search).get('server');
          const result = document.getElementById('result');
          try {
            const { SwitchboardClient } = await import(new URL('js/switchboard.js', server).href);
            const client = new SwitchboardClient();
            await client.connect();
            const room = await client.createRoom({ capacity: 3 });
            result.textContent = `room ${room.roomId} via ${client.url}`;
            client.close();
          } catch (error) {
            result.textContent = `failed: ${error}`;
          }
        </script>
        """;

    [Fact]
    public async Task ModuleFiles_RequestedFromAnotherOrigin_AllowAnyOriginAndCrossOriginEmbedding()
    {
        using var http = new HttpClient { BaseAddress = browser.Server.HttpAddress, Timeout = BrowserTimeouts.Action };
        foreach (var file in new[] { "js/switchboard.js", "js/signaling.js", "js/reconnect.js", "js/switchboard.d.ts" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, file);
            request.Headers.Add("Origin", "https://another-site.example");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
            Assert.Equal("cross-origin", Assert.Single(response.Headers.GetValues("Cross-Origin-Resource-Policy")));
        }

        using var declarations = await http.GetAsync("js/switchboard.d.ts");
        Assert.Equal(new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" }, declarations.Content.Headers.ContentType);

        // Only the modules are for other sites: the app's own page is not readable from elsewhere.
        using var index = await http.GetAsync("/");
        index.EnsureSuccessStatusCode();
        Assert.False(index.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Module_ImportedByPageOnAnotherOrigin_ConnectsAndCreatesRoom()
    {
        await using var site = await PageHost.StartAsync(new Dictionary<string, string> { ["/page.html"] = Page });
        Assert.NotEqual(site.Address.Port, browser.Server.Port);
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0", "--allowed-origins", site.Origin]).WaitAsync(BrowserTimeouts.Launch);

        await using var scenario = new Scenario(browser, output, "cross-origin-import");
        var person = await scenario.AddPersonAsync("visitor");
        var requests = new List<string>();
        person.Page.Request += (_, request) => requests.Add(request.Url);

        await person.Page.GotoAsync(new Uri(site.Address, "page.html?server=" + Uri.EscapeDataString(server.HttpAddress.ToString())).ToString());

        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        await Expect(person.Page.Locator("#result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^room \\S+ via ws://127\\.0\\.0\\.1:{port}/ws$"));
        // Its neighbours came from the Switchboard server too, not from the page's site.
        Assert.Contains($"http://127.0.0.1:{port}/js/signaling.js", requests);
        Assert.Contains($"http://127.0.0.1:{port}/js/reconnect.js", requests);

        await scenario.FinishAsync();
    }
}
