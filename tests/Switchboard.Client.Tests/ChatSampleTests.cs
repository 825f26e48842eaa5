using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>samples/Switchboard.Chat as two people would use it: two processes, one creates, one joins, they chat.</summary>
public sealed partial class ChatSampleTests
{
    [Fact]
    public async Task ChatSample_CreateThenJoinInAnotherProcess_LinesTypedReachTheOtherWithTheSender()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = ChatProcess.Start("create", "--server", server.WebSocketAddress.ToString());
        var created = await alice.WaitForLineAsync(l => l.StartsWith("Room created: ", StringComparison.Ordinal));
        var roomId = RoomIdPattern().Match(created).Groups[1].Value;
        Assert.Equal(22, roomId.Length);

        await using var bob = ChatProcess.Start("join", roomId, "--server", server.WebSocketAddress.ToString());
        var joined = await bob.WaitForLineAsync(l => l.StartsWith("Joined ", StringComparison.Ordinal));
        var bobName = Regex.Match(joined, " as (\\S+);").Groups[1].Value;
        await alice.WaitForLineAsync(l => l == $"* {bobName} joined");

        await bob.TypeAsync("hello from bob");
        await alice.WaitForLineAsync(l => l == $"{bobName}: hello from bob");
        await alice.TypeAsync("hi bob");
        await bob.WaitForLineAsync(l => l.EndsWith(": hi bob", StringComparison.Ordinal));

        // Closing standard input ends the chat with a clean close: the other side sees the leave at once.
        await bob.EndInputAsync();
        await alice.WaitForLineAsync(l => l == $"* {bobName} left");
        Assert.Equal(0, await bob.ExitCodeAsync());
    }

    [Fact]
    public async Task ChatSample_JoinUnknownRoom_SaysTheServerRefusedAndExitsOne()
    {
        await using var server = await TestServer.StartAsync();
        await using var chat = ChatProcess.Start("join", "AAAAAAAAAAAAAAAAAAAAAA", "--server", server.WebSocketAddress.ToString());

        Assert.Equal(1, await chat.ExitCodeAsync());
        Assert.Contains("room-not-found", chat.Errors, StringComparison.Ordinal);
    }

    [GeneratedRegex("^Room created: (\\S+)$")]
    private static partial Regex RoomIdPattern();

    /// <summary>The built sample, run with <c>dotnet exec</c>; its output read line by line as it comes.</summary>
    private sealed class ChatProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly List<string> _seen = [];
        private readonly System.Text.StringBuilder _errors = new();

        private ChatProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _lines.Writer.TryComplete();
                    return;
                }

                lock (_seen)
                {
                    _seen.Add(e.Data);
                }

                _lines.Writer.TryWrite(e.Data);
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public static ChatProcess Start(params string[] arguments)
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var dll = Path.Combine(SwitchboardProcess.RepositoryRoot, "samples", "Switchboard.Chat", "bin", configuration, "net10.0", "Switchboard.Chat.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["exec", dll, .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            var process = new Process { StartInfo = start };
            var chat = new ChatProcess(process);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return chat;
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            try
            {
                while (true)
                {
                    var line = await _lines.Reader.ReadAsync(cts.Token);
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                string seen;
                lock (_seen)
                {
                    seen = string.Join("\n", _seen);
                }

                throw new TimeoutException($"The chat did not print the line in time. It printed:\n{seen}\nand on stderr:\n{Errors}");
            }
        }

        public async Task TypeAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line).DefaultTimeout();
            await _process.StandardInput.FlushAsync().DefaultTimeout();
        }

        public Task EndInputAsync()
        {
            _process.StandardInput.Close();
            return Task.CompletedTask;
        }

        public async Task<int> ExitCodeAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _process.Dispose();
        }
    }
}
