using System.Diagnostics;
using Switchboard.Server.Auth;
using Switchboard.Testing;

namespace Switchboard.Server.Tests.Auth;

/// <summary>docs/auth.md's openssl recipe, run as written: the token it prints is one Switchboard accepts.</summary>
public sealed class AuthDocsTests
{
    [Fact]
    public async Task OpensslRecipe_AsInDocs_MintsATokenSwitchboardAccepts()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(SwitchboardProcess.RepositoryRoot, "docs", "auth.md"));
        var start = doc.IndexOf("```sh\n", doc.IndexOf("### Shell, with openssl", StringComparison.Ordinal), StringComparison.Ordinal) + 6;
        var script = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        var secret = script.Split('\'')[1];

        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true })!;
        var token = (await bash.StandardOutput.ReadToEndAsync()).Trim();
        await bash.WaitForExitAsync();

        var validator = new JwtTokenValidator(new JwtOptions { Issuer = "https://app.example.com", Audience = "switchboard", SigningKeys = [secret] }, TimeProvider.System);
        var check = validator.Validate(token);
        Assert.Null(check.Failure);
        Assert.Contains("\"name\":\"Ada\"", System.Text.Encoding.UTF8.GetString(check.Grant!.Identity!), StringComparison.Ordinal);
    }
}
