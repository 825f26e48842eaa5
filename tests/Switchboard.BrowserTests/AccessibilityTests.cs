using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// axe-core over every screen of the web app — start page, an error, waiting in a room, in a call,
/// after hanging up —
/// in the light and the dark theme: no violation of the WCAG 2.0 A/AA and 2.1 AA rules, contrast
/// included.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly AxeRunOptions _wcagAa = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21aa"] },
    };

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Accessibility_EveryScreen_NoWcagAaViolations(string theme)
    {
        var scheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light;
        await using var scenario = new Scenario(browser, output, $"axe-{theme}");
        var alice = await scenario.AddPersonAsync("alice", device: options => options.ColorScheme = scheme);
        var bob = await scenario.AddPersonAsync("bob", device: options => options.ColorScheme = scheme);
        var problems = new StringBuilder();

        await alice.OpenAsync(scenario.BaseUrl);
        await CheckAsync(alice, "lobby", problems);

        await alice.JoinByTypingAsync("AAAAAAAAAAAAAAAAAAAAAA");
        await alice.ExpectErrorAsync("room-not-found", "no room with this id");
        await CheckAsync(alice, "error", problems);

        var link = await alice.CreateRoomAsync();
        await CheckAsync(alice, "waiting", problems);
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await alice.SendChatAsync("Hello");
        await bob.ExpectChatAsync("Hello");
        await bob.Page.GetByTestId("toggle-mic").ClickAsync();
        await Expect(bob.Page.GetByTestId("toggle-mic")).ToHaveAttributeAsync("aria-pressed", "true");
        await CheckAsync(alice, "in-call", problems);
        await CheckAsync(bob, "in-call-muted", problems);

        await bob.Page.GetByTestId("hang-up").ClickAsync();
        await bob.ExpectCallStateAsync("ended");
        await CheckAsync(bob, "ended", problems);

        Assert.True(problems.Length == 0, problems.ToString());
        await scenario.FinishAsync();
    }

    private static async Task CheckAsync(Person person, string screen, StringBuilder problems)
    {
        var result = await person.Page.RunAxe(_wcagAa).WaitAsync(BrowserTimeouts.Condition);
        foreach (var violation in result.Violations)
        {
            problems.AppendLine($"{person.Name} on the {screen} screen: {violation.Id} ({violation.Impact}): {violation.Help}");
            foreach (var node in violation.Nodes)
            {
                var checks = node.Any.Concat(node.All).Concat(node.None).Select(check => check.Message);
                problems.AppendLine($"  {node.Target} {node.Html}: {string.Join("; ", checks)}");
            }
        }
    }
}
