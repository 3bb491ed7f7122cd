
namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// A fixed block of slots: <see cref="Capacity"/> rows of <c>dimension</c> floats stored contiguously, plus
/// per-slot metadata. Written only by the collection's writer, at slots not yet published.
/// </summary>
internal sealed class VectorChunk
{
    public VectorChunk(int start, int capacity, int dimension, bool quantized)
    {
        Start = start;
        Capacity = capacity;
        Vectors = GC.AllocateUninitializedArray<float>(checked(capacity * dimension));
        SoldAtTicks = new long[capacity];
        SaleIds = new string[capacity];
        Sales = new SaleRecord[capacity];
        if (quantized)
        {
            Quantized = GC.AllocateUninitializedArray<sbyte>(checked(capacity * dimension));
            Scales = new float[capacity];
        }
    }

    /// <summary>Global slot number of row 0.</summary>
    public int Start { get; }

    public int Capacity { get; }

    public float[] Vectors { get; }

    public sbyte[]? Quantized { get; }

    public float[]? Scales { get; }

    public long[] SoldAtTicks { get; }

    public string[] SaleIds { get; }

    public SaleRecord[] Sales { get; }
}
