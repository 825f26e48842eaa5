using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class MeshCallTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Call_ThreePeopleInCapacityThreeRoom_EachSeesTwoVideosPlaying()
    {
        await using var scenario = new Scenario(browser, output, "three-person-call");
        var alice = await scenario.AddPersonAsync("alice");
        var bob = await scenario.AddPersonAsync("bob");
        var carol = await scenario.AddPersonAsync("carol");

        await alice.OpenAsync(scenario.BaseUrl);
        var link = await alice.CreateRoomAsync(capacity: 3);
        await bob.OpenAsync(link);
        await bob.ExpectCallStateAsync("connected");
        await carol.OpenAsync(link);

        await Task.WhenAll(
            alice.ExpectRemoteVideosPlayingAsync(2),
            bob.ExpectRemoteVideosPlayingAsync(2),
            carol.ExpectRemoteVideosPlayingAsync(2));

        await carol.SendChatAsync("Carol says hi to both");
        await Task.WhenAll(alice.ExpectChatAsync("Carol says hi to both"), bob.ExpectChatAsync("Carol says hi to both"));

        await scenario.FinishAsync();
    }
}
