using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Provisioning;

public sealed class SqlScriptTests
{
    [Fact]
    public void Split_StatementsWithCommentsAndQuotes_SplitsOnlyAtRealSemicolons()
    {
        const string script = """
            -- users; not a statement
            CREATE TABLE users (id INT, name VARCHAR(20) DEFAULT 'a;b');
            /* a block;
               comment */ INSERT INTO users VALUES (1, 'it''s; fine');
            # hash comment;
            INSERT INTO `odd;name` VALUES (2, "x;y")
            """;

        var statements = SqlScript.Split(script);

        Assert.Collection(statements,
            s =>
            {
                Assert.Equal(
                    "CREATE TABLE users (id INT, name VARCHAR(20) DEFAULT 'a;b')", s.Text);
                Assert.Equal(2, s.Line);
            },
            s =>
            {
                Assert.Equal("INSERT INTO users VALUES (1, 'it''s; fine')", s.Text);
                Assert.Equal(4, s.Line);
            },
            s =>
            {
                Assert.Equal("INSERT INTO `odd;name` VALUES (2, \"x;y\")", s.Text);
                Assert.Equal(6, s.Line);
            });
    }

    [Fact]
    public void Split_OnlyCommentsAndBlanks_GivesNoStatements()
    {
        Assert.Empty(SqlScript.Split("-- nothing\n\n/* here */\n# at all"));
    }

    [Fact]
    public void Split_MultiLineString_CountsItsLinesForTheNextStatement()
    {
        var statements = SqlScript.Split("INSERT INTO t VALUES ('a\nb\nc');\nSELECT 1;");

        Assert.Equal([1, 4], statements.Select(s => s.Line));
    }
}
