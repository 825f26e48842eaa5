using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Switchboard.Testing;
using Xunit.Abstractions;

namespace Switchboard.BrowserTests;

/// <summary>
/// switchboard.js as the npm package a TypeScript page installs: <c>npm pack</c> of wwwroot/js, unpacked
/// into a scratch node_modules, and <c>tsc --noEmit --strict</c> (the version pinned in TypeScript/package.json,
/// installed by eng/test.sh) over a file that uses the whole API and one that misuses it.
/// </summary>
public sealed class TypeScriptDeclarationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan _toolTimeout = TimeSpan.FromSeconds(120);
    private static readonly string _moduleDirectory = Path.Combine(SwitchboardProcess.RepositoryRoot, "src", "Switchboard.Host", "wwwroot", "js");
    private static readonly string _checkDirectory = Path.Combine(SwitchboardProcess.RepositoryRoot, "tests", "Switchboard.BrowserTests", "TypeScript");

    private readonly string _scratch = Directory.CreateTempSubdirectory("switchboard-ts-").FullName;

    [Fact]
    public async Task Package_Packed_HoldsTheModulesTheirDeclarationsAndNothingElse()
    {
        var files = await PackAsync();

        Assert.Equal(
            ["package.json", "reconnect.d.ts", "reconnect.js", "signaling.d.ts", "signaling.js", "switchboard.d.ts", "switchboard.js"],
            files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Declarations_UsageOfWholeApi_CompilesUnderStrict()
    {
        await PackAsync();

        var (exitCode, text) = await CompileAsync("usage.ts");

        Assert.True(exitCode == 0, "tsc refused usage.ts:\n" + text);
    }

    [Fact]
    public async Task Declarations_RelayingAProtocolType_FailsToCompile()
    {
        await PackAsync();

        var (exitCode, text) = await CompileAsync("misuse.ts");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("misuse.ts(6,", text, StringComparison.Ordinal);
        Assert.Contains("TS2345", text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>Packs the module folder and unpacks it as node_modules/switchboard-js; returns the packed file names.</summary>
    private async Task<List<string>> PackAsync()
    {
        var (exitCode, text) = await RunAsync("npm", ["pack", "--pack-destination", _scratch, _moduleDirectory], _scratch);
        Assert.True(exitCode == 0, "npm pack failed:\n" + text);
        var tarball = Assert.Single(Directory.GetFiles(_scratch, "*.tgz"));

        var unpacked = Path.Combine(_scratch, "unpacked");
        Directory.CreateDirectory(unpacked);
        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, unpacked, overwriteFiles: false);
        }

        // npm puts everything under package/, which is what an install copies into node_modules/<name>.
        var installed = Path.Combine(_scratch, "node_modules", "switchboard-js");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        Directory.Move(Path.Combine(unpacked, "package"), installed);
        // The checked files are ES modules, as a page's own code is.
        await File.WriteAllTextAsync(Path.Combine(_scratch, "package.json"), """{ "private": true, "type": "module" }""");
        return [.. Directory.EnumerateFiles(installed, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(installed, path))];
    }

    private async Task<(int ExitCode, string Text)> CompileAsync(string file)
    {
        var tsc = Path.Combine(_checkDirectory, "node_modules", ".bin", "tsc");
        Assert.True(File.Exists(tsc), $"TypeScript is not installed at {tsc}: run 'npm ci' in {_checkDirectory} (eng/test.sh does).");
        File.Copy(Path.Combine(_checkDirectory, file), Path.Combine(_scratch, file));
        return await RunAsync(tsc, ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", file], _scratch);
    }

    private async Task<(int ExitCode, string Text)> RunAsync(string fileName, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(_toolTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {_toolTimeout}.");
            }
        }

        var text = (await stdout + await stderr).Trim();
        output.WriteLine($"$ {fileName} {string.Join(' ', arguments)}\n{text}");
        return (process.ExitCode, text);
    }
}
