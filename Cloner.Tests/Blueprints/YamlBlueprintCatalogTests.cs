using Cloner.Domain.Blueprints;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Blueprints;
using Microsoft.Extensions.Logging;

namespace Cloner.Tests.Blueprints;

public sealed class YamlBlueprintCatalogTests : IDisposable
{
    private const string Valid = """
        name: demo
        title: Demo app
        clonePrefix: app
        inputs:
          - { key: token, label: Token, required: true, secret: true }
        ports:
          http: { from: 8100, to: 8199 }
          ws:   { from: 8200, to: 8299 }
        database:
          schema: schema.sql
        env:
          PORT: "{{ ports.http }}"
        nginx:
          template: nginx.conf.liquid
        components:
          - name: web
            command: python3
            args: [ "-u", "web.py" ]
            stopTimeout: 500ms
            startSeconds: 2
            restart: always
          - { name: worker, command: python3, args: [ "worker.py" ] }
        """;

    private readonly string _root =
        Directory.CreateTempSubdirectory("cloner-blueprints-").FullName;
    private readonly ListLogger<YamlBlueprintCatalog> _logger = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SampleBlueprint_Read_LoadsWithNoProblemsAndItsShape()
    {
        var catalog = Catalog(SampleBlueprintFolder.BlueprintsDir);

        var snapshot = catalog.Read();

        Assert.Empty(snapshot.Problems);
        var ego1 = Assert.Single(snapshot.Blueprints);
        Assert.Equal("ego1", ego1.Name);
        Assert.Equal("Ego1 chat bot", ego1.Title);
        Assert.Equal("bot", ego1.ClonePrefix);
        Assert.Equal(SampleBlueprintFolder.Ego1, ego1.Folder);
        Assert.Equal(["token", "session_id", "session_id2"], ego1.Inputs.Select(i => i.Key));
        Assert.Equal(new BlueprintInput("token", "Bot token", true, true,
            "^[A-Za-z0-9:_-]{10,200}$"), ego1.Inputs[0]);
        Assert.Equal(new BlueprintInput("session_id2", "Session id 2", false, false, null),
            ego1.Inputs[2]);
        Assert.Equal(
            [new PortSlot("http", 8100, 8999), new PortSlot("vk", 9100, 9999),
                new PortSlot("websocket", 10100, 10999)],
            ego1.Ports);
        Assert.Equal(
            ["*.pyc", "__pycache__/", ".env", "logs/", "schema.sql", "nginx.conf.liquid"],
            ego1.FileExcludes);
        Assert.Equal(12, ego1.Env.Count);
        Assert.Contains(new EnvEntry("BOT_NUMBER", "{{ clone.number }}"), ego1.Env);
        Assert.Contains("CREATE TABLE IF NOT EXISTS payments", ego1.SchemaSql);
        Assert.Contains("proxy_pass", ego1.NginxTemplate);
        Assert.Equal(["bot", "vk", "billing", "websocket"], ego1.Components.Select(c => c.Name));
        var bot = ego1.Components[0];
        Assert.Equal("python3", bot.Command);
        Assert.Equal(["-u", "bot.py"], bot.Args);
        Assert.Equal(TimeSpan.FromSeconds(10), bot.StopTimeout);
        Assert.True(bot.Autostart);
        Assert.False(ego1.Components[1].Autostart);
    }

    [Fact]
    public void EndToEndTestBlueprints_Read_LoadWithNoProblems()
    {
        var testBlueprints = Path.Combine(
            Path.GetDirectoryName(Path.GetDirectoryName(SampleBlueprintFolder.BlueprintsDir))!,
            "Cloner.Tests", "TestBlueprints");

        var snapshot = Catalog(testBlueprints).Read();

        Assert.Empty(snapshot.Problems);
        Assert.Equal(["badnginx", "flood", "halfschema", "stubborn"],
            snapshot.Blueprints.Select(b => b.Folder.Split('/')[^1]));
    }

    [Fact]
    public void ValidBlueprint_Read_ReadsDurationsRestartAndFiles()
    {
        WriteBlueprint("demo", Valid);

        var snapshot = Catalog(_root).Read();

        Assert.Empty(snapshot.Problems);
        var demo = Assert.Single(snapshot.Blueprints);
        var web = demo.Components[0];
        Assert.Equal(TimeSpan.FromMilliseconds(500), web.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), web.StartSeconds);
        Assert.Equal(RestartPolicy.Always, web.Restart);
        Assert.Equal(RestartPolicy.OnFailure, demo.Components[1].Restart);
        Assert.Equal(TimeSpan.FromSeconds(10), demo.Components[1].StopTimeout);
        Assert.Equal("CREATE TABLE t (id INT);", demo.SchemaSql);
        Assert.Equal("location /{{ clone.name }}/ {}", demo.NginxTemplate);
    }

    [Fact]
    public void BadName_Read_ProblemNamesFileKeyAndLine()
    {
        WriteBlueprint("demo", Valid.Replace("name: demo", "name: Demo_App"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal(BlueprintFile("demo"), problem.File);
        Assert.Equal("name", problem.Key);
        Assert.StartsWith("line 1: 'Demo_App' must match", problem.Message);
    }

    [Fact]
    public void MissingSchemaFile_Read_ProblemNamesDatabaseSchema()
    {
        WriteBlueprint("demo", Valid);
        File.Delete(Path.Combine(_root, "demo", "schema.sql"));

        var snapshot = Catalog(_root).Read();

        Assert.Empty(snapshot.Blueprints);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(BlueprintFile("demo"), problem.File);
        Assert.Equal("database.schema", problem.Key);
        Assert.StartsWith("line 10: the file ", problem.Message);
        Assert.Contains("schema.sql does not exist", problem.Message);
    }

    [Theory]
    [InlineData("../outside.sql")]
    [InlineData("/etc/passwd")]
    public void SchemaOutsideFolder_Read_ProblemNamesDatabaseSchema(string schema)
    {
        WriteBlueprint("demo", Valid.Replace("schema: schema.sql", $"schema: {schema}"));
        File.WriteAllText(Path.Combine(_root, "outside.sql"), "DROP DATABASE mysql;");

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("database.schema", problem.Key);
        Assert.Contains("must be a file inside the blueprint folder", problem.Message);
    }

    [Fact]
    public void SchemaLinkPointingOutside_Read_ProblemNamesDatabaseSchema()
    {
        WriteBlueprint("demo", Valid);
        var schema = Path.Combine(_root, "demo", "schema.sql");
        File.Delete(schema);
        File.WriteAllText(Path.Combine(_root, "outside.sql"), "DROP DATABASE mysql;");
        File.CreateSymbolicLink(schema, Path.Combine(_root, "outside.sql"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("database.schema", problem.Key);
        Assert.Contains("must be a file inside the blueprint folder", problem.Message);
    }

    [Fact]
    public void SchemaLinkInsideFolder_Read_IsFollowed()
    {
        WriteBlueprint("demo", Valid.Replace("schema: schema.sql", "schema: sql/current.sql"));
        Directory.CreateDirectory(Path.Combine(_root, "demo", "sql"));
        var link = Path.Combine(_root, "demo", "sql", "current.sql");
        File.CreateSymbolicLink(link, "../schema.sql");

        var snapshot = Catalog(_root).Read();

        Assert.Empty(snapshot.Problems);
        Assert.Equal("CREATE TABLE t (id INT);", snapshot.Blueprints[0].SchemaSql);
    }

    [Fact]
    public void MissingNginxTemplate_Read_ProblemNamesNginxTemplate()
    {
        WriteBlueprint("demo", Valid);
        File.Delete(Path.Combine(_root, "demo", "nginx.conf.liquid"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("nginx.template", problem.Key);
        Assert.StartsWith("line 14: ", problem.Message);
    }

    [Theory]
    [InlineData("10x")]
    [InlineData("10")]
    [InlineData("soon")]
    public void BadDuration_Read_ProblemNamesComponentKeyAndLine(string duration)
    {
        WriteBlueprint("demo", Valid.Replace("stopTimeout: 500ms", $"stopTimeout: {duration}"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("components[0].stopTimeout", problem.Key);
        Assert.StartsWith($"line 19: '{duration}' is not a duration", problem.Message);
    }

    [Fact]
    public void UnknownKey_Read_ProblemNamesKeyPathAndLine()
    {
        var typo = "restart: always\n    autostrat: true";
        WriteBlueprint("demo", Valid.Replace("restart: always", typo));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("components[0].autostrat", problem.Key);
        Assert.StartsWith("line 22: is not a known key", problem.Message);
    }

    [Fact]
    public void UnknownTopLevelKey_Read_ProblemNamesKey()
    {
        WriteBlueprint("demo", Valid + "\ncomponent: []\n");

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("component", problem.Key);
        Assert.Contains("is not a known key", problem.Message);
    }

    [Fact]
    public void OverlappingPortRanges_Read_ProblemNamesSecondSlotAndLine()
    {
        WriteBlueprint("demo", Valid.Replace("from: 8200, to: 8299", "from: 8150, to: 8299"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("ports.ws", problem.Key);
        Assert.Equal("line 8: range overlaps the range of ports.http", problem.Message);
    }

    [Fact]
    public void DuplicateComponent_Read_ProblemNamesSecondComponentAndLine()
    {
        WriteBlueprint("demo", Valid.Replace("name: worker", "name: web"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("components[1].name", problem.Key);
        Assert.Equal("line 22: 'web' is listed twice", problem.Message);
    }

    [Fact]
    public void BadRestartAndBool_Read_EachIsAProblem()
    {
        WriteBlueprint("demo", Valid
            .Replace("restart: always", "restart: sometimes")
            .Replace("required: true", "required: yes"));

        var problems = Catalog(_root).Read().Problems;

        Assert.Equal(["inputs[0].required", "components[0].restart"], problems.Select(p => p.Key));
    }

    [Fact]
    public void MissingRequiredKeys_Read_EachIsAProblem()
    {
        WriteBlueprint("demo", "title: x\ncomponents:\n  - { name: web }\n");

        var keys = Catalog(_root).Read().Problems.Select(p => p.Key).ToList();

        Assert.Equal(["name", "clonePrefix", "components[0].command"], keys);
    }

    [Fact]
    public void DatabaseWithoutSchema_Read_ProblemNamesDatabaseSchema()
    {
        WriteBlueprint("demo", Valid.Replace("  schema: schema.sql", "  schema: ''"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("database.schema", problem.Key);
        Assert.Equal("line 10: is required and must not be empty", problem.Message);
    }

    [Fact]
    public void WrongShape_Read_ProblemSaysWhatWasExpected()
    {
        WriteBlueprint("demo", Valid.Replace("http: { from: 8100, to: 8199 }", "http: 8100"));

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal("ports.http", problem.Key);
        Assert.Contains("must be a mapping like { from: 8100, to: 8999 }", problem.Message);
    }

    [Fact]
    public void InvalidYaml_Read_ProblemNamesFileAndLine()
    {
        WriteBlueprint("demo", "name: demo\ninputs: [ unclosed\n");

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal(BlueprintFile("demo"), problem.File);
        Assert.Matches("^line [23], column [0-9]+: not valid YAML", problem.Message);
    }

    [Fact]
    public void DuplicateYamlKey_Read_IsAProblemNotACrash()
    {
        WriteBlueprint("demo", Valid + "\nname: again\n");

        var problem = Assert.Single(Catalog(_root).Read().Problems);

        Assert.Equal(BlueprintFile("demo"), problem.File);
    }

    [Fact]
    public void BadBlueprintBesideGoodOne_Read_GoodOneLoadsAndBadIsLoggedOnce()
    {
        WriteBlueprint("demo", Valid);
        WriteBlueprint("broken", Valid.Replace("name: demo", "name: broken")
            .Replace("stopTimeout: 500ms", "stopTimeout: never"));
        Directory.CreateDirectory(Path.Combine(_root, "not-a-blueprint"));
        var catalog = Catalog(_root);

        var first = catalog.Read();
        var second = catalog.Read();

        Assert.Equal("demo", Assert.Single(first.Blueprints).Name);
        Assert.Equal(BlueprintFile("broken"), Assert.Single(first.Problems).File);
        var warning = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("components[0].stopTimeout", warning.Message);
        Assert.Same(first, second);
    }

    [Fact]
    public void SameNameInTwoFolders_Read_SecondIsAProblem()
    {
        WriteBlueprint("a", Valid);
        WriteBlueprint("b", Valid);

        var snapshot = Catalog(_root).Read();

        Assert.Single(snapshot.Blueprints);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(BlueprintFile("b"), problem.File);
        Assert.Equal("name", problem.Key);
    }

    [Fact]
    public void ChangedFiles_Read_RereadsOnlyWhatChanged()
    {
        WriteBlueprint("demo", Valid);
        var catalog = Catalog(_root);
        var before = catalog.Read();

        var schema = Path.Combine(_root, "demo", "schema.sql");
        File.WriteAllText(schema, "CREATE TABLE u (id INT);");
        File.SetLastWriteTimeUtc(schema, DateTime.UtcNow.AddMinutes(1));
        var afterSchema = catalog.Read();

        var yaml = BlueprintFile("demo");
        File.WriteAllText(yaml, Valid.Replace("title: Demo app", "title: Renamed"));
        File.SetLastWriteTimeUtc(yaml, DateTime.UtcNow.AddMinutes(2));
        var afterYaml = catalog.Read();

        Assert.NotSame(before, afterSchema);
        Assert.Equal("CREATE TABLE u (id INT);", afterSchema.Blueprints[0].SchemaSql);
        Assert.Equal("Renamed", afterYaml.Blueprints[0].Title);
        Assert.Same(afterYaml, catalog.Read());
    }

    [Fact]
    public void FixedBlueprint_Read_ProblemGoesAwayAndFolderRemovalIsSeen()
    {
        WriteBlueprint("demo", Valid.Replace("name: demo", "name: 9demo"));
        var catalog = Catalog(_root);
        Assert.Single(catalog.Read().Problems);

        var yaml = BlueprintFile("demo");
        File.WriteAllText(yaml, Valid);
        File.SetLastWriteTimeUtc(yaml, DateTime.UtcNow.AddMinutes(1));
        var fixedSnapshot = catalog.Read();
        Directory.Delete(Path.Combine(_root, "demo"), recursive: true);
        var emptied = catalog.Read();

        Assert.Empty(fixedSnapshot.Problems);
        Assert.Single(fixedSnapshot.Blueprints);
        Assert.Empty(emptied.Blueprints);
    }

    [Fact]
    public void MissingBlueprintsFolder_Read_IsAProblemNotACrash()
    {
        var missing = Path.Combine(_root, "nowhere");
        var catalog = Catalog(missing);

        var snapshot = catalog.Read();
        catalog.Read();

        Assert.Empty(snapshot.Blueprints);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal(missing, problem.File);
        Assert.Equal("Cloner:BlueprintsDir", problem.Key);
        Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
    }

    private YamlBlueprintCatalog Catalog(string blueprintsDir) => new(
        new ClonerOptions
        {
            DataDir = Path.Combine(_root, "data"),
            ClonesRoot = Path.Combine(_root, "bots"),
            BlueprintsDir = blueprintsDir,
        },
        _logger);

    private string BlueprintFile(string folder) =>
        Path.Combine(_root, folder, YamlBlueprintCatalog.FileName);

    private void WriteBlueprint(string folder, string yaml)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
        File.WriteAllText(Path.Combine(dir, YamlBlueprintCatalog.FileName), yaml);
        File.WriteAllText(Path.Combine(dir, "schema.sql"), "CREATE TABLE t (id INT);");
        File.WriteAllText(Path.Combine(dir, "nginx.conf.liquid"),
            "location /{{ clone.name }}/ {}");
    }
}
