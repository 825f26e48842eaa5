using System.Text;
using BenchmarkDotNet.Attributes;
using Switchboard.Server.Protocol;

namespace Switchboard.Benchmarks;

/// <summary>Formatting a relayed message (the sender's bytes plus <c>from</c>), including returning its pooled buffer.</summary>
[MemoryDiagnoser]
public class RelayFormatterBenchmarks
{
    private readonly byte[] _senderId = Encoding.UTF8.GetBytes("q3XwZp0cVb1kR7yTn2mQ4A");
    private byte[] _candidate = [];
    private byte[] _candidateWithFrom = [];
    private byte[] _offer = [];
    private ParsedMessage _parsedCandidate;
    private ParsedMessage _parsedCandidateWithFrom;
    private ParsedMessage _parsedOffer;

    [GlobalSetup]
    public void Setup()
    {
        _candidate = SampleMessages.Candidate();
        _candidateWithFrom = SampleMessages.CandidateWithFrom();
        _offer = SampleMessages.Offer();
        _parsedCandidate = MessageParser.Parse(_candidate);
        _parsedCandidateWithFrom = MessageParser.Parse(_candidateWithFrom);
        _parsedOffer = MessageParser.Parse(_offer);
    }

    [Benchmark(Baseline = true)]
    public int Candidate() => FormatAndRelease(_candidate, _parsedCandidate);

    [Benchmark]
    public int CandidateWithClientFrom() => FormatAndRelease(_candidateWithFrom, _parsedCandidateWithFrom);

    [Benchmark]
    public int Offer4kB() => FormatAndRelease(_offer, _parsedOffer);

    private int FormatAndRelease(byte[] message, in ParsedMessage parsed)
    {
        var relayed = RelayFormatter.Format(message, parsed, _senderId);
        var length = relayed.Length;
        relayed.Release();
        return length;
    }
}
