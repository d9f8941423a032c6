namespace Steadfast.Actors.Tests;

/// <summary>What a caller of <see cref="WorkflowClient"/> sees when the host does not answer in time: Steadfast's own timeout.</summary>
public sealed class WorkflowClientSpec : IDisposable
{
    private readonly SqliteJournal _journal = new();

    [Fact]
    public async Task No_answer_in_time_should_be_a_workflow_timeout_that_says_what_was_asked()
    {
        await using var host = _journal.StartHost(TestRegistry.Create(), "client");
        var id = $"waiting-{Guid.NewGuid():N}";
        await host.Client.StartJsonAsync(id, "AddsSignal", "1"); // waits for a signal that never comes

        var timeout = await Assert.ThrowsAsync<WorkflowTimeoutException>(() => host.Client.WaitAsync(id, TimeSpan.FromMilliseconds(300)));

        Assert.IsAssignableFrom<TimeoutException>(timeout);
        Assert.StartsWith($"No answer for the result of '{id[..Math.Min(id.Length, 40)]}", timeout.Message);
        Assert.Contains("sending it again is safe", timeout.Message);
    }

    public void Dispose() => _journal.Dispose();
}
