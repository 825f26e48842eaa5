using System.Globalization;
using Switchboard.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>The live dashboard at /admin, in a real browser against a real server with an admin token.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Token = "dashboard-test-token-0123456789";

    [Fact]
    public async Task Dashboard_WrongTokenThenRightOne_RefusesThenCountsClientsAsTheyConnect()
    {
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0"], new Dictionary<string, string> { ["Switchboard__Admin__Token"] = Token })
            .WaitAsync(BrowserTimeouts.Launch);
        var root = $"http://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}";
        await using var scenario = new Scenario(browser, output, "dashboard");
        var operatorPerson = await scenario.AddPersonAsync("operator");
        var page = operatorPerson.Page;

        await page.GotoAsync(root + "/admin");
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('api/stats')).status"));
        await page.Locator("#token").FillAsync("not-the-token");
        await page.Locator("#login button").ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("refused");
        await Expect(page.Locator("#dashboard")).ToBeHiddenAsync();

        await page.Locator("#token").FillAsync(Token);
        await page.Locator("#login button").ClickAsync();
        await Expect(page.Locator("#dashboard")).ToBeVisibleAsync();
        await Expect(page.Locator("#connections")).ToHaveTextAsync("0");

        var clients = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/ws")));
        }

        var (roomId, _) = await clients[0].CreateRoomAsync();
        await Expect(page.Locator("#connections")).ToHaveTextAsync("3");
        await Expect(page.Locator("#rooms")).ToHaveTextAsync("1");
        await Expect(page.Locator("#room-list")).ToContainTextAsync(roomId[..4] + "…");
        await Expect(page.Locator("#room-list")).Not.ToContainTextAsync(roomId);

        await clients[2].CloseAsync();
        await Expect(page.Locator("#connections")).ToHaveTextAsync("2");
        await Expect(page.Locator("#closes")).ToContainTextAsync("client1");
        await Expect(page.Locator("#legend-closes")).ToContainTextAsync("client");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        // The refused fetches show in the console as failed loads; nothing else may.
        await scenario.FinishAsync(error => error.Contains("401", StringComparison.Ordinal));
    }
}
