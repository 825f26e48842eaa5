using Microsoft.Extensions.Time.Testing;
using Switchboard.Server.Connections;

namespace Switchboard.Server.Tests;

public sealed class MessageBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    private MessageRates Rates(Action<MessageLimitOptions>? change = null)
    {
        var options = new MessageLimitOptions();
        change?.Invoke(options);
        return new MessageRates(options, _time);
    }

    private static int Take(ref MessageBudget budget, long now, MessageRates rates, int count)
    {
        var taken = 0;
        for (var i = 0; i < count; i++)
        {
            if (budget.TryTakeMessage(now, rates, out _))
            {
                taken++;
            }
        }

        return taken;
    }

    [Fact]
    public void TryTakeMessage_FullBucket_TakesTheBurstAtOnceAndNoMore()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.MessageBurst) = (50, 600));
        var budget = default(MessageBudget);

        Assert.Equal(600, Take(ref budget, _time.GetTimestamp(), rates, 600));
        Assert.False(budget.TryTakeMessage(_time.GetTimestamp(), rates, out var retryAfter));

        // One message refills every 1/50 s: the answer says exactly that long.
        Assert.Equal(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds((double)retryAfter / _time.TimestampFrequency));
    }

    [Fact]
    public void TryTakeMessage_AfterTime_RefillsAtTheRateUpToTheBurst()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.MessageBurst) = (50, 100));
        var budget = default(MessageBudget);
        Take(ref budget, _time.GetTimestamp(), rates, 100);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(50, Take(ref budget, _time.GetTimestamp(), rates, 1000));

        // A long quiet spell refills the bucket, never beyond its burst.
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(100, Take(ref budget, _time.GetTimestamp(), rates, 1000));
    }

    [Fact]
    public void TryTakeMessage_SteadyAtTheRate_IsNeverRefused()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.MessageBurst) = (50, 1));
        var budget = default(MessageBudget);

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(budget.TryTakeMessage(_time.GetTimestamp(), rates, out _), $"message {i}");
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }
    }

    [Fact]
    public void TryTakeMessage_NoLimit_TakesEverything()
    {
        var rates = Rates(o => o.MessagesPerSecond = 0);
        var budget = default(MessageBudget);

        Assert.Equal(100_000, Take(ref budget, _time.GetTimestamp(), rates, 100_000));
    }

    [Fact]
    public void CanLookUp_FailuresSpent_RefusesUntilOneRefills()
    {
        var rates = Rates(o => (o.FailedRoomLookupsPerMinute, o.FailedRoomLookupBurst) = (10, 20));
        var budget = default(MessageBudget);
        var failed = 0;
        while (budget.CanLookUp(0, rates, out _))
        {
            budget.ChargeFailedLookUp(0, rates);
            failed++;
        }

        Assert.Equal(20, failed);
        Assert.False(budget.CanLookUp(0, rates, out var retryAfterMs));
        Assert.Equal(6000, retryAfterMs);
        Assert.False(budget.CanLookUp(5_999, rates, out _));
        Assert.True(budget.CanLookUp(6_000, rates, out _));
    }

    [Fact]
    public void CanLookUp_SuccessfulLookUps_CostNothing()
    {
        var rates = Rates(o => o.FailedRoomLookupBurst = 1);
        var budget = default(MessageBudget);

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(budget.CanLookUp(0, rates, out _));
        }
    }

    [Fact]
    public void CanLookUp_IdleAcrossTheMillisecondWrap_IsFull()
    {
        var rates = Rates(o => (o.FailedRoomLookupsPerMinute, o.FailedRoomLookupBurst) = (10, 2));
        var budget = default(MessageBudget);
        budget.ChargeFailedLookUp(0, rates);
        budget.ChargeFailedLookUp(0, rates);

        // 2^31 and 2^32 ms later a 32-bit millisecond clock would read what it read then, or its opposite.
        Assert.True(budget.CanLookUp(1L << 31, rates, out _));
        Assert.True(budget.CanLookUp(1L << 32, rates, out _));
    }

    [Fact]
    public void CountRefusal_FloodForTheWholeDuration_IsAFlood()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.FloodFactor, o.FloodDuration) = (50, 10, TimeSpan.FromSeconds(3)));
        var budget = default(MessageBudget);

        // More than 9 x 50 refusals in each of three seconds in a row: closed in the third.
        Assert.False(Refuse(ref budget, rates, atMs: 0, count: 1000));
        Assert.False(Refuse(ref budget, rates, atMs: 1000, count: 1000));
        Assert.True(Refuse(ref budget, rates, atMs: 2000, count: 1000));
    }

    [Fact]
    public void CountRefusal_BelowTheFactor_IsNeverAFlood()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.FloodFactor) = (50, 10));
        var budget = default(MessageBudget);

        // 450 refusals a second: a sender at 9x its limit is refused, not closed.
        for (var second = 0; second < 30; second++)
        {
            Assert.False(Refuse(ref budget, rates, atMs: second * 1000L, count: 450));
        }
    }

    [Fact]
    public void CountRefusal_QuietSecondBetweenFloods_StartsOver()
    {
        var rates = Rates(o => (o.MessagesPerSecond, o.FloodDuration) = (50, TimeSpan.FromSeconds(3)));
        var budget = default(MessageBudget);

        Assert.False(Refuse(ref budget, rates, atMs: 0, count: 1000));
        Assert.False(Refuse(ref budget, rates, atMs: 1000, count: 1000));
        Assert.False(Refuse(ref budget, rates, atMs: 3000, count: 1000));
        Assert.False(Refuse(ref budget, rates, atMs: 4000, count: 1000));
        Assert.True(Refuse(ref budget, rates, atMs: 5000, count: 1000));
    }

    /// <summary>Counts <paramref name="count"/> refusals within the second starting at <paramref name="atMs"/>; true if one of them made a flood.</summary>
    private static bool Refuse(ref MessageBudget budget, MessageRates rates, long atMs, int count)
    {
        var flood = false;
        for (var i = 0; i < count; i++)
        {
            flood |= budget.CountRefusal(atMs + (i * 999L / count), rates);
        }

        return flood;
    }
}
