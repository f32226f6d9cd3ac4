namespace ImagingGateway.Deploy;

/// <summary>The CPU and memory combinations Fargate accepts (Amazon ECS developer guide, "Task CPU and memory").</summary>
public static class FargateSizes
{
    public static bool IsValid(int cpu, int memoryMiB) => cpu switch
    {
        256 => memoryMiB is 512 or 1024 or 2048,
        512 => memoryMiB is >= 1024 and <= 4096 && memoryMiB % 1024 == 0,
        1024 => memoryMiB is >= 2048 and <= 8192 && memoryMiB % 1024 == 0,
        2048 => memoryMiB is >= 4096 and <= 16384 && memoryMiB % 1024 == 0,
        4096 => memoryMiB is >= 8192 and <= 30720 && memoryMiB % 1024 == 0,
        8192 => memoryMiB is >= 16384 and <= 61440 && memoryMiB % 4096 == 0,
        16384 => memoryMiB is >= 32768 and <= 122880 && memoryMiB % 8192 == 0,
        _ => false,
    };
}
