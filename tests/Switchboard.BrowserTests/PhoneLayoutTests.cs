using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>On a phone the other person fills the screen and the self-view is a small corner over it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const int PhoneWidth = 390;
    private const int PhoneHeight = 844;

    [Fact]
    public async Task PhoneLayout_InATwoPersonCall_RemoteLargeAndSelfViewSmall()
    {
        await using var scenario = new Scenario(browser, output, "phone-layout");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob", device: options =>
        {
            options.ViewportSize = new() { Width = PhoneWidth, Height = PhoneHeight };
            options.IsMobile = true;
            options.HasTouch = true;
        });

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await bob.ExpectRemoteVideosPlayingAsync(1);

        var remote = await BoxAsync(bob.RemoteVideos);
        var self = await BoxAsync(bob.Page.Locator("#local-tile"));
        scenario.Log($"remote {remote.Width}x{remote.Height} at {remote.X},{remote.Y}; self {self.Width}x{self.Height} at {self.X},{self.Y}");

        Assert.True(remote.Width >= PhoneWidth * 0.9, $"the remote video is {remote.Width} px wide on a {PhoneWidth} px screen");
        Assert.True(remote.Height >= PhoneHeight * 0.5, $"the remote video is {remote.Height} px high on a {PhoneHeight} px screen");
        Assert.True(self.Width * self.Height <= remote.Width * remote.Height * 0.15, "the self-view is not small beside the remote video");
        Assert.True(self.Width >= 96, $"the self-view is {self.Width} px wide: too small to see oneself");
        // A corner over the remote video, not a tile of its own beside or under it.
        Assert.True(self.X >= remote.X && self.X + self.Width <= remote.X + remote.Width && self.Y >= remote.Y && self.Y + self.Height <= remote.Y + remote.Height,
            "the self-view is not inside the remote video's area");
        // Hang up is reachable without scrolling.
        var hangUp = await BoxAsync(bob.Page.GetByTestId("hang-up"));
        Assert.True(hangUp.Y + hangUp.Height <= PhoneHeight, $"Hang up is at {hangUp.Y} px, below the first screen");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task PhoneLayout_OnTheStartPage_PreviewTakesTheWidth()
    {
        await using var scenario = new Scenario(browser, output, "phone-lobby");
        var bob = await scenario.AddPersonAsync("bob", device: options =>
        {
            options.ViewportSize = new() { Width = PhoneWidth, Height = PhoneHeight };
            options.IsMobile = true;
            options.HasTouch = true;
        });

        await bob.OpenAsync(scenario.BaseUrl);

        var self = await BoxAsync(bob.Page.Locator("#local-tile"));
        Assert.True(self.Width >= PhoneWidth * 0.9, $"the preview is {self.Width} px wide on a {PhoneWidth} px screen");
        var scrollWidth = await bob.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= PhoneWidth, $"the page is {scrollWidth} px wide: it scrolls sideways on a {PhoneWidth} px screen");

        await scenario.FinishAsync();
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not shown");
}
