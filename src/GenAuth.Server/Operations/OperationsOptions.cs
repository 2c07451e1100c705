namespace GenAuth.Server.Operations;

/// <summary>GenAuth:Metrics, GenAuth:Tracing, GenAuth:Logging and GenAuth:Shutdown, bound as one object.</summary>
public sealed class OperationsOptions
{
    public MetricsOptions Metrics { get; set; } = new();
    public TracingOptions Tracing { get; set; } = new();
    public LoggingOptions Logging { get; set; } = new();
    public ShutdownOptions Shutdown { get; set; } = new();

    public sealed class MetricsOptions
    {
        /// <summary>GenAuth:Metrics:Enabled: serve Prometheus metrics at <see cref="Path"/> (off by default).</summary>
        public bool Enabled { get; set; }

        /// <summary>GenAuth:Metrics:Path.</summary>
        public string Path { get; set; } = "/metrics";

        /// <summary>
        /// GenAuth:Metrics:AllowedNetworks: client addresses (CIDR) that may read the metrics without a key; unset, loopback
        /// only (127.0.0.0/8, ::1).
        /// </summary>
        // Note: null by default, not the loopback list: the configuration binder appends to an array's initial items,
        // so a configured list would never replace them.
        public string[]? AllowedNetworks { get; set; }

        public static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];

        /// <summary>GenAuth:Metrics:BearerKey: a scraper sending "Authorization: Bearer {key}" may read from any address.</summary>
        public string? BearerKey { get; set; }
    }

    public sealed class TracingOptions
    {
        /// <summary>GenAuth:Tracing:OtlpEndpoint: export traces (sign-in pipeline, HTTP requests) over OTLP; none when unset.</summary>
        public string? OtlpEndpoint { get; set; }

        /// <summary>GenAuth:Tracing:OtlpProtocol: Grpc (default) or HttpProtobuf.</summary>
        public string OtlpProtocol { get; set; } = "Grpc";
    }

    public sealed class LoggingOptions
    {
        /// <summary>GenAuth:Logging:Json: console logs as one JSON object a line, with the request id, pool and operation.</summary>
        public bool Json { get; set; }
    }

    public sealed class ShutdownOptions
    {
        /// <summary>
        /// GenAuth:Shutdown:TimeoutSeconds: on SIGTERM, how long in-flight requests may take to finish before they are
        /// cut (HostOptions.ShutdownTimeout).
        /// </summary>
        public int TimeoutSeconds { get; set; } = 30;
    }
}
