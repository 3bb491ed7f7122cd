using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Portal.Infrastructure.Formats;

/// <summary>Embedding vectors as float32 little-endian bytes (the same encoding as the DynamoDB Binary attribute).</summary>
internal static class EmbeddingCodec
{
    public static byte[] Encode(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
            }
        }

        return bytes;
    }

    /// <summary>Decodes a stored vector; false when the model id is missing, the dimension is not positive or the length is not dimension × 4.</summary>
    public static bool TryDecode(string? modelId, long dimension, ReadOnlySpan<byte> bytes, out StoredEmbedding? embedding)
    {
        embedding = null;
        if (string.IsNullOrWhiteSpace(modelId) || dimension <= 0 || dimension > int.MaxValue / sizeof(float) || bytes.Length != dimension * sizeof(float))
        {
            return false;
        }

        var vector = new float[dimension];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
        }

        embedding = new StoredEmbedding(modelId, vector);
        return true;
    }
}
