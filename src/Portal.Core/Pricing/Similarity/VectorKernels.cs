using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Portal.Core.Pricing.Similarity;

/// <summary>
/// Dot-product kernels over contiguous rows. The single-row and four-row float kernels use the same
/// per-row operation order, so a score is bit-identical whichever kernel computed it.
/// </summary>
internal static class VectorKernels
{
    /// <summary>Exact float32 dot product of <paramref name="query"/> with one row.</summary>
    public static float Dot(ReadOnlySpan<float> query, ReadOnlySpan<float> row)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return TensorPrimitives.Dot(query, row);
        }

        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r = ref MemoryMarshal.GetReference(row);
        var dim = query.Length;
        var acc = Vector256<float>.Zero;
        var d = 0;
        for (; d <= dim - Vector256<float>.Count; d += Vector256<float>.Count)
        {
            acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r, (nuint)d), Vector256.LoadUnsafe(ref q, (nuint)d), acc);
        }

        var sum = Vector256.Sum(acc);
        for (; d < dim; d++)
        {
            sum += Unsafe.Add(ref r, d) * Unsafe.Add(ref q, d);
        }

        return sum;
    }

    /// <summary>Exact dot products of the query with four consecutive rows starting at <paramref name="rows"/> (stride = query length).</summary>
    public static void Dot4(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, out float s0, out float s1, out float s2, out float s3)
    {
        var dim = query.Length;
        if (!Vector256.IsHardwareAccelerated)
        {
            s0 = TensorPrimitives.Dot(query, rows.Slice(0, dim));
            s1 = TensorPrimitives.Dot(query, rows.Slice(dim, dim));
            s2 = TensorPrimitives.Dot(query, rows.Slice(2 * dim, dim));
            s3 = TensorPrimitives.Dot(query, rows.Slice(3 * dim, dim));
            return;
        }

        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r0 = ref FirstOfFourRows(rows, dim);
        ref var r1 = ref Unsafe.Add(ref r0, dim);
        ref var r2 = ref Unsafe.Add(ref r1, dim);
        ref var r3 = ref Unsafe.Add(ref r2, dim);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var d = 0;
        for (; d <= dim - Vector256<float>.Count; d += Vector256<float>.Count)
        {
            var qv = Vector256.LoadUnsafe(ref q, (nuint)d);
            a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r0, (nuint)d), qv, a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r1, (nuint)d), qv, a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r2, (nuint)d), qv, a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref r3, (nuint)d), qv, a3);
        }

        s0 = Vector256.Sum(a0);
        s1 = Vector256.Sum(a1);
        s2 = Vector256.Sum(a2);
        s3 = Vector256.Sum(a3);
        for (; d < dim; d++)
        {
            var qd = Unsafe.Add(ref q, d);
            s0 += Unsafe.Add(ref r0, d) * qd;
            s1 += Unsafe.Add(ref r1, d) * qd;
            s2 += Unsafe.Add(ref r2, d) * qd;
            s3 += Unsafe.Add(ref r3, d) * qd;
        }
    }

    /// <summary>The first of four consecutive rows of <paramref name="dim"/> values, after checking that all four are there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T FirstOfFourRows<T>(ReadOnlySpan<T> rows, int dim)
    {
        if (rows.Length < 4 * dim)
        {
            throw new ArgumentException("Four rows are required.", nameof(rows));
        }

        return ref MemoryMarshal.GetReference(rows);
    }

    /// <summary>
    /// Integer dot product of an int8 row with a query already widened to int16 (values in [-127, 127]).
    /// AVX2: sign-extend 16 sbytes to shorts, multiply-add adjacent pairs to ints, accumulate.
    /// </summary>
    public static int DotInt8(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> row)
    {
        var dim = query.Length;
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r = ref MemoryMarshal.GetReference(row);
        var d = 0;
        var sum = 0;
        if (Avx2.IsSupported)
        {
            var acc = Vector256<int>.Zero;
            for (; d <= dim - 16; d += 16)
            {
                var v = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r, (nuint)d));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref q, (nuint)d)));
            }

            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var acc = Vector128<int>.Zero;
            for (; d <= dim - 16; d += 16)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)d));
                // |q|, |r| <= 127, so each product fits in a short; widen products to int before summing.
                var (p0, p1) = Vector128.Widen(lo * Vector128.LoadUnsafe(ref q, (nuint)d));
                var (p2, p3) = Vector128.Widen(hi * Vector128.LoadUnsafe(ref q, (nuint)(d + 8)));
                acc += (p0 + p1) + (p2 + p3);
            }

            sum = Vector128.Sum(acc);
        }

        for (; d < dim; d++)
        {
            sum += Unsafe.Add(ref r, d) * Unsafe.Add(ref q, d);
        }

        return sum;
    }

    /// <summary>Four int8 rows at once (stride = query length), sharing each query load.</summary>
    public static void DotInt8x4(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> rows, out int s0, out int s1, out int s2, out int s3)
    {
        var dim = query.Length;
        if (!Avx2.IsSupported)
        {
            s0 = DotInt8(query, rows.Slice(0, dim));
            s1 = DotInt8(query, rows.Slice(dim, dim));
            s2 = DotInt8(query, rows.Slice(2 * dim, dim));
            s3 = DotInt8(query, rows.Slice(3 * dim, dim));
            return;
        }

        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r0 = ref FirstOfFourRows(rows, dim);
        ref var r1 = ref Unsafe.Add(ref r0, dim);
        ref var r2 = ref Unsafe.Add(ref r1, dim);
        ref var r3 = ref Unsafe.Add(ref r2, dim);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        var d = 0;
        for (; d <= dim - 16; d += 16)
        {
            var qv = Vector256.LoadUnsafe(ref q, (nuint)d);
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r0, (nuint)d)), qv));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r1, (nuint)d)), qv));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r2, (nuint)d)), qv));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r3, (nuint)d)), qv));
        }

        s0 = Vector256.Sum(a0);
        s1 = Vector256.Sum(a1);
        s2 = Vector256.Sum(a2);
        s3 = Vector256.Sum(a3);
        for (; d < dim; d++)
        {
            var qd = Unsafe.Add(ref q, d);
            s0 += Unsafe.Add(ref r0, d) * qd;
            s1 += Unsafe.Add(ref r1, d) * qd;
            s2 += Unsafe.Add(ref r2, d) * qd;
            s3 += Unsafe.Add(ref r3, d) * qd;
        }
    }

    /// <summary>Hints the CPU to start loading <paramref name="bytes"/> into cache (no-op without SSE).</summary>
    public static void Prefetch(ReadOnlySpan<float> values) => Prefetch(MemoryMarshal.Cast<float, sbyte>(values));

    /// <summary>Hints the CPU to start loading <paramref name="bytes"/> into cache (no-op without SSE).</summary>
    public static unsafe void Prefetch(ReadOnlySpan<sbyte> bytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (sbyte* start = bytes)
        {
            for (var offset = 0; offset < bytes.Length; offset += 64)
            {
                Sse.Prefetch0(start + offset);
            }
        }
    }

    /// <summary>Symmetric per-vector int8 quantisation: <c>v ≈ scale · q</c>, |q| ≤ 127. Returns the scale.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        var maxAbs = TensorPrimitives.MaxMagnitude(vector);
        maxAbs = MathF.Abs(maxAbs);
        if (maxAbs == 0f)
        {
            destination.Clear();
            return 0f;
        }

        var inverse = 127f / maxAbs;
        for (var i = 0; i < vector.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        return maxAbs / 127f;
    }
}
