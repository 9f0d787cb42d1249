namespace Cloner.Domain.Provisioning;

/// <summary>The names of the create and delete steps, in the order they run.</summary>
public static class Steps
{
    public const string Validate = "validate";
    public const string Reserve = "reserve";
    public const string Database = "database";
    public const string Schema = "schema";
    public const string Files = "files";
    public const string Env = "env";
    public const string Route = "route";
    public const string Reload = "reload";
    public const string Register = "register";
    public const string Start = "start";

    public const string Stop = "stop";
    public const string Release = "release";
    public const string Forget = "forget";

    public static IReadOnlyList<string> CreateOrder { get; } =
        [Validate, Reserve, Database, Schema, Files, Env, Route, Reload, Register, Start];

    public static IReadOnlyList<string> DeleteOrder { get; } =
        [Stop, Route, Reload, Database, Files, Release, Forget];
}
