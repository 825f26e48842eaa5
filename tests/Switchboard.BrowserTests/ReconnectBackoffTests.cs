using System.Text.Json;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>The page's reconnect policy (wwwroot/js/reconnect.js), run in the browser that uses it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectBackoffTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task BackoffDelay_ManyAttempts_GrowsWithJitterAndStaysUnderCap()
    {
        await using var scenario = new Scenario(browser, output, "backoff");
        var page = (await scenario.AddPersonAsync("probe")).Page;
        await page.GotoAsync(scenario.BaseUrl);

        var json = await page.EvaluateAsync<string>("""
            async () => {
              const { backoffDelay, defaultBackoff } = await import('/js/reconnect.js');
              const low = [...Array(8).keys()].map((a) => backoffDelay(a, defaultBackoff, () => 0));
              const high = [...Array(8).keys()].map((a) => backoffDelay(a, defaultBackoff, () => 0.999999));
              const random = [...Array(200).keys()].map(() => backoffDelay(3));
              return JSON.stringify({ low, high, random, cap: defaultBackoff.capMs });
            }
            """).WaitAsync(BrowserTimeouts.Action);
        var result = JsonSerializer.Deserialize<BackoffSample>(json, _json)!;

        Assert.Equal([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000], result.Low);
        Assert.All(result.High.Zip(result.Low), pair => Assert.InRange(pair.First, pair.Second / 2, pair.Second));
        Assert.All(result.Random, delay => Assert.InRange(delay, 2000, 4000));
        Assert.True(result.Random.Distinct().Count() > 10, "jitter should spread the delays");
        Assert.All(result.Low.Concat(result.High), delay => Assert.True(delay <= result.Cap));

        await scenario.FinishAsync();
    }

    private sealed record BackoffSample(int[] Low, int[] High, int[] Random, int Cap);
}
