using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FineTune.Bench;

/// <summary>
/// The gateway under load and chaos, on 127.0.0.1 only. Two replica processes (this program in its
/// hidden <c>--replica PORT</c> mode: a small <c>/v1/chat/completions</c> and <c>/health</c>) and the
/// built gateway run as processes of their own. Steady phase: N closed-loop clients alternate a
/// request through the gateway with one straight to a replica, so both latency distributions are
/// measured under the same load; the gateway's added latency is the difference of their p50 and p99.
/// Chaos phase: the same clients through the gateway only, one replica killed a third of the way in;
/// errors are counted before the kill, in the failover window (two probe intervals after it) and after.
/// </summary>
internal static class GatewayBench
{
    private const string Usage = "gateway options: --seconds N (default 60; steady 60%, chaos 40%), --quick (10 s), --clients N (default 16). " +
        "Build the gateway first: dotnet build src/FineTune.Gateway -c Release";

    private const double ProbeIntervalSeconds = 1;
    private const string ApiKey = "sk-bench-gateway";
    private static readonly byte[] ChatBody = Encoding.UTF8.GetBytes(
        """{"model":"base","max_tokens":16,"messages":[{"role":"user","content":"How do I reset my password?"}]}""");

    public static int Run(string[] args)
    {
        if (args is ["--replica", var port]) return RunReplica(int.Parse(port));
        var quick = args.Contains("--quick");
        int seconds, clients;
        try
        {
            var options = BenchOptions.Parse([.. args.Except(["--quick"])]);
            (seconds, clients) = (options.Int("seconds", quick ? 10 : 60), options.Int("clients", 16));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            return 2;
        }
        var gatewayDll = Path.Combine(BenchInfo.RepositoryRoot(), "src", "FineTune.Gateway", "bin", "Release", "net10.0", "FineTune.Gateway.dll");
        if (!File.Exists(gatewayDll))
        {
            Console.Error.WriteLine($"'{gatewayDll}' has not been built.\n{Usage}");
            return 2;
        }
        return RunAsync(gatewayDll, TimeSpan.FromSeconds(seconds), clients).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string gatewayDll, TimeSpan total, int clients)
    {
        Console.WriteLine($"{BenchInfo.Machine}; load average {BenchInfo.LoadAverage()}; {clients} clients, {total.TotalSeconds:0} s");
        using var replicaA = StartReplica();
        using var replicaB = StartReplica();
        using var gateway = StartGateway(gatewayDll, [replicaA.Address, replicaB.Address]);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1024, ActivityHeadersPropagator = null })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        try
        {
            foreach (var address in new[] { replicaA.Address, replicaB.Address, gateway.Address }) await WaitHealthyAsync(http, address);

            await RunClientsAsync(http, clients, TimeSpan.FromSeconds(Math.Min(2, total.TotalSeconds / 10)), _ => gateway.Address, (_, _, _) => { });
            var steady = new Samples();
            var direct = new Samples();
            await RunClientsAsync(http, clients, total * 0.6, i => i % 2 == 0 ? gateway.Address : (i / 2 % 2 == 0 ? replicaA.Address : replicaB.Address),
                (target, ok, elapsed) => (target == gateway.Address ? steady : direct).Add(ok, elapsed));

            Console.WriteLine();
            Console.WriteLine("steady, two replicas        | requests | errors | error rate |   p50 ms |   p99 ms");
            Print("direct to a replica", direct);
            Print("through the gateway", steady);
            Console.WriteLine($"gateway's added latency: p50 {steady.Percentile(50) - direct.Percentile(50):F3} ms, p99 {steady.Percentile(99) - direct.Percentile(99):F3} ms");

            var chaos = total * 0.4;
            var killAt = Stopwatch.GetTimestamp() + (long)(chaos.TotalSeconds / 3 * Stopwatch.Frequency);
            var window = (long)(2 * ProbeIntervalSeconds * Stopwatch.Frequency);
            var phases = new[] { new Samples(), new Samples(), new Samples() };
            var killer = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(chaos.TotalSeconds / 3));
                replicaB.Kill();
            });
            await RunClientsAsync(http, clients, chaos, _ => gateway.Address, (_, ok, elapsed) =>
            {
                var now = Stopwatch.GetTimestamp();
                phases[now < killAt ? 0 : now < killAt + window ? 1 : 2].Add(ok, elapsed);
            });
            await killer;

            Console.WriteLine();
            Console.WriteLine($"chaos: replica {replicaB.Address} killed | requests | errors | error rate |   p50 ms |   p99 ms");
            Print("before the kill", phases[0]);
            Print($"failover window ({2 * ProbeIntervalSeconds:0} s)", phases[1]);
            Print("after the window", phases[2]);
            return 0;
        }
        finally
        {
            gateway.Kill();
            replicaA.Kill();
            replicaB.Kill();
        }
    }

    private static void Print(string label, Samples samples) =>
        Console.WriteLine($"{label,-28}| {samples.Count,8} | {samples.Errors,6} | {samples.ErrorRate,9:P3} | {samples.Percentile(50),8:F3} | {samples.Percentile(99),8:F3}");

    /// <summary>Closed-loop clients: each sends its next request when the last one returns, until the time is up.</summary>
    private static Task RunClientsAsync(HttpClient http, int clients, TimeSpan duration, Func<long, Uri> target, Action<Uri, bool, double> record)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (long i = client; Stopwatch.GetTimestamp() < end; i++)
            {
                var address = target(i);
                var start = Stopwatch.GetTimestamp();
                var ok = await SendAsync(http, address);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                lock (record) record(address, ok, elapsed);
            }
        })));
    }

    private static async Task<bool> SendAsync(HttpClient http, Uri address)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/v1/chat/completions")) { Content = new ByteArrayContent(ChatBody) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Authorization = new("Bearer", ApiKey);
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitHealthyAsync(HttpClient http, Uri address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/health"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"{address} did not become healthy in 30 s.");
            await Task.Delay(100);
        }
    }

    private static Child StartReplica()
    {
        var port = FreePort();
        var self = Environment.ProcessPath!;
        var start = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new ProcessStartInfo(self) { ArgumentList = { typeof(GatewayBench).Assembly.Location } }
            : new ProcessStartInfo(self);
        foreach (var arg in new[] { "gateway", "--replica", port.ToString() }) start.ArgumentList.Add(arg);
        return Child.Start(start, port);
    }

    private static Child StartGateway(string dll, Uri[] replicas)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/'))!)!, "..", "dotnet"))
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Gateway__Health__ProbeIntervalSeconds"] = ProbeIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Gateway__Keys__bench__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        start.Environment["Gateway__Keys__bench__Scopes__0"] = "inference";
        start.Environment["Gateway__Keys__bench__RequestsPerMinute"] = "100000000";
        start.Environment["Gateway__Keys__bench__TokensPerMinute"] = "2000000000";
        for (var i = 0; i < replicas.Length; i++) start.Environment[$"services__inference__http__{i}"] = replicas[i].ToString();
        return Child.Start(start, port);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The replica: a fixed small chat completion after reading the request, as a fast service would answer.</summary>
    private static int RunReplica(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var answer = Encoding.UTF8.GetBytes(
            """{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"base","choices":[{"index":0,"message":{"role":"assistant","content":"Open Settings, then Security, then Reset password."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":11,"total_tokens":20}}""");
        app.MapGet("/health", () => "healthy");
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(answer);
        });
        app.Run();
        return 0;
    }

    private sealed class Samples
    {
        private readonly List<double> _milliseconds = [];

        public int Count => _milliseconds.Count;

        public int Errors { get; private set; }

        public double ErrorRate => Count == 0 ? 0 : (double)Errors / Count;

        public void Add(bool ok, double milliseconds)
        {
            _milliseconds.Add(milliseconds);
            if (!ok) Errors++;
        }

        public double Percentile(int p)
        {
            if (Count == 0) return double.NaN;
            var sorted = _milliseconds.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
        }
    }

    /// <summary>A child process on a loopback port, its output drained (and dropped) so it never blocks; killed with its tree.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;

        private Child(Process process, int port) => (_process, Address) = (process, new Uri($"http://127.0.0.1:{port}"));

        public Uri Address { get; }

        public static Child Start(ProcessStartInfo start, int port)
        {
            start.RedirectStandardOutput = start.RedirectStandardError = true;
            start.UseShellExecute = false;
            var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"[{port}] {line}"); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Child(process, port);
        }

        public void Kill()
        {
            if (_process.HasExited) return;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
    }
}
