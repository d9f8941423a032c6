using Steadfast.Actors.Storage;

namespace Steadfast.Actors.Tests;

public sealed class WorkflowExecutionSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly SqliteJournal _journal;
    private readonly WorkflowClient _client;

    public WorkflowExecutionSpec() : this(new SqliteJournal()) { }

    private WorkflowExecutionSpec(SqliteJournal journal) : base(journal.Setup(), "spec")
    {
        _journal = journal;
        var registry = Sys.ActorOf(WorkflowRouter.Props(TestRegistry.Create(), SteadfastSettings.From(Sys.Settings.Config), SqliteJournal.Services(), JournalReads.ForFile(journal.Path)), "steadfast");
        _client = new WorkflowClient(registry, Wait);
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Completed_workflow_should_have_a_readable_journal_in_sqlite()
    {
        var id = NewId("three");
        Gates.Release(id);

        var accepted = await _client.StartJsonAsync(id, "ThreeSteps", "5");
        var status = await _client.WaitAsync(id, Wait);

        Assert.True(accepted.Created);
        Assert.Equal(ExecutionStatus.Completed, status.Status);
        Assert.Equal("8", status.ResultJson);
        var rows = _journal.Rows("workflow-" + id);
        Assert.Equal(
            ["WorkflowStarted.v1", "ActivityScheduled.v1", "ActivityCompleted.v1", "ActivityScheduled.v1", "ActivityCompleted.v1",
             "ActivityScheduled.v1", "ActivityCompleted.v1", "WorkflowCompleted.v1"],
            rows.Select(r => r.Manifest));
        Assert.Contains($"\"workflowId\":\"{id}\"", rows[0].Payload);
        Assert.Contains("\"activityName\":\"GatedIncrement\"", rows[3].Payload);
        Assert.Contains("\"result\":8", rows[^1].Payload);
        Assert.Equal(1, Ledger.RunsOf(id, 1));
    }

    [Fact]
    public async Task Start_should_be_acknowledged_only_once_WorkflowStarted_is_in_the_file()
    {
        var id = NewId("ack");

        await _client.StartJsonAsync(id, "ThreeSteps", "1");

        // Read with a separate connection right after the ack: the start must already be committed.
        Assert.Equal("WorkflowStarted.v1", _journal.Rows("workflow-" + id)[0].Manifest);
        Gates.Release(id);
        Assert.Equal(ExecutionStatus.Completed, (await _client.WaitAsync(id, Wait)).Status);
    }

    [Fact]
    public async Task Same_start_twice_should_return_the_existing_execution_and_a_different_one_should_conflict()
    {
        var id = NewId("idem");
        Gates.Release(id);

        var first = await _client.StartJsonAsync(id, "ThreeSteps", "1");
        var again = await _client.StartJsonAsync(id, "ThreeSteps", "1");
        var conflict = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync(id, "ThreeSteps", "2"));
        var otherType = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync(id, "Retrying", """{"value":1,"failuresBeforeSuccess":0}"""));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(StartRejection.Conflict, conflict.Rejection.Reason);
        Assert.Contains("already exists as ThreeSteps with input 1", conflict.Message);
        Assert.Equal(StartRejection.Conflict, otherType.Rejection.Reason);
        await _client.WaitAsync(id, Wait);
        Assert.Equal(1, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'WorkflowStarted.v1'"));
    }

    [Theory]
    [InlineData("", "ThreeSteps", "1", StartRejection.InvalidId, "is invalid")]
    [InlineData("has space", "ThreeSteps", "1", StartRejection.InvalidId, "is invalid")]
    [InlineData("../etc/passwd", "ThreeSteps", "1", StartRejection.InvalidId, "is invalid")]
    [InlineData("ok-id", "NoSuchWorkflow", "1", StartRejection.UnknownType, "'NoSuchWorkflow' is not registered. Registered: AddsSignal, AwaitsApproval, CallsUnregistered")]
    [InlineData("ok-id", "ThreeSteps", "{not json", StartRejection.MalformedInput, "Input is not valid JSON")]
    [InlineData("ok-id", "ThreeSteps", "\"text\"", StartRejection.MalformedInput, "does not fit Int32")]
    [InlineData("ok-id", "Ordering", "{\"sku\":\"a\",\"quantity\":\"many\"}", StartRejection.MalformedInput, "does not fit Order")]
    [InlineData("ok-id", "Ordering", "null", StartRejection.MalformedInput, "JSON null")]
    public async Task Bad_start_should_be_rejected_specifically_and_journal_nothing(string id, string type, string input, StartRejection reason, string message)
    {
        var e = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync(id, type, input));

        Assert.Equal(reason, e.Rejection.Reason);
        Assert.Contains(message, e.Message);
        Assert.Equal(0, _journal.Count("SELECT COUNT(*) FROM journal"));
    }

    [Fact]
    public async Task Oversized_or_overlong_input_should_be_rejected()
    {
        var tooLong = new string('a', 129);
        var big = "\"" + new string('x', SteadfastSettings.Default.MaxPayloadBytes) + "\"";

        var idError = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync(tooLong, "ThreeSteps", "1"));
        var sizeError = await Assert.ThrowsAsync<WorkflowStartException>(() => _client.StartJsonAsync("big", "CatchingRefusal", big));

        Assert.Equal(StartRejection.InvalidId, idError.Rejection.Reason);
        Assert.Equal(StartRejection.PayloadTooLarge, sizeError.Rejection.Reason);
        Assert.Contains("over the limit of 1048576 bytes", sizeError.Message);
        Assert.Equal(0, _journal.Count("SELECT COUNT(*) FROM journal"));
    }

    [Fact]
    public async Task Transient_failures_should_be_retried_with_each_attempt_journaled()
    {
        var id = NewId("flaky");

        await _client.StartJsonAsync(id, "Retrying", """{"value":4,"failuresBeforeSuccess":2}""");
        var status = await _client.WaitAsync(id, Wait);

        Assert.Equal("40", status.ResultJson);
        var rows = _journal.Rows("workflow-" + id);
        var failures = rows.Where(r => r.Manifest == "ActivityAttemptFailed.v1").ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains("\"attempt\":1", failures[0].Payload);
        Assert.Contains("\"errorType\":\"System.IO.IOException\"", failures[0].Payload);
        Assert.Contains("transient failure on attempt 2", failures[1].Payload);
        Assert.Contains("\"attempt\":3", rows.Single(r => r.Manifest == "ActivityCompleted.v1").Payload);
        Assert.Equal(3, Ledger.RunsOf(id, 1));
    }

    [Fact]
    public async Task Exhausted_attempts_should_fail_the_workflow_with_the_last_error()
    {
        var id = NewId("exhaust");

        await _client.StartJsonAsync(id, "Retrying", """{"value":4,"failuresBeforeSuccess":99}""");
        var status = await _client.WaitAsync(id, Wait);

        Assert.Equal(ExecutionStatus.Failed, status.Status);
        Assert.Contains("Activity 'Flaky' (step 1) failed after 5 attempt(s): System.IO.IOException: transient failure on attempt 5", status.Error);
        Assert.Equal(5, Ledger.RunsOf(id, 1));
        Assert.Equal(4, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'ActivityAttemptFailed.v1'"));
    }

    [Fact]
    public async Task Non_retryable_error_should_fail_fast_and_be_catchable_by_the_workflow()
    {
        var id = NewId("refuse");

        await _client.StartAsync(id, "CatchingRefusal", "no");
        var status = await _client.WaitAsync(id, Wait);

        Assert.Equal("\"caught Steadfast.Runtime.NonRetryableException after 1 attempt(s): refused: no\"", status.ResultJson);
        Assert.Equal(1, Ledger.RunsOf(id, 1));
    }

    [Fact]
    public async Task Attempt_timeout_should_cancel_the_token_and_count_as_a_failed_attempt()
    {
        var id = NewId("timeout");

        await _client.StartJsonAsync(id, "TimingOut", "1");
        var status = await _client.WaitAsync(id, Wait);

        Assert.Equal("\"System.TimeoutException x2\"", status.ResultJson);
        await AwaitAssertAsync(() => Assert.Equal(2, Hang.Cancellations.GetValueOrDefault(id)));
    }

    [Fact]
    public async Task Status_should_say_what_a_running_workflow_waits_on()
    {
        var id = NewId("waiting");

        await _client.StartJsonAsync(id, "ThreeSteps", "1");

        await AwaitAssertAsync(async () =>
        {
            var status = await _client.GetStatusAsync(id);
            Assert.Equal(ExecutionStatus.Running, status.Status);
            Assert.Equal(["activity GatedIncrement (step 2, attempt 1)"], status.WaitingOn);
        }, Wait);
        Gates.Release(id);
        Assert.Equal("4", (await _client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Racing_starts_of_one_id_should_create_it_once()
    {
        var id = NewId("race");
        Gates.Release(id);

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.StartJsonAsync(id, "ThreeSteps", "3")));

        Assert.Single(replies, r => r.Created);
        Assert.Equal(1, _journal.Count($"SELECT COUNT(*) FROM journal WHERE persistence_id = 'workflow-{id}' AND manifest = 'WorkflowStarted.v1'"));
        Assert.Equal("6", (await _client.WaitAsync(id, Wait)).ResultJson);
    }

    [Fact]
    public async Task Unknown_id_should_be_reported_as_not_found()
    {
        var status = await _client.GetStatusAsync("nobody-here");
        var waited = await _client.WaitAsync("nobody-here", Wait);

        Assert.Equal(ExecutionStatus.NotFound, status.Status);
        Assert.Equal(ExecutionStatus.NotFound, waited.Status);
        Assert.Equal(0, _journal.Count("SELECT COUNT(*) FROM journal"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _journal.Dispose();
    }
}
