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

    [Fact]
    public async Task RestartDelay_ManySamples_SpreadEvenlyOverOneToFiveSeconds()
    {
        await using var scenario = new Scenario(browser, output, "restart-delay");
        var page = (await scenario.AddPersonAsync("probe")).Page;
        await page.GotoAsync(scenario.BaseUrl);

        var json = await page.EvaluateAsync<string>("""
            async () => {
              const { restartDelay, defaultRestart } = await import('/js/reconnect.js');
              return JSON.stringify({
                low: restartDelay(defaultRestart, () => 0),
                high: restartDelay(defaultRestart, () => 0.999999),
                samples: [...Array(2000).keys()].map(() => restartDelay()),
              });
            }
            """).WaitAsync(BrowserTimeouts.Action);
        var result = JsonSerializer.Deserialize<RestartSample>(json, _json)!;

        Assert.Equal(1000, result.Low);
        Assert.Equal(5000, result.High);
        Assert.All(result.Samples, delay => Assert.InRange(delay, 1000, 5000));
        // Uniform: each of the four seconds gets about a quarter (500 ± 19 for 2000 samples; 400 is 5 σ off).
        var perSecond = result.Samples.GroupBy(delay => Math.Min(3, (delay - 1000) / 1000)).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(Enumerable.Range(0, 4), second => Assert.InRange(perSecond.GetValueOrDefault(second), 400, 600));

        await scenario.FinishAsync();
    }

    [Fact]
    public async Task SignalingSocket_ServerClosesWith1012_FirstRetryWaitsRestartDelayThenBacksOff()
    {
        await using var scenario = new Scenario(browser, output, "restart-retry");
        var page = (await scenario.AddPersonAsync("probe")).Page;
        await page.GotoAsync(scenario.BaseUrl);

        // A stand-in WebSocket that opens or fails and then closes with the code each step says, so the
        // socket's retry decisions can be read without a server and without waiting for real delays.
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const { SignalingSocket } = await import('/js/signaling.js');
              const run = (script, options = {}) => new Promise((resolve) => {
                const steps = [...script];
                class FakeSocket {
                  static OPEN = 1;
                  readyState = 0;
                  constructor() {
                    const step = steps.shift();
                    setTimeout(() => {
                      if (step.open) { this.readyState = 1; this.onopen?.(); }
                      this.readyState = 3;
                      this.onclose?.({ code: step.code, reason: '' });
                    }, 0);
                  }
                  send() {}
                  close() {}
                }
                const retries = [];
                const socket = new SignalingSocket('ws://127.0.0.1:9/ws', { WebSocketImpl: FakeSocket, ...options });
                socket.addEventListener('retry', (e) => {
                  retries.push(e.detail);
                  if (steps.length === 0) { socket.stop(); resolve(retries); }
                });
                socket.start();
              });
              const fast = { restart: { minMs: 5, maxMs: 5 }, backoff: { baseMs: 10, capMs: 40, factor: 2, jitter: 0.5 } };
              return JSON.stringify({
                restartThenDown: await run([{ open: true, code: 1012 }, { open: false, code: 1006 }, { open: false, code: 1006 }], fast),
                restart: await run([{ open: true, code: 1012 }]),
                drop: await run([{ open: true, code: 1006 }]),
              });
            }
            """).WaitAsync(BrowserTimeouts.Action);
        var result = JsonSerializer.Deserialize<RetryRuns>(json, _json)!;

        // A restart: the first try waits the restart delay (1-5 s by default), not the backoff's first half second.
        var restart = Assert.Single(result.Restart);
        Assert.True(restart.ServerRestarting);
        Assert.InRange(restart.DelayMs, 1000, 5000);
        // While the server stays away the page keeps saying it is restarting, and backs off as usual.
        Assert.Collection(
            result.RestartThenDown,
            first => Assert.Equal((0, 5, true), (first.Attempt, first.DelayMs, first.ServerRestarting)),
            second => Assert.Equal((0, true), (second.Attempt, second.ServerRestarting)),
            third => Assert.Equal((1, true), (third.Attempt, third.ServerRestarting)));
        Assert.InRange(result.RestartThenDown[1].DelayMs, 5, 10);
        Assert.InRange(result.RestartThenDown[2].DelayMs, 10, 20);
        // Any other drop is not a restart: the usual backoff from its first step.
        var drop = Assert.Single(result.Drop);
        Assert.False(drop.ServerRestarting);
        Assert.InRange(drop.DelayMs, 250, 500);

        await scenario.FinishAsync();
    }

    private sealed record BackoffSample(int[] Low, int[] High, int[] Random, int Cap);

    private sealed record RestartSample(int Low, int High, int[] Samples);

    private sealed record Retry(int Attempt, int DelayMs, bool ServerRestarting);

    private sealed record RetryRuns(Retry[] RestartThenDown, Retry[] Restart, Retry[] Drop);
}
