using Akka.Actor;
using Steadfast.Actors.Storage;

namespace Steadfast.Actors;

/// <summary>
/// Bounds the workflows in flight — spawned and not yet quiet (settled, or waiting only for timers and signals) —
/// so that their journal writes (at most one outstanding each) never exceed the journal's queue, and keeps what
/// must wait for a slot in arrival order: starts of new ids (bounded in count and bytes, refused past that or after
/// waiting too long) and workflows to resume at host start (never refused). Not an actor: the router owns it.
/// </summary>
internal sealed class AdmissionGate(AdmissionSettings settings)
{
    private readonly HashSet<string> _active = [];
    private readonly Queue<string> _order = new();
    private readonly HashSet<string> _queued = []; // ids in _order: an id whose requests expired keeps its place, once
    private readonly Dictionary<string, Waiting> _waiting = new();

    /// <summary>Requests for one id waiting for a slot; <see cref="Resume"/> when it is an unfinished workflow to resume.</summary>
    public sealed class Waiting
    {
        public List<Parked> Requests { get; } = [];

        public UnfinishedWorkflows.Unfinished? Resume { get; init; }
    }

    /// <summary>A request held while its workflow waits for a slot.</summary>
    public sealed record Parked(object Message, IActorRef Sender, long Bytes, DateTime Since);

    public int Active => _active.Count;

    public int WaitingIds => _waiting.Count;

    public int ResumesWaiting { get; private set; }

    public long WaitingBytes { get; private set; }

    public bool HasRoom => _active.Count < settings.MaxActiveWorkflows && _waiting.Count == 0;

    /// <summary>No more starts can wait: they are refused as overloaded.</summary>
    public bool Full => _waiting.Count >= settings.MaxWaitingStarts || WaitingBytes >= settings.MaxWaitingBytes;

    public bool IsWaiting(string workflowId) => _waiting.ContainsKey(workflowId);

    /// <summary>The workflow's actor exists now and holds a slot (admitted, or let past the gate: children, wakes, restarts).</summary>
    public void MarkActive(string workflowId) => _active.Add(workflowId);

    /// <summary>Frees the slot of a workflow that became quiet or stopped.</summary>
    public void Release(string workflowId) => _active.Remove(workflowId);

    /// <summary>Holds <paramref name="message"/> until <paramref name="workflowId"/> gets a slot.</summary>
    public void Hold(string workflowId, object message, IActorRef sender)
    {
        if (!_waiting.TryGetValue(workflowId, out var waiting))
        {
            _waiting[workflowId] = waiting = new Waiting();
            Enqueue(workflowId);
        }
        var bytes = SizeOf(message);
        waiting.Requests.Add(new Parked(message, sender, bytes, DateTime.UtcNow));
        WaitingBytes += bytes;
    }

    /// <summary>Queues an unfinished workflow found at host start.</summary>
    public void HoldResume(UnfinishedWorkflows.Unfinished unfinished)
    {
        _waiting[unfinished.WorkflowId] = new Waiting { Resume = unfinished };
        Enqueue(unfinished.WorkflowId);
        ResumesWaiting++;
    }

    /// <summary>The next waiting workflow that may take a free slot (it holds the slot from now), or null.</summary>
    public (string WorkflowId, Waiting Waiting)? Next()
    {
        while (_active.Count < settings.MaxActiveWorkflows && _order.TryDequeue(out var id))
        {
            _queued.Remove(id);
            if (!_waiting.Remove(id, out var waiting)) continue; // its requests expired
            Forget(waiting);
            _active.Add(id);
            return (id, waiting);
        }
        return null;
    }

    /// <summary>Takes <paramref name="workflowId"/> out of the queue now, holding a slot (past the bound if need be).</summary>
    public Waiting? TakeWaiting(string workflowId)
    {
        if (!_waiting.Remove(workflowId, out var waiting)) return null; // its queue entry is skipped by Next
        Forget(waiting);
        _active.Add(workflowId);
        return waiting;
    }

    /// <summary>Empties the queue (at shutdown) and returns every request that waited.</summary>
    public List<Parked> TakeAll()
    {
        var all = _waiting.Values.SelectMany(w => w.Requests).ToList();
        _waiting.Clear();
        _order.Clear();
        _queued.Clear();
        (WaitingBytes, ResumesWaiting) = (0, 0);
        return all;
    }

    /// <summary>Removes and returns the requests that waited longer than allowed; an id with nothing left stops waiting.</summary>
    public List<Parked> TakeExpired()
    {
        var deadline = DateTime.UtcNow - settings.MaxWait;
        var expired = new List<Parked>();
        foreach (var (id, waiting) in _waiting.Where(w => w.Value.Resume is null && w.Value.Requests[0].Since < deadline).ToList())
        {
            expired.AddRange(waiting.Requests);
            _waiting.Remove(id);
            Forget(waiting);
        }
        return expired;
    }

    private void Enqueue(string workflowId)
    {
        if (_queued.Add(workflowId)) _order.Enqueue(workflowId);
    }

    private void Forget(Waiting waiting)
    {
        WaitingBytes -= waiting.Requests.Sum(r => r.Bytes);
        if (waiting.Resume is not null) ResumesWaiting--;
    }

    // What a held request costs in memory, roughly: the message, its strings (UTF-16) and the bookkeeping.
    private static long SizeOf(object message) => 200 + 2L * message switch
    {
        StartWorkflow s => s.InputJson.Length + s.WorkflowType.Length + s.WorkflowId.Length,
        SignalWorkflow s => s.PayloadJson.Length + s.Name.Length,
        _ => 0,
    };
}
