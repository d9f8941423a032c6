using Akka.Actor;

namespace Steadfast.Actors;

/// <summary>
/// Starts Akka's scheduler while the thread pool is idle. Akka 1.5.73 starts it on first use: its loop is queued on
/// the thread pool and every caller until that loop runs blocks a pool thread waiting for it. When hundreds of
/// workflows recover at once (each schedules a recovery timeout) before anything else has used the scheduler, they
/// take all of the pool's threads and the loop waits until the pool has grown: W4's signal phase stalled ~22 s in
/// 5 of ~36 runs, 26 pool threads blocked in <c>HashedWheelTimerScheduler.Start</c>.
/// </summary>
public static class SchedulerStart
{
    /// <summary>Call from the code that creates the registry, off the thread pool (a few ms); never from an actor.</summary>
    public static void Now(ActorSystem system) => system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, static () => { });
}
