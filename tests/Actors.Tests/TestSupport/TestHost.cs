using Akka.Actor;

namespace Steadfast.Actors.Tests;

/// <summary>One "host" on a test journal: its actor system, registry and client; disposing it terminates the system.</summary>
public sealed record TestHost(ActorSystem System, IActorRef Router, WorkflowClient Client) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await System.Terminate();
}
