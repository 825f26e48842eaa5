using System.Diagnostics;
using System.IO.Compression;
using Switchboard.Testing;

namespace Switchboard.Client.Tests;

/// <summary>The client packs as a NuGet package someone outside this repository can install.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Package_PackedFromTheBuild_CarriesTheLibraryItsDocsReadmeAndMitLicense()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var output = Directory.CreateTempSubdirectory("switchboard-pack-");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SwitchboardProcess.RepositoryRoot };
            foreach (var argument in (string[])["pack", "src/Switchboard.Client", "--no-build", "--no-restore", "-c", configuration, "-o", output.FullName])
            {
                start.ArgumentList.Add(argument);
            }

            using var pack = Process.Start(start)!;
            var stdout = pack.StandardOutput.ReadToEndAsync();
            var stderr = pack.StandardError.ReadToEndAsync();
            await pack.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{await stdout}\n{await stderr}");

            var package = Assert.Single(output.GetFiles("Switchboard.Client.*.nupkg"));
            using var zip = ZipFile.OpenRead(package.FullName);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/Switchboard.Client.dll", names);
            Assert.Contains("lib/net10.0/Switchboard.Client.xml", names);
            Assert.Contains("README.md", names);
            using var nuspec = new StreamReader(zip.GetEntry("Switchboard.Client.nuspec")!.Open());
            var manifest = await nuspec.ReadToEndAsync();
            Assert.Contains("<id>Switchboard.Client</id>", manifest, StringComparison.Ordinal);
            Assert.Contains("<license type=\"expression\">MIT</license>", manifest, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
            Assert.Contains("<description>", manifest, StringComparison.Ordinal);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
