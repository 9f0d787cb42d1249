using System.Net;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>Every clone gets its own port per slot, also when creates race.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class PortTests(SharedCloner shared, ITestOutputHelper output)
{
    private static readonly string[] s_slots = ["http", "vk", "websocket"];

    [SkippableFact]
    public async Task Create_TwoAtOnce_NeverTheSamePort()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            string[] names = ["race1", "race2"];
            try
            {
                var creates = names
                    .Select(n => api.CreateAsync(ClonerApi.SampleRequest(n)))
                    .ToList();
                var answers = await Task.WhenAll(creates);
                var clones = new List<System.Text.Json.JsonElement>();
                foreach (var answer in answers)
                {
                    clones.Add(await ClonerApi.ExpectAsync(answer, HttpStatusCode.Created,
                        "a racing create"));
                    answer.Dispose();
                }

                var ports = clones
                    .SelectMany(c => s_slots.Select(s => ClonerApi.Port(c, s)))
                    .ToList();
                Assert.Equal(ports.Count, ports.Distinct().Count());
            }
            finally
            {
                foreach (var name in names)
                {
                    await api.DeleteIfPresentAsync(name);
                }
            }
        });
    }

    [SkippableFact]
    public async Task Create_TwentyInARow_TwentyDistinctPortsPerSlot()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            var names = Enumerable.Range(1, 20).Select(i => $"row{i}").ToList();
            try
            {
                var clones = new List<System.Text.Json.JsonElement>();
                foreach (var name in names)
                {
                    clones.Add(await api.CreateSampleAsync(name));
                }

                foreach (var slot in s_slots)
                {
                    var ports = clones.Select(c => ClonerApi.Port(c, slot)).ToList();
                    Assert.True(ports.Distinct().Count() == 20,
                        $"{slot} ports repeat: {string.Join(", ", ports)}");
                }

                var claims = await Footprint.PortClaimsAsync(host);
                Assert.Equal(60, claims.Count(c => names.Contains(c.CloneName)));
                Assert.Equal(60, claims.Select(c => c.Port).Distinct().Count());
            }
            finally
            {
                foreach (var name in names)
                {
                    await api.DeleteIfPresentAsync(name);
                }
            }
        });
    }
}
