using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class TwoPersonCallTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Call_SecondPersonOpensShareLink_BothConnectWithVideoAndChatBothWays()
    {
        await using var scenario = new Scenario(browser, output, "two-person-call");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);

        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), bob.ExpectRemoteVideosPlayingAsync(1));
        await Expect(bob.RoomId).ToHaveTextAsync(await alice.RoomId.InnerTextAsync());

        await alice.SendChatAsync("Hello from Alice");
        await bob.ExpectChatAsync("Hello from Alice");
        await bob.SendChatAsync("Hi Alice, Bob here");
        await alice.ExpectChatAsync("Hi Alice, Bob here");

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task HangUp_SecondPersonLeaves_FirstSeesThemLeaveAndAThirdCanJoin()
    {
        await using var scenario = new Scenario(browser, output, "hang-up");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var carol = await scenario.AddPersonAsync("carol");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync();
        await bob.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), bob.ExpectCallStateAsync("connected"));

        await bob.Page.GetByTestId("hang-up").ClickAsync();

        await bob.ExpectCallStateAsync("ended");
        await alice.ExpectCallStateAsync("waiting");
        await Expect(alice.RemoteVideos).ToHaveCountAsync(0);
        await alice.ExpectChatAsync("left the call");

        await carol.OpenAsync(link);
        await Task.WhenAll(alice.ExpectCallStateAsync("connected"), carol.ExpectCallStateAsync("connected"));
        await Task.WhenAll(alice.ExpectRemoteVideosPlayingAsync(1), carol.ExpectRemoteVideosPlayingAsync(1));

        await scenario.FinishAsync();
    }
}
