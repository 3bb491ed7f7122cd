namespace Portal.Core.Pricing.Similarity;

/// <summary>Tuning of the in-memory similarity index. The defaults suit production; tests shrink the chunks.</summary>
public sealed record IndexOptions
{
    /// <summary>Vectors per full chunk. Chunks start small and double up to this size, then stay at it, so appends never copy vectors.</summary>
    public int ChunkCapacity { get; init; } = 4096;

    /// <summary>Vectors in the first chunk of a collection (keeps tiny categories tiny).</summary>
    public int InitialChunkCapacity { get; init; } = 32;

    /// <summary>Also keep int8 copies of the vectors and search them first, re-ranking the best candidates exactly. Off by default.</summary>
    public bool EnableQuantizedSearch { get; init; }

    /// <summary>With quantised search, how many candidates per requested hit are re-ranked with exact float32 scores.</summary>
    public int RerankFactor { get; init; } = 8;

    /// <summary>Threads per search; defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Collections smaller than this (in stored floats, i.e. vectors × dimension) are searched on the calling thread.</summary>
    public long ParallelThresholdFloats { get; init; } = 1L << 20;

    internal IndexOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkCapacity, 4, nameof(ChunkCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialChunkCapacity, 1, nameof(InitialChunkCapacity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(InitialChunkCapacity, ChunkCapacity, nameof(InitialChunkCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(RerankFactor, 1, nameof(RerankFactor));
        if (MaxDegreeOfParallelism is { } degree)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(MaxDegreeOfParallelism));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ParallelThresholdFloats, nameof(ParallelThresholdFloats));
        return this;
    }
}
