using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace FineTune.Models.Formats;

/// <summary>
/// A safetensors file opened read-only and memory-mapped: the header is parsed and validated at
/// open, tensors are converted to float32 straight from the mapping on request. A file that opens
/// can be read without any out-of-range access (unless another process truncates it meanwhile).
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer,
        SafetensorsHeader.Parsed header)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        _dataStart = header.DataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <exception cref="SafetensorsFormatException">The file breaks the format; the message says where.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading assumes a little-endian machine.");
        var fileLength = new FileInfo(path).Length; // throws FileNotFoundException for a missing file, as it should
        SafetensorsHeader.CheckFileLength(fileLength, path); // before mapping: an empty file cannot be mapped at all

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;

            var headerLength = SafetensorsHeader.ReadHeaderLength(new ReadOnlySpan<byte>(pointer, SafetensorsHeader.LengthPrefixBytes), fileLength, path);
            var headerBytes = new ReadOnlySpan<byte>(pointer + SafetensorsHeader.LengthPrefixBytes, (int)headerLength);
            var bufferLength = fileLength - SafetensorsHeader.LengthPrefixBytes - headerLength;
            var header = SafetensorsHeader.Parse(headerBytes, bufferLength, path);
            return new SafetensorsFile(path, map, view, pointer, header);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>Converts the named tensor to float32 into <paramref name="destination"/>, whose length must equal its element count.</summary>
    public void ReadInto(string name, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Tensors.TryGetValue(name, out var tensor))
            throw new KeyNotFoundException($"{Path}: no tensor named '{name}'.");
        if (tensor.ElementCount != destination.Length)
            throw new ArgumentException(
                $"{Path}: tensor '{name}' has {tensor.ElementCount} elements (shape {tensor.ShapeText}) but the destination holds {destination.Length}.",
                nameof(destination));

        var source = _base + _dataStart + tensor.Offset;
        var count = destination.Length;
        switch (tensor.Dtype)
        {
            case SafetensorsDtype.F32:
                new ReadOnlySpan<float>(source, count).CopyTo(destination);
                break;
            case SafetensorsDtype.BF16:
                FloatConversion.Bf16ToFloat(new ReadOnlySpan<ushort>(source, count), destination);
                break;
            case SafetensorsDtype.F16:
                FloatConversion.F16ToFloat(new ReadOnlySpan<Half>(source, count), destination);
                break;
            case SafetensorsDtype.F64:
                FloatConversion.F64ToFloat(new ReadOnlySpan<double>(source, count), destination);
                break;
            default:
                throw new NotSupportedException(
                    $"{Path}: tensor '{name}' is {tensor.Dtype.Name()}; only F32, F16, BF16 and F64 convert to float32.");
        }
    }

    public float[] ReadFloat32(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Tensors.TryGetValue(name, out var tensor))
            throw new KeyNotFoundException($"{Path}: no tensor named '{name}'.");
        if (tensor.ElementCount > Array.MaxLength)
            throw new NotSupportedException($"{Path}: tensor '{name}' has {tensor.ElementCount} elements, more than one array holds.");
        var result = new float[tensor.ElementCount];
        ReadInto(name, result);
        return result;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
