using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Switchboard.Testing;

/// <summary>
/// A real coturn (Debian's <c>turnserver</c>) on 127.0.0.1 with a static auth secret, started once for a
/// test class, and <c>turnutils_uclient</c> to try a credential against it. The recipe is
/// ../shared/spec/ROBUSTNESS.md §A5; a missing binary fails the test (eng/test.sh installs coturn).
/// </summary>
public sealed class CoturnServer : IAsyncLifetime
{
    /// <summary>The secrets coturn is started with: both verify credentials, as while a secret is being rotated.</summary>
    public const string OldSecret = "switchboard-test-old-secret-0001";

    public const string NewSecret = "switchboard-test-new-secret-0002";

    private const string TurnServer = "/usr/bin/turnserver";
    private const string Uclient = "/usr/bin/turnutils_uclient";

    private readonly StringBuilder _log = new();
    private Process? _process;
    private string? _scratch;

    public async Task InitializeAsync()
    {
        foreach (var binary in new[] { TurnServer, Uclient })
        {
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException($"{binary} is missing: install coturn (apt-get install -y coturn; eng/test.sh does it).");
            }
        }

        _scratch = Directory.CreateTempSubdirectory("switchboard-coturn-").FullName;
        Port = FreeTcpAndUdpPort();
        // Relay ports above the kernel's ephemeral range (32768–60999), so no client socket holds them;
        // spread by port so two coturns in one run seldom try the same ones (coturn skips a taken port).
        var relayStart = 61_000 + (Port % 40 * 100);
        var start = new ProcessStartInfo(TurnServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-n", "--no-cli", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={Port}",
            $"--min-port={relayStart}", $"--max-port={relayStart + 99}",
            "--use-auth-secret", $"--static-auth-secret={OldSecret}", $"--static-auth-secret={NewSecret}",
            "--realm=switchboard.test", "--no-tls", "--no-dtls", "--allow-loopback-peers",
            $"--db={Path.Combine(_scratch, "turndb")}", $"--pidfile={Path.Combine(_scratch, "turnserver.pid")}", "--log-file=stdout", "--simple-log",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start.");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // coturn says no word when its listeners are up: its relay threads are announced after them, and
        // the TCP port then takes connections.
        await Retry.UntilAsync("coturn is up", () => process.HasExited || (Log.Contains("Total General servers", StringComparison.Ordinal) && Accepts(Port)));
        if (process.HasExited)
        {
            throw new InvalidOperationException($"turnserver exited with {process.ExitCode}:\n{Log}");
        }
    }

    /// <summary>coturn's listening port (UDP and TCP) on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The URL a Switchboard hands to clients for this coturn.</summary>
    public string Url => $"turn:127.0.0.1:{Port}";

    /// <summary>Everything coturn logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// <c>turnutils_uclient -y</c>: two clients allocate relays with the credential and send each other
    /// packets through them. Exit 0 when the allocations worked; 255 ("Cannot complete Allocation") when
    /// coturn refused the credential.
    /// </summary>
    public async Task<(int ExitCode, string Output)> TryCredentialAsync(string username, string credential)
    {
        var start = new ProcessStartInfo(Uclient)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-y", "-n", "1", "-c", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", username, "-w", credential, "127.0.0.1" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("turnutils_uclient did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            // A refusal comes within a fraction of a second and a success within about 5 s (uclient's own pacing).
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new TimeoutException($"turnutils_uclient did not finish:\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreeTcpAndUdpPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
