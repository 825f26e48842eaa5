using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// The name each person chooses is the one everyone sees (docs/web-app.md, "Names"): carried by the
/// page itself in a relayed message, kept in the browser, shown as text only.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NameTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Names_ChosenBeforeAndDuringTheCall_BothPagesShowTheSameNames()
    {
        await using var scenario = new Scenario(browser, output, "names");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.OpenAsync(scenario.BaseUrl);
        await alice.ChooseNameAsync("Alice Liddell");
        var link = await alice.CreateRoomAsync();
        // Bob arrives by the link, so he is in the call before he thinks of his name.
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        var bobsFirstName = await bob.Page.GetByTestId("name-input").InputValueAsync();
        Assert.Matches("^Guest [0-9]{4}$", bobsFirstName);

        await Expect(bob.RemoteNames).ToHaveTextAsync(["Alice Liddell"]);
        await Expect(alice.RemoteNames).ToHaveTextAsync([bobsFirstName]);
        await Expect(alice.Page.Locator("#local-caption")).ToHaveTextAsync("Alice Liddell (you)");

        await bob.ChooseNameAsync("  Bob \t the   Builder ");

        await Expect(alice.RemoteNames).ToHaveTextAsync(["Bob the Builder"]);
        await Expect(bob.Page.Locator("#local-caption")).ToHaveTextAsync("Bob the Builder (you)");
        await alice.ExpectChatAsync($"{bobsFirstName} is now called Bob the Builder.");
        await alice.SendChatAsync("Hello Bob");
        await bob.SendChatAsync("Hello Alice");
        await Expect(bob.ChatLog.Locator("li.theirs .who")).ToHaveTextAsync(["Alice Liddell:"]);
        await Expect(alice.ChatLog.Locator("li.theirs .who")).ToHaveTextAsync(["Bob the Builder:"]);

        // The browser keeps the name: after a reload Bob is back under it, and Alice sees it again.
        await bob.Page.ReloadAsync();
        await Expect(bob.Page.GetByTestId("name-input")).ToHaveValueAsync("Bob the Builder");
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Expect(alice.RemoteNames).ToHaveTextAsync(["Bob the Builder"]);
        await Expect(bob.RemoteNames).ToHaveTextAsync(["Alice Liddell"]);

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task Names_MarkupAndOverlongName_ShownAsPlainTextOfAtMost40Characters()
    {
        await using var scenario = new Scenario(browser, output, "names-text-only");
        var alice = await scenario.AddPersonAsync("alice");
        var mallory = await scenario.AddPersonAsync("mallory");
        const string markup = "<img src=x onerror=alert(1)>";

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await mallory.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), mallory.ExpectCallStateAsync("connected"));
        await mallory.ChooseNameAsync(markup);

        await Expect(alice.RemoteNames).ToHaveTextAsync([markup]);
        await Expect(alice.Page.Locator(".tile img")).ToHaveCountAsync(0);

        // Typing stops at 40; a longer name set around the field is cut by the page that sends it.
        await mallory.Page.EvalOnSelectorAsync("[data-testid=name-input]", "input => input.removeAttribute('maxlength')");
        await mallory.ChooseNameAsync(new string('m', 100));

        await Expect(alice.RemoteNames).ToHaveTextAsync([new string('m', 40)]);
        await Expect(mallory.Page.GetByTestId("name-input")).ToHaveValueAsync(new string('m', 40));

        await scenario.FinishAsync();
    }
}
