using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Tests.InMemory;
using ImagingGateway.Domain.Batches;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImagingGateway.Application.Tests;

/// <summary>The application as a host composes it, with every port in memory and a fake clock.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 4, 50, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    /// <param name="sharingStoreWith">a later run of that host: the same clock and instance store.</param>
    /// <param name="anotherTaskOf">another Gateway task beside that host: the same clock, instance store, received-instance
    /// index and storage commitment repository (S3 and DynamoDB in AWS mode), its own open batches.</param>
    public TestHost(GroupingPolicy policy = GroupingPolicy.PerAssociation, int maxFiles = BatchLimits.DefaultMaxFiles, long maxBytes = BatchLimits.DefaultMaxBytes, TestHost? sharingStoreWith = null, long maxInflatedDataSetBytes = ReceiveOptions.DefaultMaxInflatedDataSetBytes, bool withIndex = true, TimeSpan? quietPeriod = null, TestHost? anotherTaskOf = null)
    {
        var sharing = anotherTaskOf ?? sharingStoreWith;
        Time = sharing?.Time ?? new FakeTimeProvider(Start);
        Store = sharing?.Store ?? new InMemoryInstanceStore(Time);
        Jobs = new InMemoryImportJobRepository();
        Imaging = new FakeImagingService(Store, Time);
        Workflow = new InMemoryImportWorkflow();
        Index = anotherTaskOf?.Index ?? new InMemoryReceivedInstanceIndex();
        Commitments = anotherTaskOf?.Commitments ?? new InMemoryStorageCommitmentRepository();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IIdGenerator>(new SequentialIdGenerator(Time));
        services.AddSingleton<IInstanceStore>(Store);
        services.AddSingleton<IImportJobRepository>(Jobs);
        services.AddSingleton<IImagingService>(Imaging);
        services.AddSingleton<IImportWorkflow>(Workflow);
        if (withIndex)
        {
            services.AddSingleton<IReceivedInstanceIndex>(Index);
        }

        services.AddSingleton<IStorageCommitmentRepository>(Commitments);
        services.AddApplication(
            import =>
            {
                import.DatastoreId = "datastore1";
                import.DataAccessRoleArn = "arn:aws:iam::123456789012:role/import";
                import.ResultsLocation = "mem://results-bucket/";
            },
            batching =>
            {
                batching.Policy = policy;
                batching.MaxFiles = maxFiles;
                batching.MaxBytes = maxBytes;
                batching.QuietPeriod = quietPeriod ?? batching.QuietPeriod;
            },
            receive => receive.MaxInflatedDataSetBytes = maxInflatedDataSetBytes);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Mediator = _provider.GetRequiredService<IMediator>();
        Registry = _provider.GetRequiredService<OpenBatchRegistry>();
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public FakeTimeProvider Time { get; }

    public InMemoryInstanceStore Store { get; }

    public InMemoryImportJobRepository Jobs { get; }

    public FakeImagingService Imaging { get; }

    public InMemoryImportWorkflow Workflow { get; }

    public InMemoryReceivedInstanceIndex Index { get; }

    public InMemoryStorageCommitmentRepository Commitments { get; }

    public IMediator Mediator { get; }

    public OpenBatchRegistry Registry { get; }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
