// One suite (RabbitMQ, Redis, Azurite, seven services) is shared by every spec, and the fault specs
// kill its processes: the specs must run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
