using Portal.Testing.Aws.Bedrock;

namespace Portal.Infrastructure.Tests.Aws.Bedrock;

/// <summary>One Bedrock stand-in per test class; each test resets what it changes.</summary>
public sealed class FakeBedrockFixture : IAsyncLifetime
{
    public FakeBedrockServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeBedrockServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Puts the stand-in back to its defaults.</summary>
    public FakeBedrockServer Reset()
    {
        Server.ThrottleNext(0);
        Server.NovaAnswerText = FakeBedrockServer.DefaultNovaAnswer;
        Server.NovaDelay = TimeSpan.Zero;
        return Server;
    }
}
