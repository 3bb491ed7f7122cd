namespace Portal.Core.Pricing.Similarity;

/// <summary>Bytes held by a vector collection (array payloads, allocated capacity included).</summary>
/// <param name="Count">Vectors stored.</param>
/// <param name="RawFloat32Bytes">Count × dimension × 4: the floor any float32 store needs.</param>
/// <param name="Float32Bytes">Allocated float32 chunk bytes.</param>
/// <param name="Int8Bytes">Allocated int8 chunk bytes plus the per-vector float scales (0 when quantisation is off).</param>
/// <param name="MetadataBytes">Per-slot sold-at ticks, sale id and sale record references.</param>
public readonly record struct VectorMemoryUsage(long Count, long RawFloat32Bytes, long Float32Bytes, long Int8Bytes, long MetadataBytes)
{
    public static VectorMemoryUsage operator +(VectorMemoryUsage a, VectorMemoryUsage b) => new(
        a.Count + b.Count,
        a.RawFloat32Bytes + b.RawFloat32Bytes,
        a.Float32Bytes + b.Float32Bytes,
        a.Int8Bytes + b.Int8Bytes,
        a.MetadataBytes + b.MetadataBytes);

    /// <summary>Float32 storage plus metadata over the raw float32 bytes (1.0 is ideal).</summary>
    public double Float32Overhead => RawFloat32Bytes == 0 ? 0 : (double)(Float32Bytes + MetadataBytes) / RawFloat32Bytes;
}
