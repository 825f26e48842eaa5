using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed partial class CameraTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Join_CameraDenied_ShowsPlainErrorAndStillReceivesVideoAndChat()
    {
        await using var scenario = new Scenario(browser, output, "camera-denied");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob", Camera.Denied);

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);

        await bob.ExpectErrorAsync("camera-denied", "camera and microphone are blocked");
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await bob.ExpectRemoteVideosPlayingAsync(1);
        await Expect(LocalTile(bob)).ToHaveClassAsync(NoVideo());
        await Expect(RemoteTile(alice)).ToHaveClassAsync(NoVideo());

        await bob.SendChatAsync("I can see you, but my camera is blocked");
        await alice.ExpectChatAsync("I can see you, but my camera is blocked");
        await alice.SendChatAsync("Got it");
        await bob.ExpectChatAsync("Got it");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task ToggleCamera_BothOffThenOn_OthersSeePlaceholderThenVideoAgain()
    {
        await using var scenario = new Scenario(browser, output, "camera-toggle");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));

        await Task.WhenAll(ToggleCameraAsync(alice), ToggleCameraAsync(bob));
        await Task.WhenAll(Expect(RemoteTile(alice)).ToHaveClassAsync(NoVideo()), Expect(RemoteTile(bob)).ToHaveClassAsync(NoVideo()));
        await Task.WhenAll(Expect(LocalTile(alice)).ToHaveClassAsync(NoVideo()), Expect(LocalTile(bob)).ToHaveClassAsync(NoVideo()));
        await Expect(alice.Page.GetByTestId("toggle-camera")).ToHaveAttributeAsync("aria-pressed", "true");

        await Task.WhenAll(ToggleCameraAsync(alice), ToggleCameraAsync(bob));
        await Task.WhenAll(Expect(RemoteTile(alice)).Not.ToHaveClassAsync(NoVideo()), Expect(RemoteTile(bob)).Not.ToHaveClassAsync(NoVideo()));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));

        await alice.Page.GetByTestId("toggle-mic").ClickAsync();
        await Expect(alice.Page.GetByTestId("toggle-mic")).ToHaveAttributeAsync("aria-pressed", "true");
        await alice.ExpectCallStateAsync("connected");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task ToggleCamera_JoinedWithoutCameraThenAllowsIt_RenegotiatesAndOthersSeeTheVideo()
    {
        await using var scenario = new Scenario(browser, output, "camera-later");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob", Camera.DeniedAtFirst);

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await bob.ExpectErrorAsync("camera-denied", "blocked");
        await bob.ExpectRemoteVideosPlayingAsync(1);
        await Expect(RemoteTile(alice)).ToHaveClassAsync(NoVideo());

        // Bob had nothing to send, so his side of the call only received: sending now takes a new offer.
        await ToggleCameraAsync(bob);

        await alice.ExpectRemoteVideosPlayingAsync(1);
        await Expect(RemoteTile(alice)).Not.ToHaveClassAsync(NoVideo());
        await Expect(LocalTile(bob)).Not.ToHaveClassAsync(NoVideo());
        await bob.ExpectRemoteVideosPlayingAsync(1);

        await scenario.FinishAsync();
    }

    private static ILocator RemoteTile(Person person) => person.Page.Locator("figure:has([data-testid=\"remote-video\"])");

    private static ILocator LocalTile(Person person) => person.Page.Locator("#local-tile");

    private static async Task ToggleCameraAsync(Person person)
    {
        var button = person.Page.GetByTestId("toggle-camera");
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
    }

    [GeneratedRegex(@"\bno-video\b")]
    private static partial Regex NoVideo();
}
