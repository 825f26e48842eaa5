using BenchmarkDotNet.Attributes;
using Switchboard.Server.Protocol;

namespace Switchboard.Benchmarks;

/// <summary>Parsing one received message: the first thing the server does with every message.</summary>
[MemoryDiagnoser]
public class MessageParserBenchmarks
{
    private readonly byte[] _candidate = SampleMessages.Candidate();
    private readonly byte[] _candidateWithFrom = SampleMessages.CandidateWithFrom();
    private readonly byte[] _offer = SampleMessages.Offer();
    private readonly byte[] _createRoom = SampleMessages.CreateRoom();

    [Benchmark(Baseline = true)]
    public int Candidate() => MessageParser.Parse(_candidate).ObjectEnd;

    [Benchmark]
    public int CandidateWithFrom() => MessageParser.Parse(_candidateWithFrom).ObjectEnd;

    [Benchmark]
    public int Offer4kB() => MessageParser.Parse(_offer).ObjectEnd;

    [Benchmark]
    public int CreateRoom() => MessageParser.Parse(_createRoom).ObjectEnd;
}
