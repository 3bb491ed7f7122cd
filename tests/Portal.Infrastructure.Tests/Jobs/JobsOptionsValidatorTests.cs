using Portal.Infrastructure.Hosting.Jobs;

namespace Portal.Infrastructure.Tests.Jobs;

public sealed class JobsOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.True(new JobsOptionsValidator().Validate(null, new JobsOptions()).Succeeded);

    [Fact]
    public void ABadCronIsRefusedWithTheJobItBelongsTo()
    {
        var options = new JobsOptions();
        options.Schedules["smartgo-import"] = "every night at two";

        var result = new JobsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Jobs:Schedules:smartgo-import", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyCronMeansRunOnlyOnDemand()
    {
        var options = new JobsOptions();
        options.Schedules["validation"] = "";

        Assert.True(new JobsOptionsValidator().Validate(null, options).Succeeded);
    }
}
