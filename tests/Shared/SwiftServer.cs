using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Steadfast.TestSupport;

/// <summary>
/// A real S3-compatible server on 127.0.0.1: single-node OpenStack Swift with s3api (scripts/swift.sh), started
/// for a test class and stopped by PID when it is disposed. Shared by the test projects that need S3 (linked, not referenced).
/// </summary>
public sealed class SwiftServer : IDisposable
{
    public const string AccessKey = "test:tester";
    public const string SecretKey = "testing";

    private readonly List<int> _pids;

    public SwiftServer()
    {
        Folder = Path.Combine(Path.GetTempPath(), "steadfast-swift", Guid.NewGuid().ToString("N"));
        Port = FreePortRange(5);
        var start = ProjectScript.Run("swift.sh", SwiftMissing, "start", Folder, Port.ToString());
        _pids = start.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
    }

    public string Folder { get; }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public static Dictionary<string, string> Credentials => new()
    {
        ["LITESTREAM_ACCESS_KEY_ID"] = AccessKey,
        ["LITESTREAM_SECRET_ACCESS_KEY"] = SecretKey,
    };

    private int ProxyPid => _pids[^1]; // the script starts the proxy last

    /// <summary>Creates a bucket (a Swift container of the test account) through the Swift API.</summary>
    /// <remarks>The proxy answers its health check before the storage servers listen: 503s are retried for a while.</remarks>
    public async Task CreateBucketAsync(string bucket)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var auth = new HttpRequestMessage(HttpMethod.Get, $"{Endpoint}/auth/v1.0");
            auth.Headers.Add("X-Auth-User", AccessKey);
            auth.Headers.Add("X-Auth-Key", SecretKey);
            using var authReply = await http.SendAsync(auth);
            if (authReply.IsSuccessStatusCode)
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, $"{authReply.Headers.GetValues("X-Storage-Url").Single()}/{bucket}");
                put.Headers.Add("X-Auth-Token", authReply.Headers.GetValues("X-Auth-Token").Single());
                using var putReply = await http.SendAsync(put);
                if (putReply.IsSuccessStatusCode) return;
                if (DateTime.UtcNow > deadline) putReply.EnsureSuccessStatusCode();
            }
            else if (DateTime.UtcNow > deadline) authReply.EnsureSuccessStatusCode();
            await Task.Delay(250);
        }
    }

    /// <summary>The S3 endpoint goes away (its proxy is killed); storage keeps its data.</summary>
    public void StopProxy()
    {
        Kill(ProxyPid);
        _pids.Remove(ProxyPid);
    }

    /// <summary>The S3 endpoint hangs (its proxy is stopped with SIGSTOP): connections open, nothing answers.</summary>
    public void FreezeProxy() => kill(ProxyPid, 19);

    /// <summary>The hung endpoint answers again (SIGCONT).</summary>
    public void ThawProxy() => kill(ProxyPid, 18);

    /// <summary>The S3 endpoint comes back.</summary>
    public void StartProxy()
    {
        var proxy = Process.Start(new ProcessStartInfo("swift-proxy-server", Path.Combine(Folder, "etc", "proxy-server.conf"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _pids.Add(proxy.Id);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (http.GetAsync($"{Endpoint}/healthcheck").Result.IsSuccessStatusCode) return;
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline)
            {
            }
            Thread.Sleep(200);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose()
    {
        foreach (var pid in _pids) Kill(pid);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    private const string SwiftMissing = "is Swift installed (scripts/install-swift.sh)?";

    // Swift needs its proxy and three storage servers plus memcached on consecutive ports.
    private static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(first, count).All(IsFree)) return first;
        }
        throw new InvalidOperationException("No free range of ports on 127.0.0.1.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
