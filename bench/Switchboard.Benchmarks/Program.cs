using BenchmarkDotNet.Running;

// Micro-benchmarks of Switchboard's per-message path. They always run in-process: an out-of-process run
// generates a project inside this repository, which inherits its build rules (warnings as errors,
// central package versions) and does not build.
//   dotnet run -c Release --project bench/Switchboard.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/Switchboard.Benchmarks -- --filter '*Parser*' --job short
var inProcess = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Benchmarks.SampleMessages).Assembly).Run(inProcess);
