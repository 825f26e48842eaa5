using Microsoft.Playwright;
using Switchboard.Testing;

namespace Switchboard.BrowserTests;

/// <summary>
/// One Chromium and one Switchboard server for the whole collection: starting either takes longer than
/// most scenarios do. Every person still gets a browser context of their own (see <see cref="Scenario"/>).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; nothing downloads a browser of its own. SWITCHBOARD_CHROMIUM overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("SWITCHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private SwitchboardProcess? _server;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>The server most scenarios share; rooms keep them apart.</summary>
    public SwitchboardProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Where screenshots go: $ARTIFACTS/browser-tests if set, else artifacts/browser-tests in the repository (ignored by git).</summary>
    public string ArtifactsDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(SwitchboardProcess.RepositoryRoot, "artifacts"),
        "browser-tests");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium was not found at {ChromiumPath}. Install it with 'apt-get install -y chromium' (never 'playwright install').");
        }

        Directory.CreateDirectory(ArtifactsDirectory);
        Assertions.SetDefaultExpectTimeout((float)BrowserTimeouts.Condition.TotalMilliseconds);
        var serverStart = SwitchboardProcess.StartAsync(["--port", "0"]);
        _playwright = await Playwright.CreateAsync().WaitAsync(BrowserTimeouts.Launch);
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = (float)BrowserTimeouts.Launch.TotalMilliseconds,
            Args =
            [
                // Tests run as root, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        }).WaitAsync(BrowserTimeouts.Launch);
        _server = await serverStart.WaitAsync(BrowserTimeouts.Launch);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync().WaitAsync(BrowserTimeouts.Launch);
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
