namespace Steadfast.Actors.Tests;

/// <summary>Waits for a condition checked by assertions, for tests that run whole actor systems outside the TestKit.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static Task Check(Action assertion)
    {
        assertion();
        return Task.CompletedTask;
    }

    public static async Task AwaitAsync(Func<Task> assertion)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
