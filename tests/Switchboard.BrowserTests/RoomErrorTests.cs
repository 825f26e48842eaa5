using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class RoomErrorTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Join_ThirdPersonIntoTwoPersonRoom_ShowsRoomFullAndStaysOut()
    {
        await using var scenario = new Scenario(browser, output, "room-full");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var carol = await scenario.AddPersonAsync("carol");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync(capacity: 2);
        await bob.OpenAsync(link);
        await alice.ExpectCallStateAsync("connected");

        await carol.Page.GotoAsync(link);

        await carol.ExpectErrorAsync("room-full", "room is full");
        await carol.ExpectCallStateAsync("idle");
        await Expect(carol.Page.GetByTestId("create-room")).ToBeVisibleAsync();
        await Expect(carol.RemoteVideos).ToHaveCountAsync(0);
        await Expect(alice.RemoteVideos).ToHaveCountAsync(1);

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task Join_UnknownRoomId_ShowsRoomNotFound()
    {
        await using var scenario = new Scenario(browser, output, "room-not-found");
        var dave = await scenario.AddPersonAsync("dave");

        await dave.OpenAsync(scenario.BaseUrl);
        await dave.JoinByTypingAsync("AAAAAAAAAAAAAAAAAAAAAA");

        await dave.ExpectErrorAsync("room-not-found", "no room with this id");
        await dave.ExpectCallStateAsync("idle");

        await scenario.FinishAsync();
    }
}
