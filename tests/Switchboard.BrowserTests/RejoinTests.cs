using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>The screen after Hang up: Rejoin, a way to start over, and no controls that do nothing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RejoinTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Rejoin_AfterHangUp_BackInTheSameRoomWithVideoBothWays()
    {
        await using var scenario = new Scenario(browser, output, "rejoin");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        var roomId = await alice.RoomId.InnerTextAsync();
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await bob.ChooseNameAsync("Bob");

        await bob.Page.GetByTestId("hang-up").ClickAsync();

        await bob.ExpectCallStateAsync("ended");
        await alice.ExpectCallStateAsync("waiting");
        await Expect(bob.Page.GetByTestId("rejoin")).ToBeVisibleAsync();
        await Expect(bob.Page.GetByTestId("rejoin")).ToBeFocusedAsync();
        await Expect(bob.Page.GetByTestId("start-over")).ToBeVisibleAsync();
        foreach (var control in new[] { "toggle-mic", "toggle-camera", "hang-up", "chat-send", "local-video" })
        {
            await Expect(bob.Page.GetByTestId(control)).ToBeHiddenAsync();
        }

        // Every control left on the screen does something.
        var disabled = await bob.Page.EvaluateAsync<int>("""
            [...document.querySelectorAll('button, input, select, a[href]')]
              .filter((element) => element.checkVisibility() && element.matches(':disabled')).length
            """);
        Assert.Equal(0, disabled);

        await bob.Page.GetByTestId("rejoin").ClickAsync();

        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        await Expect(bob.RoomId).ToHaveTextAsync(roomId);
        await Expect(alice.RemoteNames).ToHaveTextAsync(["Bob"]);
        await Expect(bob.Page.GetByTestId("hang-up")).ToBeVisibleAsync();
        await bob.SendChatAsync("I'm back");
        await alice.ExpectChatAsync("I'm back");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task Rejoin_AfterEveryoneLeft_SaysTheRoomIsGoneAndShowsTheStartPage()
    {
        await using var scenario = new Scenario(browser, output, "rejoin-room-gone");
        var alice = await scenario.AddPersonAsync("alice");

        await alice.OpenAsync(scenario.BaseUrl);
        await alice.CreateRoomAsync();
        await alice.Page.GetByTestId("hang-up").ClickAsync();
        await alice.ExpectCallStateAsync("ended");

        await alice.Page.GetByTestId("rejoin").ClickAsync();

        await alice.ExpectErrorAsync("room-not-found", "everyone may have left");
        await alice.ExpectCallStateAsync("idle");
        await Expect(alice.Page.GetByTestId("create-room")).ToBeVisibleAsync();
        await Expect(alice.Page.GetByTestId("create-room")).ToBeEnabledAsync();
        await Expect(alice.Page.GetByTestId("rejoin")).ToBeHiddenAsync();

        await scenario.FinishAsync();
    }
}
