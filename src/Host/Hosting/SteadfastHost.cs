using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Runtime;

namespace Steadfast.Hosting;

/// <summary>Builds the generic host that runs Steadfast: options from JSON and environment, Akka with Steadfast, the client.</summary>
public static class SteadfastHost
{
    /// <summary>Reads <paramref name="configFile"/> (if it exists) and <c>Steadfast__*</c> environment variables.</summary>
    public static SteadfastOptions LoadOptions(string? configFile)
    {
        var configuration = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new OptionsValidationException([$"Configuration file '{configFile}' does not exist."]);
            configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        configuration.AddEnvironmentVariables();
        IConfigurationRoot built;
        try
        {
            built = configuration.Build();
        }
        catch (InvalidDataException e) // the JSON provider's "could not parse", with the parser's line and position inside
        {
            var parser = e.InnerException;
            while (parser is not null && parser is not System.Text.Json.JsonException) parser = parser.InnerException;
            throw new OptionsValidationException([$"Configuration file '{configFile}' is not valid JSON: {(parser ?? e).Message}"]);
        }
        try
        {
            var options = built.GetSection(SteadfastOptions.Section).Get<SteadfastOptions>() ?? new SteadfastOptions();
            return options.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException([$"Configuration cannot be read: {e.Message}"]);
        }
    }

    /// <summary>A host running Steadfast with the given workflows and activities.</summary>
    public static IHost Build(SteadfastOptions options, SteadfastRegistry registry, Action<IServiceCollection>? services = null, LogLevel minimumLevel = LogLevel.Information)
    {
        // Steadfast reads its options itself (LoadOptions). The default appsettings.json reload would watch the
        // working directory recursively, data folder included: a file event per journal write (docs/performance.md).
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = configuration });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSteadfast(options, registry, akkaLogLevel: minimumLevel >= LogLevel.Warning ? Akka.Event.LogLevel.WarningLevel : Akka.Event.LogLevel.InfoLevel);
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
