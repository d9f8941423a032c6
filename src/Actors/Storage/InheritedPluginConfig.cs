using Akka.Actor;
using Akka.Configuration;

namespace Steadfast.Actors.Storage;

/// <summary>
/// A tenant's plugin block names only what differs from the default journal's (its file, its plugin id) and the path
/// it <c>inherit</c>s the rest from, as the actor system is configured (buffer, batch and parallelism, with the
/// user's overrides): HOCON substitutions cannot reach into fallbacks added later, so the plugin merges at creation.
/// </summary>
internal static class InheritedPluginConfig
{
    public const string Key = "inherit";

    public static Config Resolve(Config pluginConfig, ActorSystem system) =>
        pluginConfig.GetString(Key, null) is { Length: > 0 } basePath ? pluginConfig.WithFallback(system.Settings.Config.GetConfig(basePath)) : pluginConfig;
}
