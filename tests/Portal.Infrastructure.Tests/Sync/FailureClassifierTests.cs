using System.Data.Common;
using Microsoft.Data.Sqlite;
using Portal.Core.Images;
using Portal.Core.Sync;
using Portal.Infrastructure.Embedded.Sqlite;
using Portal.Infrastructure.Http;

namespace Portal.Infrastructure.Tests.Sync;

/// <summary>The core's classifier knows the generic failures; a provider's own codes come through its <see cref="ITransientFailures"/>.</summary>
public sealed class FailureClassifierTests
{
    private static readonly FailureClassifier Wired = new([new SqliteTransientFailures(), new HttpTransientFailures()]);
    private static readonly FailureClassifier Bare = new([]);

    [Theory]
    [InlineData(5)] // SQLITE_BUSY
    [InlineData(6)] // SQLITE_LOCKED
    [InlineData(10)] // SQLITE_IOERR
    [InlineData(13)] // SQLITE_FULL
    [InlineData(15)] // SQLITE_PROTOCOL
    [InlineData(5 | (2 << 8))] // SQLITE_BUSY_SNAPSHOT, an extended code of a retryable primary code
    public void TheSqliteAdapterMakesItsPassingCodesRetryable(int code)
    {
        var busy = new SqliteException("database is locked", code);

        Assert.True(Wired.IsRetryable(busy));
        Assert.True(Wired.IsRetryable(new InvalidOperationException("wrapped", busy)));
    }

    [Theory]
    [InlineData(19)] // SQLITE_CONSTRAINT
    [InlineData(1)] // SQLITE_ERROR
    [InlineData(11)] // SQLITE_CORRUPT
    public void OtherSqliteCodesArePermanent(int code) =>
        Assert.False(Wired.IsRetryable(new SqliteException("no", code)));

    [Fact]
    public void ADatabaseErrorThatCallsItselfTransientIsRetryableWithoutAnAdapter()
    {
        Assert.True(Bare.IsRetryable(new ProviderError(transient: true)));
        Assert.False(Bare.IsRetryable(new ProviderError(transient: false)));
    }

    [Fact]
    public void HttpFailuresAreRetryableThroughTheirAdapter() =>
        Assert.True(Wired.IsRetryable(new HttpRequestException("connection refused")));

    [Fact]
    public void TheGenericCasesNeedNoAdapter()
    {
        Assert.True(Bare.IsRetryable(new TimeoutException()));
        Assert.True(Bare.IsRetryable(new IOException()));
        Assert.True(Bare.IsRetryable(new OperationCanceledException()));
        Assert.True(Bare.IsRetryable(new SaleImageUnavailableException("host down", isRetryable: true)));
        Assert.False(Bare.IsRetryable(new SaleImageUnavailableException("not an image", isRetryable: false)));
        Assert.True(Bare.IsRetryable(new AggregateException(new TimeoutException(), new IOException())));
        Assert.False(Bare.IsRetryable(new AggregateException(new TimeoutException(), new ArgumentException())));
        Assert.False(Bare.IsRetryable(new FormatException()));
    }

    private sealed class ProviderError(bool transient) : DbException("provider error")
    {
        public override bool IsTransient => transient;
    }
}
