using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>What a person sees when the server's message limits hold their page back (docs/web-app.md).</summary>
[Collection(BrowserCollection.Name)]
public sealed class RateLimitedPageTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Join_ManyUnknownRoomIds_ShowsThatTheServerIsHoldingBack()
    {
        await using var scenario = new Scenario(browser, output, "rate-limited");
        var erin = await scenario.AddPersonAsync("erin");
        await erin.OpenAsync(scenario.BaseUrl);

        // The default ration is 20 failed look-ups per connection, then one per 6 s: the 21st unknown id
        // is refused with rate-limited, and so is every one after it within the test's few seconds.
        for (var i = 0; i < 24; i++)
        {
            await erin.JoinByTypingAsync($"NoSuchRoom{i:D12}");
            await Expect(erin.Page.GetByTestId("join-room")).ToBeEnabledAsync();
        }

        await erin.ExpectErrorAsync("rate-limited", "holding back");
        await Expect(erin.Page.Locator("[data-code=\"room-not-found\"]")).ToHaveCountAsync(0);
        await erin.ExpectCallStateAsync("idle");

        await scenario.FinishAsync();
    }
}
