using System.Globalization;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Common;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.HealthImaging;
using ImagingGateway.Infrastructure.Aws.S3;
using ImagingGateway.Infrastructure.Aws.StepFunctions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws;

/// <summary>
/// Registers the AWS adapters. Each takes <see cref="AwsOptions"/> from <c>Gateway:Aws</c>; credentials come from the
/// standard chain (<see cref="DefaultAWSCredentialsIdentityResolver"/>) unless an <see cref="AWSCredentials"/> is
/// already registered, and endpoints from the standard overrides (<see cref="AwsEndpoints"/>) unless an
/// <see cref="AwsEndpoints"/> is already registered. Binding is by hand: no reflection, trimming-friendly.
/// </summary>
public static class DependencyInjection
{
    public static IServiceCollection AddS3InstanceStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton<IAmazonS3>(CreateS3Client);
        services.AddSingleton<S3InstanceStore>();
        services.AddSingleton<IInstanceStore>(sp => sp.GetRequiredService<S3InstanceStore>());
        return services;
    }

    public static IServiceCollection AddDynamoDbImportJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton<IAmazonDynamoDB>(CreateDynamoDbClient);
        services.AddSingleton<IImportJobRepository, DynamoDbImportJobRepository>();
        return services;
    }

    /// <summary><see cref="IReceivedInstanceIndex"/> on the table named by <c>Gateway:Aws:InstanceTable</c>.</summary>
    public static IServiceCollection AddDynamoDbInstanceIndex(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton<IAmazonDynamoDB>(CreateDynamoDbClient);
        services.AddSingleton<DynamoDbReceivedInstanceIndex>();
        services.AddSingleton<IReceivedInstanceIndex>(sp => sp.GetRequiredService<DynamoDbReceivedInstanceIndex>());
        return services;
    }

    /// <summary><see cref="IStorageCommitmentRepository"/> on the table named by <c>Gateway:Aws:CommitmentTable</c>.</summary>
    public static IServiceCollection AddDynamoDbStorageCommitments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton<IAmazonDynamoDB>(CreateDynamoDbClient);
        services.AddSingleton<IStorageCommitmentRepository, DynamoDbStorageCommitmentRepository>();
        return services;
    }

    public static IServiceCollection AddHealthImaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton<IAmazonS3>(CreateS3Client);
        services.TryAddSingleton(sp =>
        {
            var (options, region, endpoint) = Resolve(sp, AwsEndpoints.MedicalImaging, HealthImagingClient.DefaultEndpoint);
            var http = AwsJsonCaller.CreateSignedClient(sp.GetRequiredService<AWSCredentials>(), region, HealthImagingClient.SigningName, endpoint);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<HealthImagingClient>();
            return new HealthImagingClient(new AwsJsonCaller(HealthImagingClient.SigningName, http, options, logger));
        });
        services.AddSingleton<IImagingService, HealthImagingService>();
        return services;
    }

    public static IServiceCollection AddStepFunctionsWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAwsCore(configuration);
        services.TryAddSingleton(sp =>
        {
            var (options, region, endpoint) = Resolve(sp, AwsEndpoints.StepFunctions, StepFunctionsClient.DefaultEndpoint);
            var http = AwsJsonCaller.CreateSignedClient(sp.GetRequiredService<AWSCredentials>(), region, StepFunctionsClient.SigningName, endpoint);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<StepFunctionsClient>();
            return new StepFunctionsClient(new AwsJsonCaller(StepFunctionsClient.SigningName, http, options, logger));
        });
        services.AddSingleton<IImportWorkflow, StepFunctionsImportWorkflow>();
        return services;
    }

    /// <summary>Options, endpoints, credentials and region, registered once whichever adapter asks first.</summary>
    public static IServiceCollection AddAwsCore(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AwsCoreMarker)))
        {
            return services;
        }

        services.AddSingleton<AwsCoreMarker>();
        services.AddOptions();
        services.AddLogging();
        var section = configuration.GetSection(AwsOptions.SectionName);
        services.Configure<AwsOptions>(o => Bind(section, o));
        services.TryAddSingleton(AwsEndpoints.FromEnvironment);
        services.TryAddSingleton<AWSCredentials>(_ => DefaultAWSCredentialsIdentityResolver.GetCredentials());
        services.TryAddSingleton(sp => ResolveRegion(sp.GetRequiredService<IOptions<AwsOptions>>().Value));
        return services;
    }

    public static void Bind(IConfiguration section, AwsOptions o)
    {
        o.Region = section[nameof(AwsOptions.Region)] is { Length: > 0 } region ? region : o.Region;
        o.DicomBucket = section[nameof(AwsOptions.DicomBucket)] ?? o.DicomBucket;
        o.ResultsBucket = section[nameof(AwsOptions.ResultsBucket)] ?? o.ResultsBucket;
        o.JobTable = section[nameof(AwsOptions.JobTable)] ?? o.JobTable;
        o.InstanceTable = section[nameof(AwsOptions.InstanceTable)] ?? o.InstanceTable;
        o.CommitmentTable = section[nameof(AwsOptions.CommitmentTable)] ?? o.CommitmentTable;
        o.StateMachineArn = section[nameof(AwsOptions.StateMachineArn)] ?? o.StateMachineArn;
        o.DatastoreId = section[nameof(AwsOptions.DatastoreId)] ?? o.DatastoreId;
        o.DataAccessRoleArn = section[nameof(AwsOptions.DataAccessRoleArn)] ?? o.DataAccessRoleArn;
        o.KmsKeyId = section[nameof(AwsOptions.KmsKeyId)] is { Length: > 0 } kms ? kms : o.KmsKeyId;
        if (section[nameof(AwsOptions.ForcePathStyle)] is { Length: > 0 } pathStyle)
        {
            o.ForcePathStyle = bool.TryParse(pathStyle, out var b)
                ? b
                : throw new InvalidOperationException($"Gateway:Aws:ForcePathStyle: '{pathStyle}' is not true or false");
        }

        o.MultipartPartSize = Int(section, nameof(AwsOptions.MultipartPartSize)) ?? o.MultipartPartSize;
        o.MaxAttempts = Int(section, nameof(AwsOptions.MaxAttempts)) ?? o.MaxAttempts;
        if (section[nameof(AwsOptions.RequestTimeout)] is { Length: > 0 } timeout)
        {
            o.RequestTimeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture);
        }

        if (section[nameof(AwsOptions.RetryBaseDelay)] is { Length: > 0 } delay)
        {
            o.RetryBaseDelay = TimeSpan.Parse(delay, CultureInfo.InvariantCulture);
        }
    }

    public static RegionEndpoint ResolveRegion(AwsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            return RegionEndpoint.GetBySystemName(options.Region);
        }

        return FallbackRegionFactory.GetRegionEndpoint()
            ?? throw new InvalidOperationException("no AWS region: set Gateway:Aws:Region or AWS_REGION");
    }

    public static IAmazonS3 CreateS3Client(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
        var region = sp.GetRequiredService<RegionEndpoint>();
        var config = new AmazonS3Config { ForcePathStyle = options.ForcePathStyle };
        if (sp.GetRequiredService<AwsEndpoints>().Resolve(AwsEndpoints.S3) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region.SystemName;
        }
        else
        {
            config.RegionEndpoint = region;
        }

        return new AmazonS3Client(sp.GetRequiredService<AWSCredentials>(), config);
    }

    public static IAmazonDynamoDB CreateDynamoDbClient(IServiceProvider sp)
    {
        var region = sp.GetRequiredService<RegionEndpoint>();
        var config = new AmazonDynamoDBConfig();
        if (sp.GetRequiredService<AwsEndpoints>().Resolve(AwsEndpoints.DynamoDb) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region.SystemName;
        }
        else
        {
            config.RegionEndpoint = region;
        }

        return new AmazonDynamoDBClient(sp.GetRequiredService<AWSCredentials>(), config);
    }

    private static (AwsOptions Options, RegionEndpoint Region, Uri Endpoint) Resolve(IServiceProvider sp, string service, Func<string, Uri> defaultEndpoint)
    {
        var options = sp.GetRequiredService<IOptions<AwsOptions>>().Value;
        var region = sp.GetRequiredService<RegionEndpoint>();
        var endpoint = sp.GetRequiredService<AwsEndpoints>().Resolve(service) ?? defaultEndpoint(region.SystemName);
        if (!endpoint.AbsolutePath.EndsWith('/'))
        {
            // Operation paths are resolved relative to the endpoint: keep any path it has.
            endpoint = new Uri(endpoint + "/");
        }

        return (options, region, endpoint);
    }

    private static int? Int(IConfiguration section, string key) => section[key] is { Length: > 0 } value
        ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new InvalidOperationException($"Gateway:Aws:{key}: '{value}' is not an integer")
        : null;

    private sealed class AwsCoreMarker;
}
