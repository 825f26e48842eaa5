using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// The people in one test, with what their pages logged. <see cref="FinishAsync"/> saves a screenshot of
/// every page and fails on any console or page error; a scenario that did not finish saves its
/// screenshots as "-failed" when disposed, for looking at what went wrong.
/// </summary>
public sealed class Scenario : IAsyncDisposable
{
    private readonly BrowserFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly string _name;
    private readonly List<Person> _people = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _finished;

    public Scenario(BrowserFixture fixture, ITestOutputHelper output, string name)
    {
        _fixture = fixture;
        _output = output;
        _name = name;
    }

    /// <summary>The shared server's address for pages: 127.0.0.1 is a secure context, as getUserMedia needs.</summary>
    public string BaseUrl => _fixture.Server.HttpAddress.ToString();

    /// <param name="initScript">JavaScript run in every page of this person before the page's own, e.g. to change the network the page sees.</param>
    /// <param name="device">changes the browser context's options, e.g. a phone's viewport or a dark color scheme.</param>
    public async Task<Person> AddPersonAsync(string name, Camera camera = Camera.Allowed, string? initScript = null, Action<BrowserNewContextOptions>? device = null)
    {
        var person = await Person.EnterAsync(this, _fixture.Browser, name, camera, initScript, device);
        _people.Add(person);
        return person;
    }

    /// <summary>
    /// Saves the screenshots and asserts that no page logged an error, except those that
    /// <paramref name="isExpected"/> says this scenario causes on purpose.
    /// </summary>
    public async Task FinishAsync(Func<string, bool>? isExpected = null)
    {
        _finished = true;
        await SaveScreenshotsAsync(string.Empty);
        foreach (var person in _people)
        {
            var unexpected = person.ConsoleErrors.Where(error => isExpected is null || !isExpected(error)).ToList();
            Assert.True(unexpected.Count == 0, $"{person.Name}'s page logged errors:\n" + string.Join('\n', unexpected));
        }
    }

    public void Log(string line)
    {
        try
        {
            _output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F2}s] {line}");
        }
        catch (InvalidOperationException)
        {
            // The page logged after the test ended (while its context was closing): nobody is listening.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            BrowserTimeouts.ShortenAfterFailure();
            await SaveScreenshotsAsync("-failed");
        }

        foreach (var person in _people)
        {
            try
            {
                await person.Context.CloseAsync().WaitAsync(BrowserTimeouts.Action);
            }
            catch (Exception error) when (error is PlaywrightException or TimeoutException)
            {
                Log($"{person.Name}'s context did not close: {error.Message}");
            }
        }
    }

    private async Task SaveScreenshotsAsync(string suffix)
    {
        foreach (var person in _people)
        {
            var path = Path.Combine(_fixture.ArtifactsDirectory, $"{_name}-{person.Name}{suffix}.png");
            try
            {
                await person.ScreenshotAsync(path);
                Log($"screenshot: {path}");
            }
            catch (Exception error) when (error is PlaywrightException or TimeoutException)
            {
                Log($"no screenshot of {person.Name}: {error.Message}");
            }
        }
    }
}
