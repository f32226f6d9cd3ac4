using System.IO.Hashing;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

public sealed class FileSystemInstanceStoreContractTests : InstanceStoreContract, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<FileSystemInstanceStore> _stores = [];
    private FileSystemInstanceStore? _store;

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _temp.Dispose();
    }

    protected override Task<IInstanceStore> CreateStoreAsync() =>
        Task.FromResult<IInstanceStore>(_store ??= Open("root"));

    /// <summary>A regular file where the objects' top folder belongs: every commit under it fails to create its folder.</summary>
    protected override Task<IInstanceStore> CreateFailingStoreAsync()
    {
        var store = Open("failing");
        File.WriteAllBytes(Path.Combine(store.Diagnostics.Root, "dicom"), [1]);
        return Task.FromResult<IInstanceStore>(store);
    }

    protected override string ExpectedChecksum(byte[] content) => ObjectChecksum.Xxh3(XxHash3.HashToUInt64(content));

    private FileSystemInstanceStore Open(string folder)
    {
        var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine(folder) });
        _stores.Add(store);
        return store;
    }
}
