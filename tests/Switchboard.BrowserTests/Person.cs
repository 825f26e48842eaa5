using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.BrowserTests;

/// <summary>
/// One person in a call: a browser context of their own (nothing shared with the others, as on two
/// machines) and the page, driven through its data-testid hooks the way a person would use it.
/// </summary>
public sealed class Person
{
    // Makes the page's camera request fail the way a refused permission prompt does.
    private const string DenyCameraScript = """
        Object.defineProperty(navigator.mediaDevices, 'getUserMedia', {
          configurable: true,
          value: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
        });
        """;

    // Refuses the page's first camera request only, as when a person says no at first and later allows it.
    private const string DenyCameraOnceScript = """
        (() => {
          const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          let refused = false;
          Object.defineProperty(navigator.mediaDevices, 'getUserMedia', {
            configurable: true,
            value: (constraints) => {
              if (refused) return real(constraints);
              refused = true;
              return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
            },
          });
        })();
        """;

    // Every remote video has frames (videoWidth > 0), is playing, and its currentTime moved on by
    // `advance` seconds since this probe (named by `token`) first saw it: media is flowing now.
    private const string RemoteVideosPlaying = """
        ({ count, token, advance }) => {
          const videos = [...document.querySelectorAll('[data-testid="remote-video"]')];
          if (videos.length !== count) return false;
          const probes = (window.__testProbes ??= {});
          const seen = (probes[token] ??= new WeakMap());
          return videos.every((video) => {
            if (video.paused || video.readyState < 2 || !(video.videoWidth > 0)) return false;
            if (!seen.has(video)) { seen.set(video, video.currentTime); return false; }
            return video.currentTime >= seen.get(video) + advance;
          });
        }
        """;

    private readonly List<string> _consoleErrors = [];
    private readonly Scenario _scenario;
    private int _probes;

    private Person(Scenario scenario, string name, IBrowserContext context, IPage page)
    {
        _scenario = scenario;
        Name = name;
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            _scenario.Log($"{Name} console.{message.Type}: {message.Text}");
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            _scenario.Log($"{Name} page error: {error}");
            lock (_consoleErrors)
            {
                _consoleErrors.Add("page error: " + error);
            }
        };
        page.RequestFailed += (_, request) => _scenario.Log($"{Name} request failed: {request.Url} {request.Failure}");
    }

    public string Name { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public ILocator CallState => Page.GetByTestId("call-state");

    public ILocator SignalingState => Page.GetByTestId("signaling-state");

    public ILocator Error => Page.GetByTestId("error");

    public ILocator RoomId => Page.GetByTestId("room-id");

    public ILocator RemoteVideos => Page.GetByTestId("remote-video");

    public ILocator ChatLog => Page.GetByTestId("chat-log");

    /// <summary>The names on the other people's tiles, as this page shows them.</summary>
    public ILocator RemoteNames => Page.GetByTestId("remote-name");

    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (_consoleErrors)
            {
                return [.. _consoleErrors];
            }
        }
    }

    internal static async Task<Person> EnterAsync(Scenario scenario, IBrowser browser, string name, Camera camera, string? initScript = null, Action<BrowserNewContextOptions>? device = null)
    {
        var options = new BrowserNewContextOptions { ViewportSize = new() { Width = 1100, Height = 720 } };
        device?.Invoke(options);
        var context = await browser.NewContextAsync(options).WaitAsync(BrowserTimeouts.Action);
        context.SetDefaultTimeout((float)BrowserTimeouts.Action.TotalMilliseconds);
        if (camera != Camera.Allowed)
        {
            await context.AddInitScriptAsync(camera == Camera.Denied ? DenyCameraScript : DenyCameraOnceScript).WaitAsync(BrowserTimeouts.Action);
        }

        if (initScript is not null)
        {
            await context.AddInitScriptAsync(initScript).WaitAsync(BrowserTimeouts.Action);
        }

        var page = await context.NewPageAsync().WaitAsync(BrowserTimeouts.Action);
        return new Person(scenario, name, context, page);
    }

    public async Task OpenAsync(string url)
    {
        await Page.GotoAsync(url);
        await Expect(SignalingState).ToHaveTextAsync("connected");
    }

    /// <summary>Creates a room from the start page and returns its share link.</summary>
    public async Task<string> CreateRoomAsync(int capacity = 2)
    {
        await Page.GetByTestId("room-capacity").SelectOptionAsync(capacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.GetByTestId("create-room").ClickAsync();
        await Expect(CallState).ToHaveTextAsync("waiting");
        var link = await Page.GetByTestId("share-link").InputValueAsync();
        var roomId = await RoomId.InnerTextAsync();
        Assert.EndsWith("/#" + roomId, link, StringComparison.Ordinal);
        return link;
    }

    public async Task JoinByTypingAsync(string roomIdOrLink)
    {
        await Page.GetByTestId("join-room-input").FillAsync(roomIdOrLink);
        await Page.GetByTestId("join-room").ClickAsync();
    }

    public Task ExpectCallStateAsync(string state) => Expect(CallState).ToHaveTextAsync(state);

    /// <summary>Types a name into "Your name" and saves it, as a person would.</summary>
    public async Task ChooseNameAsync(string name)
    {
        await Page.GetByTestId("name-input").FillAsync(name);
        await Page.GetByTestId("name-save").ClickAsync();
    }

    /// <summary>Waits until exactly <paramref name="count"/> remote videos show frames and their time advances.</summary>
    public async Task ExpectRemoteVideosPlayingAsync(int count, TimeSpan? timeout = null)
    {
        var token = $"probe{Interlocked.Increment(ref _probes)}";
        await Page.WaitForFunctionAsync(RemoteVideosPlaying, new { count, token, advance = 0.5 }, new()
        {
            Timeout = (float)(timeout ?? BrowserTimeouts.Condition).TotalMilliseconds,
            PollingInterval = 100,
        });
    }

    public async Task SendChatAsync(string text)
    {
        await Page.GetByTestId("chat-input").FillAsync(text);
        await Page.GetByTestId("chat-send").ClickAsync();
        await Expect(ChatLog).ToContainTextAsync(text);
    }

    public Task ExpectChatAsync(string text) => Expect(ChatLog).ToContainTextAsync(text);

    /// <summary>Waits for the problem with this code to be shown, in words that contain <paramref name="words"/>.</summary>
    public async Task ExpectErrorAsync(string code, string words)
    {
        await Expect(Error).ToBeVisibleAsync();
        await Expect(Error.Locator($"[data-code=\"{code}\"]")).ToContainTextAsync(words, new() { IgnoreCase = true });
    }

    public async Task ScreenshotAsync(string path)
    {
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true, Timeout = (float)BrowserTimeouts.Action.TotalMilliseconds });
    }
}
