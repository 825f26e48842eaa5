using System.Globalization;
using Microsoft.Playwright;
using Switchboard.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// docs/switchboard-js.md's complete example, read from the doc at test time and served as it says: from
/// a web site of its own (another origin than the Switchboard server's, which allows it), two people.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DocsExampleTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task CompleteExample_TwoPagesFromAnotherSite_CreateJoinAndChatBothWays()
    {
        await using var site = await PageHost.StartAsync(new Dictionary<string, string> { ["/chat.html"] = ReadExample() });
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0", "--allowed-origins", site.Origin]).WaitAsync(BrowserTimeouts.Launch);
        var page = new Uri(site.Address, "chat.html?server=" + Uri.EscapeDataString(server.HttpAddress.ToString()));

        await using var scenario = new Scenario(browser, output, "docs-example");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.Page.GotoAsync(page.ToString());
        await Expect(Status(alice)).ToContainTextAsync("In room");
        var link = await alice.Page.Locator("#invite").GetAttributeAsync("href");
        Assert.NotNull(link);
        Assert.StartsWith(page + "#", link, StringComparison.Ordinal);

        await bob.Page.GotoAsync(link);
        await Expect(Status(bob)).ToContainTextAsync("In room");
        // Bob greets each member already there; Alice was told he joined.
        await Expect(Log(alice)).ToContainTextAsync("joined");
        await Expect(Log(alice)).ToContainTextAsync("says hi");

        await SayAsync(bob, "hello from bob");
        await Expect(Log(alice)).ToContainTextAsync("says hello from bob");
        await SayAsync(alice, "hello from alice");
        await Expect(Log(bob)).ToContainTextAsync("says hello from alice");

        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();
        await Expect(Status(bob)).ToHaveTextAsync("Left.");
        await Expect(Log(alice)).ToContainTextAsync("left");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task CompleteExample_ConnectionCutWithoutCloseFrame_ResumesSamePeerAndGetsWhatWasSentMeanwhile()
    {
        await using var site = await PageHost.StartAsync(new Dictionary<string, string> { ["/chat.html"] = ReadExample() });
        await using var server = await SwitchboardProcess.StartAsync(["--port", "0", "--allowed-origins", site.Origin]).WaitAsync(BrowserTimeouts.Launch);
        // Bob's page takes the module and its WebSocket from a relay that can cut them.
        await using var proxy = new CuttableTcpProxy(server.Port);
        var direct = new Uri(site.Address, "chat.html?server=" + Uri.EscapeDataString(server.HttpAddress.ToString()));
        var relayed = new Uri(site.Address, "chat.html?server=" + Uri.EscapeDataString($"http://127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/"));

        await using var scenario = new Scenario(browser, output, "docs-example-resume");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        await alice.Page.GotoAsync(direct.ToString());
        await Expect(Status(alice)).ToContainTextAsync("In room");
        var link = new Uri((await alice.Page.Locator("#invite").GetAttributeAsync("href"))!);
        await bob.Page.GotoAsync(relayed + link.Fragment);
        await Expect(Status(bob)).ToContainTextAsync("In room");
        await Expect(Log(alice)).ToContainTextAsync("says hi");
        var bobId = (await Status(bob).InnerTextAsync()).Split(" as ")[^1];

        Assert.True(proxy.CutAll(holdNew: true) >= 1, "bob's page did not go through the relay");
        await Expect(Log(alice)).ToContainTextAsync($"{bobId} lost the connection");
        await Expect(Status(bob)).ToHaveTextAsync("Reconnecting…");
        await SayAsync(alice, "while you were away");

        proxy.Release();
        await Expect(Status(bob)).ToHaveTextAsync($"Back, still as {bobId}", new() { Timeout = (float)BrowserTimeouts.Reconnect.TotalMilliseconds });
        await Expect(Log(bob)).ToContainTextAsync("says while you were away");
        await Expect(Log(alice)).ToContainTextAsync($"{bobId} is back");
        await SayAsync(bob, "back for good");
        await Expect(Log(alice)).ToContainTextAsync("says back for good");
        await Expect(Log(alice)).Not.ToContainTextAsync($"{bobId} left");

        await scenario.FinishAsync();
    }

    /// <summary>The first html block under "A complete example", as the reader copies it.</summary>
    private static string ReadExample()
    {
        var doc = File.ReadAllText(Path.Combine(SwitchboardProcess.RepositoryRoot, "docs", "switchboard-js.md"));
        var section = doc.IndexOf("\n## A complete example", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/switchboard-js.md has no \"A complete example\" section");
        const string Fence = "```html\n";
        var start = doc.IndexOf(Fence, section, StringComparison.Ordinal);
        Assert.True(start >= 0, "the example section has no html block");
        start += Fence.Length;
        var end = doc.IndexOf("\n```", start, StringComparison.Ordinal);
        return doc[start..end];
    }

    private static ILocator Status(Person person) => person.Page.Locator("#status");

    private static ILocator Log(Person person) => person.Page.Locator("#log");

    private static async Task SayAsync(Person person, string text)
    {
        await person.Page.GetByLabel("Message").FillAsync(text);
        await person.Page.GetByLabel("Message").PressAsync("Enter");
        await Expect(Log(person)).ToContainTextAsync("me: " + text);
    }
}
