namespace Steadfast.Runtime.Tests;

public sealed class RetryPolicySpec
{
    [Fact]
    public void Delays_should_grow_by_the_coefficient_and_stop_at_the_cap()
    {
        var p = RetryPolicy.Exponential(10, TimeSpan.FromSeconds(1), 3, TimeSpan.FromSeconds(20));

        Assert.Equal([1, 3, 9, 20, 20], Enumerable.Range(1, 5).Select(a => p.DelayAfterAttempt(a).TotalSeconds));
    }

    [Fact]
    public void Non_retryable_types_should_match_full_or_short_names()
    {
        var p = RetryPolicy.Exponential(nonRetryable: typeof(ArgumentException));

        Assert.True(p.IsNonRetryable("System.ArgumentException"));
        Assert.True(p.IsNonRetryable("ArgumentException"));
        Assert.False(p.IsNonRetryable("System.ArgumentNullException"));
    }

    [Theory]
    [InlineData(0, 1, 2.0, 10)]
    [InlineData(3, 1, 0.5, 10)]
    [InlineData(3, 5, 2.0, 1)]
    public void Out_of_range_fields_should_be_rejected(int attempts, int initialS, double coefficient, int maxS)
    {
        Assert.Throws<ArgumentException>(() => RetryPolicy.Exponential(attempts, TimeSpan.FromSeconds(initialS), coefficient, TimeSpan.FromSeconds(maxS)));
    }
}
